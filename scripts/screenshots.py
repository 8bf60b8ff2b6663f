"""Take the screenshots in docs/screenshots/ from a fresh demo, in the system Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

It migrates a throwaway database, loads the demo, serves it on a free port, signs in as
the demo patient (Camille MARTIN) and saves a few pages as PNG: phone width (360 px)
for most, a wide screen for the record's overview and the summary's print view.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.signin import sign_in  # noqa: E402

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1200, "height": 800}

# (file name, path, viewport, language, media)
SHOTS = [
    ("record-overview-desktop.png", "/records/1", DESKTOP, "fr", "screen"),
    ("record-overview-phone.png", "/records/1", PHONE, "fr", "screen"),
    ("allergies-phone.png", "/records/1/allergies", PHONE, "fr", "screen"),
    ("weight-chart-phone.png", "/records/1/measurements/weight", PHONE, "fr", "screen"),
    ("sharing-phone.png", "/records/1/sharing", PHONE, "fr", "screen"),
    ("grant-dentist-phone.png", "/records/1/sharing/grant/5", PHONE, "fr", "screen"),
    ("access-history-phone.png", "/records/1/access-history", PHONE, "fr", "screen"),
    ("documents-english-phone.png", "/records/1/documents", PHONE, "en", "screen"),
    ("summary-print.png", "/records/1/summary", DESKTOP, "fr", "print"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    for command in (["migrate"], ["demo"]):
        subprocess.run([sys.executable, "-m", "api.cli", *command], env=env, check=True,
                       capture_output=True, timeout=300, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - local URL
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


async def _shoot(url: str, env: dict[str, str], out: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="fr-FR")
        page = await context.new_page()
        await sign_in(page, url, "patient", env)
        for name, path, viewport, language, media in SHOTS:
            await page.set_viewport_size(viewport)
            await page.emulate_media(media=media)
            await context.add_cookies([{"name": "carnet_lang", "value": language, "url": url}])
            await page.goto(f"{url}{path}")
            await page.screenshot(path=str(out / name), full_page=True)
            print(f"{out / name}")
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "CARNET_VAR_DIR": var_dir, "CARNET_ENV": "development"}
        env.pop("DATABASE_URL", None)
        server, url = _serve(env)
        try:
            asyncio.run(_shoot(url, env, args.out))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
