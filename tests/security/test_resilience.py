"""The shortened crash test of `make resilience`: a throwaway PostgreSQL cluster killed twice
with SIGKILL, then the app twice, under 32 writers; every acknowledged write is kept once
and the access history verifies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.resilience import NoPostgres, postgres_binaries

ROOT = Path(__file__).resolve().parents[2]


def _postgres_missing() -> str:
    try:
        postgres_binaries()
    except NoPostgres as error:
        return str(error)
    return ""


@pytest.mark.skipif(bool(_postgres_missing()), reason=_postgres_missing() or "-")
def test_two_kills_of_the_database_and_of_the_app_lose_and_double_nothing():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-m", "bench.resilience", "--cycles", "2",
                          "--soak-seconds", "0"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    report = run.stdout + run.stderr[-3000:]
    assert run.returncode == 0, report
    assert "0 acknowledged and lost, 0 duplicated" in run.stdout, report
    assert "carnet audit verify: exit 0" in run.stdout, report
    assert "PostgreSQL SIGKILL x2: recovery median" in run.stdout, report
    assert "app SIGKILL x2: recovery median" in run.stdout, report
