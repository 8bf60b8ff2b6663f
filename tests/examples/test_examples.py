"""The examples under examples/ run against a real server and print what their READMEs say.

One uvicorn process on a free loopback port, with a migrated SQLite database and the demo
loaded; each example runs as a person would run it, in its test mode (signing in through
the pages, the e-mailed code read from the development outbox).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import free_port, wait_until_up
from tests.migrated import copy_migrated_sqlite

ROOT = Path(__file__).resolve().parents[2]
CAMILLE = ("--username", "camille@demo.carnet.invalid", "--password", "carnet-demo-2026",
           "--code", "outbox")


@dataclass(frozen=True)
class Server:
    url: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("examples")
    env = {**os.environ, "CARNET_VAR_DIR": str(var_dir),
           "DATABASE_URL": f"sqlite://{var_dir / 'carnet.sqlite3'}"}
    copy_migrated_sqlite(var_dir / "carnet.sqlite3")  # `migrate` then has nothing to do
    for command in ("migrate", "demo"):
        subprocess.run([sys.executable, "-m", "api.cli", command], env=env, check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield Server(url, env)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _run(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=server.env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _carnet(server: Server, *args: str) -> str:
    done = _run(server, "-m", "api.cli", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_pollen_diary_pairs_reads_what_was_allowed_and_adds_a_weight(server) -> None:
    done = _run(server, "examples/pollen_diary/main.py", "--base-url", server.url,
                "--weight", "71.5", *CAMILLE)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("Connected with: allergies.read treatments.read measurements.read "
                        "measurements.write")
    assert any(line.startswith("allergies: ") and "(none)" not in line for line in lines)
    assert any(line.startswith("treatments: ") for line in lines)
    assert not any(line.startswith("identity: ") for line in lines)  # never asked for
    assert lines[-1] == "Added weight: 71,5 kg"  # in French, the default language
    again = _run(server, "examples/pollen_diary/main.py", "--base-url", server.url, *CAMILLE)
    assert "measurements: 71,5 kg on " in again.stdout  # read back on the next run


def test_the_pollen_diary_reports_a_wrong_password(server) -> None:
    done = _run(server, "examples/pollen_diary/main.py", "--base-url", server.url,
                "--username", "camille@demo.carnet.invalid", "--password", "wrong")
    assert done.returncode == 1
    assert "error: the e-mail address or the password was refused" in done.stderr


def test_the_mobile_client_runs_registered_operations_and_gets_a_304(server, tmp_path) -> None:
    registered = _carnet(server, "apps", "register", "--name", "Carnet Mobile", "--public",
                         "--redirect-uri", "http://127.0.0.1:8766/callback",
                         "--scopes", "allergies.read measurements.read")
    client_id = re.search(r"^client_id: (\S+)$", registered, re.M)
    assert client_id is not None
    _carnet(server, "apps", "approve", client_id.group(1))
    done = _run(server, "examples/mobile_client/main.py", "--base-url", server.url,
                "--client-id", client_id.group(1),
                "--redirect-uri", "http://127.0.0.1:8766/callback",
                "--scopes", "allergies.read measurements.read", "--register",
                "--carnet", f"{sys.executable} -m api.cli",
                "--manifest", str(tmp_path / "manifest.json"), *CAMILLE)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"^registered [0-9a-f]{64} MyAllergies$", out, re.M), out
    assert re.search(r"^registered [0-9a-f]{64} MyWeights$", out, re.M), out
    assert re.search(r"^GET MyAllergies: 200, ETag W/\"[^\"]+\", \d+ bytes$", out, re.M), out
    assert re.search(r"^GET MyAllergies again: 304, 0 bytes$", out, re.M), out
    assert re.search(r"^GET MyWeights: 200, ", out, re.M), out
    assert "an unregistered query: PERSISTED_QUERY_NOT_ALLOWED" in out
