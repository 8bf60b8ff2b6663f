"""On SQLite, the migrated database has every index and unique constraint the models declare.

Tortoise remakes a SQLite table to change a column and dropped its indexes on the way
(api/sqlite_indexes.py): a patient's entries were then read by scanning every patient's, and
the access history lost the unique (patient, sequence) pair its appends rely on. These tests
hold the repair: after `carnet migrate` nothing declared is missing, the hot reads search an
index, a dropped index comes back at the next migration, and a unique index the rows already
break is reported without touching the rows.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from tortoise import Tortoise

from api.db import apply_migrations
from api.settings import Settings
from api.sqlite_indexes import declared

MODELS_NEEDED = ("allergy", "treatment", "history_entry", "vaccination", "measurement",
                 "document", "access_event")


def _settings(folder: Path) -> Settings:
    return Settings.from_env({"DATABASE_URL": f"sqlite://{folder / 'carnet.sqlite3'}",
                              "CARNET_VAR_DIR": str(folder)})


def _indexes(path: Path) -> set[tuple[str, tuple[str, ...], bool]]:
    connection = sqlite3.connect(path)
    try:
        found = set()
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for index in connection.execute(f'PRAGMA index_list("{table}")').fetchall():
                columns = tuple(row[2] for row in connection.execute(
                    f'PRAGMA index_info("{index[1]}")'))
                found.add((table, columns, bool(index[2])))
        return found
    finally:
        connection.close()


async def _declared(settings: Settings) -> set[tuple[str, tuple[str, ...], bool]]:
    from api.settings import tortoise_config

    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        models = [model for app in Tortoise.apps.values() for model in app.values()]
        return {(index.table, index.columns, index.unique) for index in declared(models)}
    finally:
        await Tortoise.close_connections()


async def test_every_declared_index_exists_after_the_migrations(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    await apply_migrations(settings, quiet=True)
    found = _indexes(tmp_path / "carnet.sqlite3")
    wanted = await _declared(settings)
    assert {table for table, _, _ in wanted} >= set(MODELS_NEEDED)
    missing = [index for index in wanted
               if index not in found and (index[0], index[1], True) not in found]
    assert not missing, missing
    assert ("access_event", ("patient_id", "sequence"), True) in found


async def test_a_patient_s_entries_are_read_through_an_index(tmp_path: Path) -> None:
    await apply_migrations(_settings(tmp_path), quiet=True)
    connection = sqlite3.connect(tmp_path / "carnet.sqlite3")
    try:
        for table in ("allergy", "treatment", "history_entry", "vaccination", "measurement",
                      "document"):
            plan = " ".join(row[3] for row in connection.execute(
                f'EXPLAIN QUERY PLAN SELECT *, ROW_NUMBER() OVER (PARTITION BY "patient_id" '
                f'ORDER BY "id" DESC) FROM "{table}" WHERE "patient_id" IN (?, ?)', [1, 2]))
            assert f"SEARCH {table} USING INDEX" in plan, (table, plan)
    finally:
        connection.close()


async def test_an_index_dropped_by_a_table_remake_comes_back_at_the_next_migration(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    await apply_migrations(settings, quiet=True)
    path = tmp_path / "carnet.sqlite3"
    connection = sqlite3.connect(path)
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name IN "
        "('allergy','access_event') AND sql IS NOT NULL")]
    for name in names:
        connection.execute(f'DROP INDEX "{name}"')
    connection.commit()
    connection.close()
    assert ("allergy", ("patient_id", "id"), False) not in _indexes(path)
    await apply_migrations(settings, quiet=True)
    found = _indexes(path)
    assert ("allergy", ("patient_id", "id"), False) in found
    assert ("access_event", ("patient_id", "sequence"), True) in found


async def test_a_unique_index_the_rows_break_is_reported_and_the_rows_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    settings = _settings(tmp_path)
    await apply_migrations(settings, quiet=True)
    path = tmp_path / "carnet.sqlite3"
    connection = sqlite3.connect(path)
    name = next(row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='access_event' "
        "AND sql IS NOT NULL"))
    connection.execute(f'DROP INDEX "{name}"')
    connection.execute("PRAGMA foreign_keys=OFF")
    for _ in range(2):  # the same place in a chain twice: what the lost constraint allowed
        connection.execute(
            'INSERT INTO "access_event" ("patient_id","sequence","occurred_at",'
            '"viewer_account_id","viewer_name","viewer_profession","basis","sections",'
            '"actions","emergency","request_kind","detail","prev_hash","hash") VALUES '
            "(7, 1, '2026-01-01T00:00:00+00:00', 1, 'X', '', 'GRANT', '', '', 0, 'GRAPHQL', "
            "'', '0', '1')")
    connection.commit()
    connection.close()
    with caplog.at_level(logging.ERROR, logger="api.sqlite_indexes"):
        await apply_migrations(settings, quiet=True)
    assert any("access_event" in record.getMessage() for record in caplog.records)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute('SELECT COUNT(*) FROM "access_event"').fetchone()[0] == 2
    finally:
        connection.close()
