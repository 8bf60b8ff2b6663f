"""Helpers for the backup tests: the command line, every row of every table, a wiped target."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from typing import Any

from tortoise import Tortoise, connections

from api.backup.sqlite import sqlite_path
from api.db import open_database
from api.settings import Settings
from tests.migrated import copy_migrated_sqlite


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": settings.database_url,
            "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(settings.var_dir),
            "CARNET_DOCUMENT_STORAGE": settings.document_storage}


def carnet(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `carnet` command on the test's database and var directory."""
    return subprocess.run([sys.executable, "-m", "api.cli", *args], env=_env(settings),
                          capture_output=True, text=True, timeout=300)


async def carnet_async(settings: Settings, *args: str) -> tuple[int, str, str]:
    """The same, without blocking the test's event loop (its tasks go on meanwhile)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api.cli", *args, env=_env(settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _tables() -> list[str]:
    return sorted({model._meta.db_table for app in Tortoise.apps.values()
                   for model in app.values()} | {"tortoise_migrations"})


async def every_row() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a comparable order."""
    connection = connections.get("default")
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in _tables():
        _, rows = await connection.execute_query(f'SELECT * FROM "{table}"')
        found[table] = sorted((tuple(dict(row).items()) for row in rows), key=repr)
    return found


async def wipe(settings: Settings) -> None:
    """A new, empty database (the migrations' template on SQLite; on PostgreSQL an empty
    schema, not even migrated) and a new, empty var directory; connections closed."""
    if settings.is_sqlite:
        await Tortoise.close_connections()
        live = sqlite_path(settings.database_url)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{live}{suffix}"):  # noqa: ASYNC240
                os.unlink(f"{live}{suffix}")
        copy_migrated_sqlite(live)
    else:
        await connections.get("default").execute_script(
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await Tortoise.close_connections()
    shutil.rmtree(settings.var_dir / "documents", ignore_errors=True)


async def reopen(settings: Settings) -> None:
    """Open the database again, as a server started after the restore would."""
    await Tortoise.close_connections()
    await open_database(settings)
