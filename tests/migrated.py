"""Migrated, empty databases for tests, copied from a template made once per migration set.

Applying the migrations takes tens of seconds (the migration engine replays every file),
and each test worker, live server and command-line test needs a migrated database. The
first to ask builds a template under a file lock, in a process of its own; the others copy
it: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL. The template's
name carries a digest of the migration files and the ORM's version, so changing a
migration makes a new template and an unchanged one is reused from run to run.

`python -m tests.migrated DATABASE_URL` migrates one database (what the builder runs).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "carnet-test-databases"


def migrations_digest() -> str:
    """What the migrated schema depends on: every migration file, what runs them (with the
    SQLite indexes made after them) and the ORM's version."""
    digest = hashlib.sha256(version("tortoise-orm").encode())
    for path in [*sorted(ROOT.glob("api/**/migrations/*.py")), ROOT / "api" / "db.py",
                 ROOT / "api" / "sqlite_indexes.py"]:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(name: str) -> Iterator[None]:
    """One process at a time across every test worker on this machine."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _migrate(database_url: str) -> None:
    env = {**os.environ, "CARNET_ENV": "development"}
    subprocess.run([sys.executable, "-m", "tests.migrated", database_url], env=env, cwd=ROOT,
                   check=True, capture_output=True, timeout=600)


def copy_migrated_sqlite(target: Path) -> None:
    """Write a migrated, empty SQLite database at `target`."""
    template = CACHE / f"migrated-{migrations_digest()}.sqlite3"
    with _locked(template.name):
        if not template.exists():
            building = template.with_suffix(f".{uuid.uuid4().hex[:8]}.building")
            _migrate(f"sqlite://{building}")
            building.replace(template)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)


def _postgres_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def create_migrated_postgres(admin_url: str, name: str) -> str:
    """Create database `name`, migrated and empty, on the server of `admin_url`; its URL."""
    import psycopg

    base = admin_url.rsplit("/", 1)[0]
    template = f"carnet_template_{migrations_digest()}"
    with _locked(template), psycopg.connect(_postgres_dsn(admin_url), autocommit=True,
                                            connect_timeout=5) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if found.fetchone() is None:
            building = f"{template}_{uuid.uuid4().hex[:8]}"
            admin.execute(f'CREATE DATABASE "{building}"')
            try:
                _migrate(f"{base}/{building}")
                admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            except BaseException:
                admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                raise
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"{base}/{name}"


async def _apply(database_url: str) -> None:
    from api.db import apply_migrations
    from api.settings import Settings

    settings = Settings(env="development", database_url=database_url,
                        secret_key="migrations-only-" + "x" * 48,
                        var_dir=Path(tempfile.gettempdir()))
    await apply_migrations(settings, quiet=True)


if __name__ == "__main__":
    asyncio.run(_apply(sys.argv[1]))
