"""A real server (migrated, with demo data) and the system Chromium, for browser tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import free_port, wait_until_up
from tests.migrated import copy_migrated_sqlite

CHROMIUM = os.environ.get("CARNET_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def live_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The live server's environment: `carnet` commands run with it see the same data."""
    var_dir: Path = tmp_path_factory.mktemp("live")
    env = {**os.environ, "CARNET_VAR_DIR": str(var_dir), "CARNET_ENV": "development"}
    env.pop("DATABASE_URL", None)
    return env


@pytest.fixture(scope="session")
def live_server(live_env: dict[str, str]) -> Iterator[str]:
    """`carnet migrate`, `carnet demo`, `carnet serve`, as `make run` does.

    The database starts as a copy of the migrated template, so `carnet migrate` finds
    nothing to apply (tests/audit/test_demo.py migrates from nothing).
    """
    env = live_env
    var_dir = Path(env["CARNET_VAR_DIR"])
    copy_migrated_sqlite(var_dir / "carnet.sqlite3")
    for command in (["migrate"], ["demo"]):
        subprocess.run([sys.executable, "-m", "api.cli", *command], env=env, check=True,
                       capture_output=True, timeout=120)
    port = free_port()
    log = (var_dir / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        # A shared machine under load can take most of a minute to import the application.
        wait_until_up(url, server, seconds=120)
    except RuntimeError as error:
        server.kill()
        pytest.fail(f"the server did not start ({error}): " + (var_dir / "server.log").read_text())
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[object]:
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - once per session
        pytest.skip(f"browser tests skipped: no Chromium at {CHROMIUM} "
                    "(install the Debian package `chromium`, or set CARNET_CHROMIUM)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
async def signed_in_states(browser: object, live_server: str,
                           live_env: dict[str, str]) -> dict[str, dict[str, Any] | None]:
    """Cookies of one sign-in per demo role (None for anonymous), reused by many tests."""
    from tests.browser.signin import signed_in_state

    return {
        "anonymous": None,
        "patient": await signed_in_state(browser, live_server, "patient", live_env),
        "professional": await signed_in_state(browser, live_server, "professional", live_env),
        "emergency": await signed_in_state(browser, live_server, "emergency", live_env),
        "patient-jean": await signed_in_state(browser, live_server, "patient-jean", live_env),
        "patient-paule": await signed_in_state(browser, live_server, "patient-paule", live_env),
    }


@pytest.fixture
async def page(browser: object) -> AsyncIterator[object]:
    context = await browser.new_context(locale="fr-FR")  # type: ignore[attr-defined]
    tab = await context.new_page()
    yield tab
    await context.close()
