"""`carnet backup FILE` and `carnet restore FILE`: the database and the document files in one
archive, taken consistently while the server runs, on SQLite and on PostgreSQL.

* archive.py: the tar file, its manifest and the SHA-256 of every member;
* sqlite.py / postgres.py: a consistent copy of the database and its restore;
* documents.py: the document files under the var directory (local storage);
* migrations.py: which schema migrations an archive and this code know;
* run.py: the two commands' work; commands.py: their command-line parsers.
The package reads every table, so it sits beside the root, above every domain.
"""
