"""The "Connecting an app" walk-through of docs/api.md, run as written against a live server:
its shell blocks in bash (carnet, curl, jq, openssl), the person's consent over HTTP."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.identity.models import Account
from api.settings import Settings
from tests.factories import csrf_from, make_patient, sign_in
from tests.live_server import free_port
from tests.oauth.support import give_record_entries, hidden_fields

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
SECTION = GUIDE.split("## Connecting an app", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```sh\n(.*?)```", SECTION, flags=re.S)
_MISSING_TOOLS = [tool for tool in ("bash", "curl", "jq", "openssl") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(_MISSING_TOOLS),
    reason=f"the guide's shell walk-through needs {', '.join(_MISSING_TOOLS)} on this machine")


@pytest.fixture
def environment(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": settings.database_url,
            "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(settings.var_dir),
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "HOME": str(tmp_path)}


@pytest.fixture
def live_carnet(db: None, environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                              env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - local URL
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the server did not start: "
                                + (tmp_path / "server.log").read_text())
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _run(block: str, state: Path, workdir: Path, environment: dict[str, str]) -> str:
    script = f'set -ae\nsource "{state}"\n{block}\nexport -p > "{state}"\n'
    done = subprocess.run(["bash", "-c", script], env=environment, cwd=workdir,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (block, done.stdout, done.stderr)
    return done.stdout


def _variable(state: Path, name: str) -> str:
    match = re.search(rf'^declare -x {name}="(.*)"$', state.read_text(), flags=re.M)
    assert match, f"{name} is not set by the guide"
    return match.group(1)


async def _consent(live: str, settings: Settings, account: Account, url: str) -> str:
    """The person, in their browser: sign in, allow, come back with a code."""
    async with httpx.AsyncClient(base_url=live) as browser:
        await sign_in(browser, account, settings.secret_key)
        page = await browser.get(url)
        assert page.status_code == 200, page.text
        assert "Pollen Diary" in page.text and "Pollen Labs" in page.text
        ticked = re.findall(r'name="scope" value="([^"]+)" checked', page.text)
        record = re.search(r'name="record" value="(\d+)" checked', page.text)
        assert record is not None
        answer = await browser.post("/oauth/authorize", data={
            **hidden_fields(page.text), "csrf_token": csrf_from(page.text), "decision": "allow",
            "scope": ticked, "record": record.group(1)})
    location = answer.headers["location"]
    assert location.startswith("https://pollen.example/callback?"), location
    params = parse_qs(urlsplit(location).query)
    assert params["state"] == parse_qs(urlsplit(url).query)["state"]
    return params["code"][0]


def test_the_guide_walks_through_every_step() -> None:
    joined = "\n".join(BLOCKS)
    for step in ("carnet apps register", "carnet apps approve", "code_challenge_method=S256",
                 "grant_type=authorization_code", "Authorization: Bearer",
                 "carnet apps operations", "If-None-Match",
                 "grant_type=refresh_token", "/oauth/revoke"):
        assert step in joined, step


async def test_the_guides_commands_work(live_carnet: str, settings: Settings,
                                        environment: dict[str, str], tmp_path: Path) -> None:
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    await give_record_entries(patient.id, account)
    state = tmp_path / "state.sh"
    state.write_text("")
    outputs = []
    for block in BLOCKS:
        block = block.replace("CARNET=http://localhost:8000", f"CARNET={live_carnet}")
        outputs.append(_run(block, state, tmp_path, environment))
        if "AUTHORIZE_URL=" in block:
            code = await _consent(live_carnet, settings, account,
                                  _variable(state, "AUTHORIZE_URL"))
            with state.open("a") as handle:
                handle.write(f'declare -x CODE="{code}"\n')
    joined = "\n".join(outputs)
    assert "allergies.read treatments.read" in joined  # the scope the person allowed
    assert '"substance": "Birch pollen"' in joined  # the allergies, read with the bearer
    assert re.search(r"^304$", joined, re.M)  # the registered operation, fetched again
    assert "PERSISTED_QUERY_NOT_ALLOWED" in joined  # allowlist mode: nothing else runs
    assert outputs[-1].strip().endswith("401")  # revoked: the token no longer works
