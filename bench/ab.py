"""One optimisation on and off, in one process: ``python -m bench.ab --db postgres --toggle NAME``.

Seeds a throw-away database (the demo, no extra patients), then sends the professional's
summary, the owner's summary and the owner's overview page through the whole app in-process
(httpx's ASGI transport), alternating the optimisation off and on between blocks of
requests, and prints the median CPU time per request of each (the event loop's process:
PostgreSQL's own work is in its server). CPU time rather than wall time, as the machine is
shared: what other processes do changes it less.

Toggles (each puts back, in the running process, what the code did before the change):

- ``ciso8601``: dates read back through the pure-Python iso8601 parser, as Tortoise does
  when ciso8601 is not installed.
- ``prepared``: ranked first pages built through Tortoise on every request, not once per
  shape (``api.per_patient``).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.run import database, environment, page_request, summary_request


def _ciso8601(on: bool) -> None:
    import tortoise.fields.data as data

    if on:
        from ciso8601 import parse_datetime
        data.parse_datetime = parse_datetime
    else:
        from iso8601 import parse_date
        data.parse_datetime = functools.partial(parse_date, default_timezone=None)


_REAL_PREPARED: list[Any] = []


def _prepared(on: bool) -> None:
    from api import per_patient

    if not _REAL_PREPARED:
        _REAL_PREPARED.append(per_patient._prepared_for)
    per_patient._prepared_for = _REAL_PREPARED[0] if on else (lambda *args, **kwargs: None)


TOGGLES: dict[str, Callable[[bool], None]] = {"ciso8601": _ciso8601, "prepared": _prepared}


async def _run(url: str, folder: Path, toggle: str, blocks: int, per_block: int) -> None:
    from api.settings import Settings
    from bench.seed import seed
    from web.app import create_app

    settings = Settings.from_env(environment(url, folder))
    seeded = await seed(settings, 0)
    requests = {"professional's summary": summary_request(seeded.professional,
                                                          seeded.patient_id),
                "owner's summary": summary_request(seeded.owner, seeded.patient_id),
                "overview page": page_request(seeded.owner, seeded.patient_id)}
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            async def send(request: Any) -> None:
                response = await client.request(request.method, request.path,
                                                content=request.body or None,
                                                headers=dict(request.headers))
                if response.status_code != 200 or (request.path == "/graphql"
                                                   and "errors" in response.json()):
                    raise RuntimeError(response.text[:500])

            cpu: dict[tuple[str, bool], list[float]] = {}
            for on in (False, True):
                TOGGLES[toggle](on)
                for request in requests.values():
                    for _ in range(20):
                        await send(request)
            for _ in range(blocks):
                for on in (False, True):
                    TOGGLES[toggle](on)
                    for name, request in requests.items():
                        started = time.process_time()
                        for _ in range(per_block):
                            await send(request)
                        cpu.setdefault((name, on), []).append(
                            1000 * (time.process_time() - started) / per_block)
    print(f"{toggle}: median CPU ms per request over {blocks} blocks of {per_block}, "
          "interleaved")
    print("| request | off | on | on / off |")
    print("|---|---:|---:|---:|")
    for name in requests:
        off, on_ = statistics.median(cpu[(name, False)]), statistics.median(cpu[(name, True)])
        print(f"| {name} | {off:.2f} | {on_:.2f} | {on_ / off:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--toggle", choices=sorted(TOGGLES), required=True)
    parser.add_argument("--blocks", type=int, default=11)
    parser.add_argument("--per-block", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carnet-ab-") as folder, \
            database(args.db, Path(folder)) as url:
        asyncio.run(_run(url, Path(folder), args.toggle, args.blocks, args.per_block))


if __name__ == "__main__":
    main()
