"""Take the screenshots in docs/screenshots/ from a fresh demo, in the system Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots/after]

It migrates a throwaway database, loads the demo, serves it on a free port, signs in as
the demo patient (Camille MARTIN) and saves every page of her record as PNG: what a
375 x 667 phone shows on its first screen (the question a phone-first layout answers),
the whole overview on that phone, the overview on a 1280 px wide screen, and the
summary's print view. Run it before and after a layout change into two folders to
compare them side by side.
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

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
FIRST_SCREEN, WHOLE_PAGE = False, True

# The pages of a record, in the order of its sections: (file name stem, path).
RECORD_PAGES = [
    ("overview", "/records/1"),
    ("history", "/records/1/history"),
    ("allergies", "/records/1/allergies"),
    ("treatments", "/records/1/treatments"),
    ("vaccinations", "/records/1/vaccinations"),
    ("measurements", "/records/1/measurements"),
    ("weight-chart", "/records/1/measurements/weight"),
    ("documents", "/records/1/documents"),
    ("messages", "/records/1/messages"),
    ("directives", "/records/1/directives"),
    ("sharing", "/records/1/sharing"),
    ("access-history", "/records/1/access-history"),
    ("summary", "/records/1/summary"),
    ("child-overview", "/records/2"),
]

# (file name, path, viewport, language, media, whole page)
SHOTS = [
    *((f"{stem}-phone.png", path, PHONE, "fr", "screen", FIRST_SCREEN)
      for stem, path in RECORD_PAGES),
    ("overview-phone-whole.png", "/records/1", PHONE, "fr", "screen", WHOLE_PAGE),
    ("documents-english-phone.png", "/records/1/documents", PHONE, "en", "screen", FIRST_SCREEN),
    ("grant-dentist-phone.png", "/records/1/sharing/grant/5", PHONE, "fr", "screen",
     FIRST_SCREEN),
    ("overview-desktop.png", "/records/1", DESKTOP, "fr", "screen", FIRST_SCREEN),
    ("history-desktop.png", "/records/1/history", DESKTOP, "fr", "screen", FIRST_SCREEN),
    ("summary-print.png", "/records/1/summary", DESKTOP, "fr", "print", WHOLE_PAGE),
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
    deadline = time.monotonic() + 90  # a loaded machine may take a while
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
        for name, path, viewport, language, media, whole in SHOTS:
            await page.set_viewport_size(viewport)
            await page.emulate_media(media=media)
            await context.add_cookies([{"name": "carnet_lang", "value": language, "url": url}])
            await page.goto(f"{url}{path}")
            await page.screenshot(path=str(out / name), full_page=whole)
            print(f"{out / name}")
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=ROOT / "docs" / "screenshots" / "after")
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
