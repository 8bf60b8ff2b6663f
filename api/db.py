"""Opening and closing the database, and applying migrations."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.api import migrate as migrate_api

from api.audit import seal
from api.identity import patient_keys
from api.settings import Settings, tortoise_config
from api.sqlite_indexes import ensure_indexes


def _ensure_sqlite_folder(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://").split("?")[0]).parent.mkdir(
            parents=True, exist_ok=True
        )


async def open_database(settings: Settings) -> None:
    """Open the connections; also give the access history its key to seal chain heads."""
    _ensure_sqlite_folder(settings.database_url)
    seal.configure(settings.secret_key)
    patient_keys.configure(settings.data_master_key)
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def apply_migrations(settings: Settings, *, quiet: bool = False) -> None:
    """Bring the schema up to date; the same migration files serve SQLite and PostgreSQL."""
    _ensure_sqlite_folder(settings.database_url)
    seal.configure(settings.secret_key)  # audit 0003 seals the heads of existing chains
    patient_keys.configure(settings.data_master_key)

    def report(event: str, app_label: str, name: str) -> None:
        if not quiet and event == "apply_done":
            print(f"  applied {app_label}.{name}")

    try:
        await migrate_api(config=tortoise_config(settings.database_url), progress=report)
        if settings.database_url.startswith("sqlite"):
            await Tortoise.init(config=tortoise_config(settings.database_url))
            made = await ensure_indexes()
            if made and not quiet:
                print(f"  made {len(made)} missing SQLite indexes")
    finally:
        # The migration API opens connections lazily and leaves them open; an open
        # SQLite connection's thread would keep the process alive.
        await Tortoise.close_connections()
