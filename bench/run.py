"""The benchmark: ``python -m bench.run [--quick] [--db sqlite|postgres|both] [--only NAME]``.

For each database: seeds it (``bench.seed``), counts SQL statements per request
(``bench.statements``), starts Carnet under uvicorn and the hand-written baseline
(``bench.baseline``) with the same settings, then drives them from wrk (``bench.load``),
the variants of each scenario interleaved (A B A B ...), and takes medians of the
repetitions. Writes ``docs/benchmarks/results/<label>.json`` and the generated part of
``docs/benchmarks.md`` with its SVG plots (``bench.report``).

``--quick`` (``make bench``): 1,000 extra patients, 2-second runs, 3 repetitions.
The full run: 10,000 extra patients, 6-second runs, 3 repetitions; on PostgreSQL the scale
scenario grows the database to 1,000,000 patients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import load
from bench.load import Measure, Mix, Request
from bench.seed import Seeded, Viewer, seed
from bench.statements import SUMMARY

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "benchmarks" / "results"
SECRET = "benchmark-only-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - throw-away
POSTGRES_ADMIN = os.environ.get("CARNET_BENCH_POSTGRES_URL",
                                "postgres://postgres@127.0.0.1:5432/postgres")
SCENARIOS = ("professional_summary", "professional_summary_audited", "owner_summary",
             "overview_page", "professional_vs_owner", "reads_during_signins", "processes",
             "mix_90_10", "export", "memory_large_record", "scale")
# SQLite has one writer at a time, and every professional's read writes the access history:
# two processes on one SQLite file wait on each other ("database is locked"). The scaling
# scenario is for PostgreSQL, the deployment with several processes.
POSTGRES_ONLY = frozenset({"processes", "scale"})
# Seeding many patients takes minutes: the full run only, or ``--only scale``.
FULL_ONLY = frozenset({"scale"})
# The scale scenario's large database (issue 16 asks for 1,000,000: ``--patients-large``).
PATIENTS_LARGE = 1_000_000


@dataclass(frozen=True)
class Mode:
    extra_patients: int
    seconds: float
    repetitions: int


QUICK = Mode(extra_patients=1_000, seconds=2, repetitions=3)
FULL = Mode(extra_patients=10_000, seconds=6, repetitions=3)


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


@dataclass
class Bench:
    mode: Mode
    db: str
    seeded: Seeded
    servers: dict[str, Server] = field(default_factory=dict)
    settings: Any = None  # api.settings.Settings of the database measured
    quick: bool = True
    patients_large: int = PATIENTS_LARGE


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(database_url: str, var_dir: Path) -> dict[str, str]:
    # The limits are raised: the bench measures time, not refusals.
    return {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "CARNET_VAR_DIR": str(var_dir),
            "RATE_LIMIT_PER_TOKEN": "100000000/minute",
            "RATE_LIMIT_PER_ADDRESS": "100000000/minute", "COST_BUDGET": "1000000000/minute"}


def start_server(name: str, app: str, env: dict[str, str], workers: int = 1) -> Server:
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start (exit {process.returncode})")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return Server(name, url, process)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"{name} did not answer /healthz")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


def cookie(viewer: Viewer) -> str:
    return f"carnet_session={viewer.session}; carnet_csrf={viewer.csrf_cookie}"


def graphql_request(viewer: Viewer, query: str, operation: str, variables: dict[str, Any],
                    path: str = "/graphql") -> Request:
    body = json.dumps({"query": query, "operationName": operation, "variables": variables})
    return Request(path, "POST", body, (("Content-Type", "application/json"),
                                        ("Cookie", cookie(viewer)),
                                        ("X-CSRF-Token", viewer.csrf_header)))


def summary_request(viewer: Viewer, patient_id: int, path: str = "/graphql") -> Request:
    return graphql_request(viewer, SUMMARY, "RecordSummary", {"id": str(patient_id)}, path)


def page_request(viewer: Viewer, patient_id: int) -> Request:
    return Request(f"/records/{patient_id}", "GET", "", (("Cookie", cookie(viewer)),))


def signin_request(viewer: Viewer) -> Request:
    """Sign-ins with the right password, each of the bench's sign-in accounts in turn."""
    from api.demo import DEMO_PASSWORD
    from bench.seed import SIGNIN_ACCOUNTS, SIGNIN_EMAIL

    body = httpx.QueryParams({"email": SIGNIN_EMAIL % 0, "password": DEMO_PASSWORD,
                              "csrf_token": viewer.csrf_header})
    return Request("/signin", "POST", str(body).replace("signin-0%40", "signin-NUMBER%40"), (
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Cookie", f"carnet_csrf={viewer.csrf_cookie}")), rotate=("NUMBER", SIGNIN_ACCOUNTS))


def check(server: Server, request: Request, expect: int = 200) -> bytes:
    """One request by hand before measuring: a refusal must not be measured as speed."""
    headers = dict(request.headers)
    response = httpx.request(request.method, server.url + request.path,
                             content=request.body or None, headers=headers, timeout=30,
                             follow_redirects=False)
    if response.status_code != expect or b'"errors"' in response.content[:2000]:
        raise RuntimeError(f"{server.name} {request.path}: {response.status_code} "
                           f"{response.text[:500]}")
    return response.content


Variant = tuple[str, Server, Request | Mix, int]  # label, server, request, connections


def interleave(bench: Bench, variants: list[Variant], seconds: float | None = None,
               during: Callable[[], Any] | None = None) -> dict[str, list[Measure]]:
    """Each variant once per repetition, in turn; a short warm-up first."""
    seconds = seconds or bench.mode.seconds
    for _label, server, request, connections in variants:
        settle(bench)
        load.measure(server.url, request, connections, 1)
    found: dict[str, list[Measure]] = {label: [] for label, *_ in variants}
    for _ in range(bench.mode.repetitions):
        for label, server, request, connections in variants:
            settle(bench)
            found[label].append(load.measure(server.url, request, connections, seconds,
                                             server.pid))
    return found


def settle(bench: Bench) -> None:
    """Every server idle before the next measurement (see ``load.wait_idle``)."""
    load.wait_idle([server.pid for server in bench.servers.values()])


def median_of(measures: list[Measure]) -> dict[str, Any]:
    def med(values: list[float | None]) -> float | None:
        kept = [v for v in values if v is not None]
        return statistics.median(kept) if kept else None

    return {"rps": med([m.rps for m in measures]), "p50_ms": med([m.p50_ms for m in measures]),
            "p99_ms": med([m.p99_ms for m in measures]),
            "cpu_ms_per_request": med([m.cpu_ms_per_request for m in measures]),
            "bad": sum(m.bad for m in measures), "runs": [m.as_dict() for m in measures]}


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _number(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def versus(bench: Bench, name: str, a: Variant, b: Variant, metric: str, connections_note: str
           ) -> dict[str, Any]:
    found = interleave(bench, [a, b])
    results = {label: median_of(measures) for label, measures in found.items()}
    ratio = _ratio(results[a[0]][metric], results[b[0]][metric])
    print(f"  {name}: {a[0]} {_number(results[a[0]][metric])} vs {b[0]} "
          f"{_number(results[b[0]][metric])} {metric} -> {_number(ratio, 3)}"
          + (f" ({results[a[0]]['bad'] + results[b[0]]['bad']} bad answers)"
             if results[a[0]]["bad"] or results[b[0]]["bad"] else ""), flush=True)
    return {"variants": results, "metric": metric, "ratio": ratio, "a": a[0], "b": b[0],
            "load": connections_note}


def scenario_reads_during_signins(bench: Bench) -> dict[str, Any]:
    app = bench.servers["app"]
    reads = summary_request(bench.seeded.professional, bench.seeded.patient_id)
    signins = signin_request(bench.seeded.professional)
    check(app, Request(signins.path, signins.method, signins.body.replace("NUMBER", "0"),
                       signins.headers), expect=303)
    idle: list[Measure] = []
    busy: list[Measure] = []
    signin_rates: list[float] = []
    refused: list[float] = []
    load.measure(app.url, reads, 4, 1)
    for _ in range(bench.mode.repetitions):
        settle(bench)  # the sign-ins still queued finish before the next idle measurement
        idle.append(load.measure(app.url, reads, 4, bench.mode.seconds, app.pid))
        process, folder = load.start_wrk(app.url, signins, 32, bench.mode.seconds + 1)
        time.sleep(0.5)  # the sign-ins are running when the reads start
        busy.append(load.measure(app.url, reads, 4, bench.mode.seconds, app.pid))
        raw = load.finish_wrk(process, folder)
        duration = raw["duration_us"] / 1e6 or 1.0
        signin_rates.append((raw["requests"] - raw["non2xx"]) / duration)
        refused.append(raw["non2xx"] / duration)
    results = {"idle": median_of(idle), "during_signins": median_of(busy)}
    completed = sum(m.requests for m in busy)
    # No read answered at all while the sign-ins ran: no p99 to compare, and far past 3.
    ratio = (_ratio(results["during_signins"]["p99_ms"], results["idle"]["p99_ms"])
             if completed else None)
    throughput = _ratio(results["during_signins"]["rps"], results["idle"]["rps"])
    print(f"  reads_during_signins: p99 {_number(results['idle']['p99_ms'])} ms idle, "
          f"{_number(results['during_signins']['p99_ms'])} ms during 32 sign-ins -> "
          f"{_number(ratio)}; throughput x{_number(throughput)}; "
          f"{statistics.median(signin_rates):.1f} sign-ins/s done, "
          f"{statistics.median(refused):.1f}/s refused (busy or throttled)", flush=True)
    return {"variants": results, "metric": "p99_ms", "ratio": ratio, "a": "during_signins",
            "b": "idle", "load": "reads: 4 connections; sign-ins: 32 connections",
            "read_throughput_ratio": throughput,
            "signins_per_second": statistics.median(signin_rates),
            "signins_refused_per_second": statistics.median(refused),
            "reads_completed_during_signins": completed}


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Where two JSON values differ (paths, each with the two values cut short)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b)):
            if key not in b or key not in a:
                found.append(f"{where}.{key}: only in {'Carnet' if key in a else 'baseline'}")
            else:
                found += differences(a[key], b[key], f"{where}.{key}")
        return found
    if isinstance(a, list) and isinstance(b, list):
        found = [f"{where}: {len(a)} items vs {len(b)}"] if len(a) != len(b) else []
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            found += differences(x, y, f"{where}[{index}]")
        return found
    return [] if a == b else [f"{where}: {json.dumps(a, ensure_ascii=False)[:60]} vs "
                              f"{json.dumps(b, ensure_ascii=False)[:60]}"]


def compare_json(name: str, carnet: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """The differences between Carnet's ``data`` and the baseline's (Carnet adds its cost
    extension beside it), printed loudly: the ratios against a baseline that does not give
    the same answer measure nothing. ``CARNET_BENCH_DUMP=folder`` writes both answers."""
    found = [f"{name}: {line}" for line in differences(carnet.get("data"), baseline.get("data"))]
    if found:
        print(f"  ERROR: the baseline's {name} JSON differs from Carnet's "
              f"({len(found)} differences):", file=sys.stderr)
        for line in found[:10]:
            print(f"    {line}", file=sys.stderr)
    if found and os.environ.get("CARNET_BENCH_DUMP"):
        for who, data in (("carnet", carnet), ("baseline", baseline)):
            Path(os.environ["CARNET_BENCH_DUMP"], f"{name}-{who}.json").write_text(
                json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return found


def run_scenarios(bench: Bench, only: str | None) -> dict[str, Any]:
    from bench import scenarios as more

    s = bench.seeded
    app, base = bench.servers["app"], bench.servers["baseline"]
    pro = summary_request(s.professional, s.patient_id)
    owner = summary_request(s.owner, s.patient_id)
    pro_base = summary_request(s.professional, s.patient_id)
    audited_base = summary_request(s.professional, s.patient_id, "/audited")
    page = page_request(s.owner, s.patient_id)
    carnet_json = json.loads(check(app, pro))
    baseline_json = json.loads(check(base, pro_base))
    differences = compare_json("professional", carnet_json, baseline_json)
    differences += compare_json("owner", json.loads(check(app, owner)),
                                json.loads(check(base, summary_request(s.owner, s.patient_id))))
    differences += compare_json("audited", carnet_json, json.loads(check(base, audited_base)))
    check(app, page)
    out: dict[str, Any] = {"baseline_same_json": not differences,
                           "baseline_differences": differences[:20],
                           "summary_bytes": len(json.dumps(carnet_json, ensure_ascii=False))}
    scenarios: dict[str, Callable[[], dict[str, Any]]] = {
        "professional_summary": lambda: versus(
            bench, "professional_summary", ("carnet", app, pro, 8), ("baseline", base, pro_base, 8),
            "rps", "8 connections"),
        "professional_summary_audited": lambda: versus(
            bench, "professional_summary_audited", ("carnet", app, pro, 8),
            ("baseline_audited", base, audited_base, 8), "rps", "8 connections"),
        "owner_summary": lambda: versus(
            bench, "owner_summary", ("carnet_owner", app, owner, 8),
            ("baseline_owner", base, summary_request(s.owner, s.patient_id), 8), "rps",
            "8 connections"),
        "overview_page": lambda: versus(
            bench, "overview_page", ("carnet_page", app, page, 8),
            ("baseline_owner", base, summary_request(s.owner, s.patient_id), 8), "rps",
            "8 connections"),
        "professional_vs_owner": lambda: versus(
            bench, "professional_vs_owner", ("professional", app, pro, 1),
            ("owner", app, owner, 1), "p50_ms", "1 connection"),
        "reads_during_signins": lambda: scenario_reads_during_signins(bench),
        "processes": lambda: versus(
            bench, "processes", ("two_processes", bench.servers["app2"], pro, 16),
            ("one_process", app, pro, 16), "rps", "16 connections"),
        "mix_90_10": lambda: more.mix_90_10(bench),
        "export": lambda: more.export(bench),
        "memory_large_record": lambda: more.memory_large_record(bench),
        "scale": lambda: more.scale(bench, bench.settings, bench.patients_large),
    }
    for name in SCENARIOS:
        if name in POSTGRES_ONLY and bench.db != "postgres":
            continue
        if name in FULL_ONLY and bench.quick and only != name:
            continue
        if only is None or only == name:
            out[name] = scenarios[name]()
    return out


@contextmanager
def database(db: str, folder: Path) -> Iterator[str]:
    if db == "sqlite":
        yield f"sqlite://{folder / 'bench.sqlite3'}"
        return
    import asyncpg

    name = f"carnet_bench_{uuid.uuid4().hex[:8]}"
    admin_dsn = POSTGRES_ADMIN.replace("postgres://", "postgresql://", 1)

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(admin_dsn, timeout=5)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_one(db: str, mode: Mode, only: str | None, folder: Path, quick: bool = True,
            patients_large: int = PATIENTS_LARGE) -> dict[str, Any]:
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    from api.db import close_database, open_database
    from api.settings import Settings
    from bench.statements import count_statements

    # Tortoise caches each model's INSERT per connection name, not per database: the SQL
    # built for SQLite must not be reused on PostgreSQL in the same process.
    EXECUTOR_CACHE.clear()
    print(f"[{db}] seeding {mode.extra_patients:,} extra patients", flush=True)
    with database(db, folder / db) as url:
        (folder / db).mkdir(parents=True, exist_ok=True)
        env = environment(url, folder / db)
        settings = Settings.from_env(env)
        seeded = asyncio.run(seed(settings, mode.extra_patients,
                                  large=only in (None, "export", "memory_large_record")))
        print(f"[{db}] {seeded.patients:,} patients, {seeded.entry_rows:,} entry rows added "
              f"in {seeded.seconds:.0f} s", flush=True)

        async def statements() -> dict[str, dict[str, int]]:
            await open_database(settings)
            try:
                return await count_statements(settings)
            finally:
                await close_database()

        counts = asyncio.run(statements()) if only in (None, "statements") else {}
        if counts:
            print(f"[{db}] statements per request (1/10/100 entries): {counts}", flush=True)
        bench = Bench(mode, db, seeded, settings=settings, quick=quick,
                      patients_large=patients_large)
        try:
            bench.servers["app"] = start_server("carnet", "web.app:create_app", env)
            bench.servers["baseline"] = start_server("baseline", "bench.baseline:create_app", env)
            if only in (None, "processes") and db == "postgres":
                bench.servers["app2"] = start_server("carnet, 2 processes", "web.app:create_app",
                                                     env, workers=2)
            results = run_scenarios(bench, None if only == "statements" else only) \
                if only != "statements" else {}
        finally:
            for server in bench.servers.values():
                stop(server)
    return {"patients": seeded.patients, "seed_seconds": round(seeded.seconds, 1),
            "statements": counts, **results}


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,  # noqa: S607
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    import tempfile

    from bench import report

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the short run (make bench)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default=None,
                        help="default: sqlite with --quick (under 3 minutes), else both")
    parser.add_argument("--only", choices=[*SCENARIOS, "statements"], default=None)
    parser.add_argument("--label", default=None,
                        help="name of the results file (default: quick or full)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="seconds per measurement (a slow or busy machine needs more)")
    parser.add_argument("--repetitions", type=int, default=None)
    parser.add_argument("--patients", type=int, default=None, help="extra patients to seed")
    parser.add_argument("--patients-large", type=int, default=PATIENTS_LARGE,
                        help="patients of the scale scenario's large database (PostgreSQL; "
                             f"default {PATIENTS_LARGE:,})")
    parser.add_argument("--no-report", action="store_true",
                        help="write the JSON only, leave docs/benchmarks.md as it is")
    args = parser.parse_args(argv)
    load.wrk_path()
    mode = QUICK if args.quick else FULL
    mode = Mode(extra_patients=mode.extra_patients if args.patients is None else args.patients,
                seconds=args.seconds or mode.seconds,
                repetitions=args.repetitions or mode.repetitions)
    started = time.monotonic()
    chosen = args.db or ("sqlite" if args.quick else "both")
    databases = ["sqlite", "postgres"] if chosen == "both" else [chosen]
    result: dict[str, Any] = {
        "label": args.label or ("quick" if args.quick else "full"),
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "commit": git_commit(),
        "mode": {"quick": args.quick, **mode.__dict__}, "only": args.only,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_generator": subprocess.run(  # noqa: S603 - a fixed command
                        [load.wrk_path(), "--version"], capture_output=True,
                        text=True, check=False).stdout.split(" Copyright")[0].strip()},
        "databases": {},
    }
    with tempfile.TemporaryDirectory(prefix="carnet-bench-") as folder:
        for db in databases:
            result["databases"][db] = run_one(db, mode, args.only, Path(folder), args.quick,
                                              args.patients_large)
    result["seconds"] = round(time.monotonic() - started)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{result['label']}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results: {path.relative_to(ROOT)} ({result['seconds']} s)")
    if not args.no_report:
        report.write(result)
        print("docs/benchmarks.md updated")
    differing = [db for db, found in result["databases"].items()
                 if found.get("baseline_same_json") is False]
    if differing:
        print(f"FAILED: the baseline's JSON differs from Carnet's on {', '.join(differing)}: "
              "the ratios against it are not valid (bench/baseline.py must be brought up to "
              "date; CARNET_BENCH_DUMP=folder writes both answers)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
