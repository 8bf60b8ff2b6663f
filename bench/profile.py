"""Where the professional's summary spends its time: ``python -m bench.profile [--db ...]``.

Seeds a throw-away database (the demo, no extra patients), then sends ``RecordSummary`` as
Dr Bernard through the whole app in-process (httpx's ASGI transport: the view, the CSRF
check, strawberry, the loaders, the access history) ``--requests`` times under
pyinstrument (``pip install -e '.[bench]'``). Prints the milliseconds per request, the
share of samples by package (each sample goes to the innermost frame's package), and
pyinstrument's call tree when ``--tree`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.run import database, environment, summary_request

GROUPS = (
    ("tortoise + pypika (building SQL, making models)", ("/tortoise/", "/pypika_tortoise/")),
    ("database driver (asyncpg, aiosqlite, sqlite3)", ("/asyncpg/", "/aiosqlite/", "sqlite3")),
    ("graphql-core + strawberry", ("/graphql/", "/strawberry/")),
    ("Carnet (api/, web/)", ("/api/", "/web/")),
    ("HTTP (starlette, httpx, h11, anyio)", ("/starlette/", "/httpx/", "/httpcore/", "/anyio/",
                                             "/cross_web/")),
    ("asyncio", ("/asyncio/",)),
)


IDLE = frozenset({"[await]", "[self]", "select", "poll", "epoll", "wait", "acquire"})


def group_of(path: str) -> str:
    for name, needles in GROUPS:
        if any(needle in path for needle in needles):
            return name
    return "other"


def shares(session: Any) -> dict[str, float]:
    """Self time by package over the whole profile."""
    counts: Counter[str] = Counter()

    def walk(frame: Any) -> None:
        path = frame.file_path or ""
        if frame.function in IDLE or "selectors.py" in path or "threading.py" in path:
            counts["idle (waiting for the database or its thread)"] += frame.total_self_time
        else:
            counts[group_of(path)] += frame.total_self_time
        for child in frame.children:
            walk(child)

    root = session.root_frame()
    if root is not None:
        walk(root)
    total = sum(counts.values()) or 1.0
    return {name: 100 * value / total for name, value in counts.most_common()}


def top_other(session: Any, limit: int = 12) -> list[tuple[str, float]]:
    counts: Counter[str] = Counter()

    def walk(frame: Any) -> None:
        if group_of(frame.file_path or "") == "other":
            counts[f"{frame.function} {frame.file_path_short}"] += frame.total_self_time
        for child in frame.children:
            walk(child)

    root = session.root_frame()
    if root is not None:
        walk(root)
    return counts.most_common(limit)


async def _profile(db: str, url: str, folder: Path, requests: int, tree: bool,
                   functions: int = 0) -> None:
    from pyinstrument import Profiler

    from api.settings import Settings
    from bench.seed import seed
    from web.app import create_app

    settings = Settings.from_env(environment(url, folder))
    seeded = await seed(settings, 0)
    request = summary_request(seeded.professional, seeded.patient_id)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            async def send() -> None:
                response = await client.post(request.path, content=request.body,
                                             headers=dict(request.headers))
                if response.status_code != 200 or "errors" in response.json():
                    raise RuntimeError(response.text[:500])

            for _ in range(20):
                await send()
            plain = time.perf_counter()
            for _ in range(requests):
                await send()
            plain = time.perf_counter() - plain
            profiler = Profiler(interval=0.001, async_mode="disabled")
            started = time.perf_counter()
            profiler.start()
            for _ in range(requests):
                await send()
            profiler.stop()
            elapsed = time.perf_counter() - started
            if functions:
                deterministic = cProfile.Profile()
                deterministic.enable()
                for _ in range(requests):
                    await send()
                deterministic.disable()
    print(f"{db}: {1000 * plain / requests:.2f} ms per request in-process, "
          f"{1000 * elapsed / requests:.2f} ms profiled ({requests} requests each)")
    print(json.dumps({name: round(share, 1) for name, share in shares(profiler.last_session
                                                                        ).items()}, indent=1))
    if tree:
        for name, seconds in top_other(profiler.last_session):
            print(f"  other: {seconds:.3f} s {name}")
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    if functions:
        # Every call counted (the event loop's thread only: SQLite's own thread is not seen).
        stats = pstats.Stats(deterministic)
        print(f"Functions by own time over {requests} requests (cProfile):")
        stats.sort_stats("tottime").print_stats(functions)
        stats.sort_stats("cumulative").print_stats(functions)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--tree", action="store_true", help="print the call tree too")
    parser.add_argument("--functions", type=int, default=0, metavar="N",
                        help="also list the N functions with the most own and total time "
                             "(cProfile, every call counted)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carnet-profile-") as folder, \
            database(args.db, Path(folder)) as url:
        asyncio.run(_profile(args.db, url, Path(folder), args.requests, args.tree,
                             args.functions))


if __name__ == "__main__":
    main()
