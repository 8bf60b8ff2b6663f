"""Start-up time of ``carnet serve``: ``python -m bench.startup [--runs N] [--database URL]``.

Each run starts ``carnet serve`` on a free port against a migrated database (a fresh SQLite
file in a temporary folder unless --database names one), and measures from the process
start to the first 200 on ``/healthz`` and to the first answer of ``/graphql`` (``query {
__typename }``), polling every 10 ms. Prints each run and the median of both figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.live_server import free_port

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.01
GIVE_UP_SECONDS = 120.0


def _carnet(env: dict[str, str], *args: str) -> list[str]:
    return [sys.executable, "-m", "api.cli", *args]


def migrate(env: dict[str, str]) -> None:
    subprocess.run(_carnet(env, "migrate"), env=env, cwd=ROOT, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)


def one_run(env: dict[str, str]) -> tuple[float, float]:
    """Seconds from the start to the first /healthz 200, and to the first GraphQL answer."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603
        _carnet(env, "serve", "--port", str(port)), env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        healthy = answered = None
        with httpx.Client(timeout=5) as client:
            while time.monotonic() - started < GIVE_UP_SECONDS:
                if process.poll() is not None:
                    raise RuntimeError("carnet serve stopped: " + (
                        process.stderr.read().decode()[-2000:] if process.stderr else ""))
                try:
                    if healthy is None and client.get(f"{url}/healthz").status_code == 200:
                        healthy = time.monotonic() - started
                    answer = client.post(f"{url}/graphql", json={"query": "{ __typename }"})
                    if answer.status_code == 200 and answer.json().get("data"):
                        answered = time.monotonic() - started
                        break
                except httpx.HTTPError:
                    time.sleep(POLL_SECONDS)
        if healthy is None or answered is None:
            raise RuntimeError(f"carnet serve did not answer in {GIVE_UP_SECONDS:.0f} s")
        return healthy, answered
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default="", help="DATABASE_URL (default: fresh SQLite)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    with tempfile.TemporaryDirectory(prefix="carnet-startup-") as folder:
        env = {**os.environ, "CARNET_VAR_DIR": folder,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                           os.environ.get("PYTHONPATH")]))}
        if args.database:
            env["DATABASE_URL"] = args.database
        print("migrating the database...", file=sys.stderr)
        migrate(env)
        figures = []
        for run in range(1, args.runs + 1):
            healthy, answered = one_run(env)
            figures.append((healthy, answered))
            print(f"run {run}/{args.runs}: /healthz 200 after {healthy:.2f} s, "
                  f"first GraphQL answer after {answered:.2f} s", file=sys.stderr)
    print(f"carnet serve start-up, median of {args.runs}: /healthz "
          f"{statistics.median(f[0] for f in figures):.2f} s, first GraphQL answer "
          f"{statistics.median(f[1] for f in figures):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
