"""Loading the demo: quick, and a second run (`carnet demo` again) changes nothing."""

from __future__ import annotations

import contextvars
import sqlite3
import time
from pathlib import Path

import pytest
import tortoise.context

from api import cli
from api.audit import seal
from api.demo import load_demo, load_directory, load_records
from api.settings import Settings

# What the demo fills, by table: a second run must leave every count as it was.
TABLES = ("account", "patient", "professional", "history_entry", "allergy", "treatment",
          "vaccination", "measurement", "directives", "document", "consent_grant", "consent_block",
          "consent_treating_doctor", "access_event", "consent_emergency_access",
          "consent_notification", "conversation", "message")


def _carnet(*args: str) -> int:
    """Run the `carnet` command in a fresh context: it opens (and closes) its own database."""
    return contextvars.Context().run(cli.main, list(args))


def _counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        names = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = set(TABLES) - names
        assert not missing, f"no such tables: {missing} (among {sorted(names)})"
        counts = {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in TABLES}
    connection.close()
    return counts


def test_carnet_demo_twice_loads_once_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tortoise.context, "_global_context", None)
    monkeypatch.setattr(seal, "_key", seal._key)  # the command configures its own key
    for name in ("DATABASE_URL", "CARNET_ENV", "SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CARNET_VAR_DIR", str(tmp_path))
    assert _carnet("migrate") == 0
    assert _carnet("demo") == 0
    assert "created 4 patients, 5 professionals with accounts" in capsys.readouterr().out
    first = _counts(tmp_path / "carnet.sqlite3")
    assert all(first.values()), first
    assert _carnet("demo") == 0
    assert ("created 0 patients, 0 professionals with accounts, 0 directory entries"
            in capsys.readouterr().out)
    assert _counts(tmp_path / "carnet.sqlite3") == first


async def test_the_demo_loads_in_a_few_seconds(db: None, settings: Settings) -> None:
    # The processor time of this process (database included on SQLite), so that a machine
    # busy with other work does not make the check fail; under a second on its own.
    started = time.process_time()
    await load_demo()
    await load_directory()
    await load_records(settings)
    assert time.process_time() - started < 5
