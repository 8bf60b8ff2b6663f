"""Purging keys past their 24 hours and changes past the feed's 30 days, and its command."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from api import clock
from api.settings import PROJECT_ROOT, Settings
from api.sync.models import Change, ChangeKind, IdempotencyKey
from api.sync.purge import purge_sync
from tests.factories import make_patient


async def _rows(age: timedelta, label: str) -> None:
    """One key and one change, made `age` ago."""
    patient = await make_patient()
    assert patient.account_id is not None
    moment = clock.now() - age
    await IdempotencyKey.create(account_id=patient.account_id, key=label, operation="addAllergy",
                                input_hash="0" * 64, result_type="Allergy", result_id=1,
                                created_at=moment, expires_at=moment + timedelta(hours=24))
    await Change.create(patient_id=patient.id, section="allergies", item_id=1,
                        kind=ChangeKind.CREATED, occurred_at=moment)


async def _kept() -> tuple[list[str], int]:
    keys = sorted(k.key for k in await IdempotencyKey.all())
    return keys, await Change.all().count()


async def test_purge_deletes_only_what_is_past_its_time(db):
    await _rows(timedelta(hours=23), "fresh")
    await _rows(timedelta(days=29), "month-old")
    await _rows(timedelta(days=31), "too-old")
    purged = await purge_sync()
    assert (purged.keys, purged.changes) == (2, 1)
    assert await _kept() == (["fresh"], 2)
    assert (await purge_sync()).changes == 0


def _carnet(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "SECRET_KEY": settings.secret_key,
           "CARNET_VAR_DIR": str(settings.var_dir), "CARNET_ENV": "development"}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], env=env,
                          cwd=Path(PROJECT_ROOT), capture_output=True, text=True, timeout=60,
                          check=False)


async def test_the_sync_purge_command_purges_and_says_how_much(db, settings):
    await _rows(timedelta(hours=1), "fresh")
    await _rows(timedelta(days=40), "old")
    done = _carnet(settings, "sync", "purge")
    assert done.returncode == 0, done.stderr
    assert "Deleted 1 expired idempotency keys and 1 changes" in done.stdout
    assert await _kept() == (["fresh"], 1)
