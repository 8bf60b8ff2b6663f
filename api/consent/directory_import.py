"""Loading an RPPS-style extract (CSV) into the directory, row by row, in atomic batches.

Columns (header row required, `;` or `,` separated, UTF-8 with or without BOM):
``rpps``, ``last_name``, ``first_name``, ``profession`` are required; ``specialty``,
``practice_name``, ``city``, ``postcode`` are optional. The public extract's French headers
(``Identifiant PP``, ``Nom d'exercice``, ``Prénom d'exercice``, ``Libellé profession`` or
``Code profession``, ``Libellé savoir-faire``, ``Raison sociale site``, ``Libellé commune``,
``Code postal``) are understood too.

Rows are matched by RPPS: a known number is updated (or left unchanged), never duplicated;
an optional column the file lacks is left as it was.
Each batch is written in one transaction, so a process killed mid-batch leaves the batches
before it complete and nothing of the one it was writing. A bad row is reported with its
line number and skipped; the rest goes on.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from tortoise import connections
from tortoise.transactions import in_transaction

from api.consent.directory_columns import (
    COLUMNS,
    REQUIRED,
    column_of,
    profession_of,
    row_problem,
)
from api.identity.models import Professional
from api.identity.rpps import parse_rpps

BATCH_SIZE = 500
PROGRESS_EVERY = 1000
# Optional columns of the file -> the model's fields.
_OPTIONAL = {"specialty": "specialty", "practice_name": "practice_name",
             "city": "practice_city", "postcode": "practice_postcode"}


class UnreadableFile(Exception):
    """The file as a whole cannot be used (no header, missing columns, not UTF-8)."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.refused


def _separator(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _rows(stream: TextIO) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line number, the row's values by column) or (line number, why it is bad)."""
    header_line = stream.readline()
    if not header_line.strip():
        raise UnreadableFile("the file is empty: a header row is needed")
    separator = _separator(header_line)
    header = next(csv.reader([header_line], delimiter=separator))
    columns = [column_of(name) for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise UnreadableFile(f"missing column(s): {', '.join(missing)} "
                             f"(expected {', '.join(COLUMNS)})")
    reader = csv.reader(stream, delimiter=separator)
    line = 1
    for values in reader:
        start, line = line + 1, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield start, f"{len(values)} fields where the header has {len(header)}"
            continue
        yield start, {c: v.strip() for c, v in zip(columns, values, strict=True) if c}


def _differs(pro: Professional, values: dict[str, str]) -> bool:
    return any(getattr(pro, name) != value for name, value in values.items())


async def _write(batch: dict[str, dict[str, str]], summary: ImportSummary) -> None:
    """One transaction: create the new numbers, update the changed ones."""
    async with in_transaction():
        known = {p.rpps: p for p in await Professional.filter(rpps__in=list(batch))}
        new = []
        for rpps, values in batch.items():
            pro = known.get(rpps)
            if pro is None:
                created = Professional(rpps=rpps, **values)
                created.fill_search_columns()
                new.append(created)
            elif _differs(pro, values):
                for name, value in values.items():
                    setattr(pro, name, value)
                await pro.save(update_fields=list(values))
                summary.updated += 1
            else:
                summary.unchanged += 1
        if new:
            await Professional.bulk_create(new)
            summary.created += len(new)


async def import_directory(stream: TextIO, report: Callable[[str], None],
                           progress: Callable[[int, ImportSummary], None] | None = None,
                           ) -> ImportSummary:
    """Load every good row of ``stream``; ``report`` gets each ``line N: reason``."""
    summary = ImportSummary()
    batch: dict[str, dict[str, str]] = {}
    read = 0
    try:
        for line, row in _rows(stream):
            read += 1
            problem = row if isinstance(row, str) else row_problem(row)
            if problem is not None:
                summary.refused += 1
                report(f"line {line}: {problem}")
            elif isinstance(row, dict):
                rpps, values = row_values(row)
                if rpps in batch:  # the same number twice: write the first before the second
                    await _write(batch, summary)
                    batch = {}
                batch[rpps] = values
                if len(batch) >= BATCH_SIZE:
                    await _write(batch, summary)
                    batch = {}
            if progress is not None and read % PROGRESS_EVERY == 0:
                progress(read, summary)
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 text after row {read}: {error.reason}") from None
    except csv.Error as error:
        raise UnreadableFile(f"not a CSV file: {error}") from None
    if batch:
        await _write(batch, summary)
    if summary.created:
        await _refresh_statistics()
    return summary


async def _refresh_statistics() -> None:
    """After a bulk load PostgreSQL plans lookups by RPPS with no statistics until
    autovacuum runs, which made a re-import ten times slower: gather them now."""
    client = connections.get("default")
    if client.capabilities.dialect == "postgres":
        await client.execute_script('ANALYZE "professional"')


def row_values(row: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The RPPS number and the model's fields of a row ``row_problem`` accepted.

    An optional column the file does not have is left out, so an update keeps what the
    directory knew of it.
    """
    profession = profession_of(row["profession"])
    assert profession is not None  # row_problem refused the others
    values = {"last_name": row["last_name"], "first_name": row["first_name"],
              "profession": profession.value}
    for column, name in _OPTIONAL.items():
        if column in row:
            values[name] = row[column]
    return parse_rpps(row["rpps"]), values
