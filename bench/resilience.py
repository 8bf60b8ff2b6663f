"""Crash tests and a soak: ``python -m bench.resilience [--cycles N] [--soak-seconds S]``.

1. Starts a throwaway PostgreSQL cluster of its own (initdb and pg_ctl from
   /usr/lib/postgresql/*/bin, a temporary data folder, a free port), migrates it, loads
   the demo and starts ``carnet serve`` against it.
2. 32 concurrent writers add history entries through /graphql, each signed in as one of
   the demo patients; every write carries a unique marker (the entry's text and its
   idempotency key). A write that gets no answer is sent again with the same key until it
   is acknowledged; a write is acknowledged when the answer holds the new entry.
3. Kills PostgreSQL with SIGKILL N times (10 by default), starting it again each time,
   then kills the app with SIGKILL N times, starting it again each time. Recovery is the
   time from the kill to the acknowledgement of the first write sent after it.
4. Stops the writers and checks: every acknowledged marker is in the database exactly
   once, no marker twice, and ``carnet audit verify`` passes.
5. The soak (600 s by default, 0 to skip): the writers' maximum rate is measured for
   10 s, then they are held at 70 % of it for the soak's length; errors are counted and
   the app's resident memory read at the start and the end (growth must stay under 10 %).

Exits 0 when every check holds, 1 when one fails, 2 without PostgreSQL binaries.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import os
import pwd
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api.db import close_database, open_database
from api.identity.demo import PATIENTS
from api.identity.models import Account, Patient
from api.records.entries.models import HistoryEntry
from api.settings import Settings
from bench.fuzz import FUZZ_LIMITS, session_tokens
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 32
RATE_PROBE_SECONDS = 10.0
SOAK_SHARE = 0.7
MAX_RSS_GROWTH = 0.10
RECOVERY_LIMIT_SECONDS = 120.0
ADD_ENTRY = """mutation Add($input: AddHistoryEntryInput!, $key: String) {
  addHistoryEntry(input: $input, idempotencyKey: $key) {
    historyEntry { id text }
    userErrors { message }
  }
}"""


class NoPostgres(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def postgres_binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if not found:
        raise NoPostgres("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0:  # PostgreSQL refuses root: its tools then run as `postgres`
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise NoPostgres("running as root, and no postgres user to run PostgreSQL as") \
                from None
    return Path(found[-1]).parent


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def children_of(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue
        if any(line == f"PPid:\t{pid}" for line in lines):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed child not yet reaped by its parent is a zombie: gone for our purpose.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class Cluster:
    """A PostgreSQL cluster of its own, in a temporary folder, on a free port."""

    def __init__(self, folder: Path) -> None:
        self.bin = postgres_binaries()
        self.data = folder / "pgdata"
        self.port = free_port()
        self.log = folder / "postgres.log"
        # PostgreSQL refuses to run as root: as root, its tools run as the postgres user.
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
            folder.chmod(0o755)
            self.data.mkdir(mode=0o700)
            os.chown(self.data, owner.pw_uid, owner.pw_gid)
            self.log.touch()
            os.chown(self.log, owner.pw_uid, owner.pw_gid)
        subprocess.run([*self.as_owner, str(self.bin / "initdb"), "-D", str(self.data),  # noqa: S603
                        "-U", "postgres", "--auth=trust", "--no-sync"], check=True,
                       stdout=subprocess.DEVNULL)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        # No Unix socket: its lock file would name the killed postmaster too.
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= "
                   "-c fsync=on -c synchronous_commit=on -c max_connections=100")
        started = subprocess.run(  # noqa: S603
            [*self.as_owner, str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
             str(self.log), "-o", options, "-w", "-t", "120", "start"],
            check=False, capture_output=True, text=True)
        if started.returncode != 0:
            raise RuntimeError("PostgreSQL did not start: " + started.stdout[-500:]
                               + self.log.read_text(errors="replace")[-1500:])

    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def kill(self) -> None:
        """SIGKILL the postmaster and every one of its processes at once, as a crash of the
        machine would stop them; returns once they are all gone."""
        postmaster = self.pid()
        family = [postmaster, *children_of(postmaster)]
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in family) and time.monotonic() < deadline:
            time.sleep(0.05)
        # Its lock file stays behind, as after a power cut. A killed postmaster nobody reaps
        # (PID 1 of a container may not) still answers kill(pid, 0), which PostgreSQL would
        # take for a running server: every process of the family is dead, so it goes.
        (self.data / "postmaster.pid").unlink(missing_ok=True)

    def stop(self) -> None:
        subprocess.run([*self.as_owner, str(self.bin / "pg_ctl"), "-D", str(self.data),  # noqa: S603
                        "-m", "immediate", "stop"], check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


class App:
    """`carnet serve` against the cluster."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (folder / "app.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port)],
            env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def rss_kib(self) -> int:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


async def wait_healthy(url: str, seconds: float = RECOVERY_LIMIT_SECONDS) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() - started < seconds:
            try:
                if (await client.get(f"{url}/healthz")).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} not healthy after {seconds:.0f} s")


@dataclass
class Writes:
    acknowledged: set[str] = field(default_factory=set)
    attempts: int = 0
    errors: int = 0
    last_ack: float = 0.0
    last_ack_sent: float = 0.0  # when the last acknowledged request was sent
    pace: float = 0.0  # seconds between a writer's writes (0: as fast as it can)
    stop: bool = False


@dataclass
class Signed:
    patient_id: int
    cookies: dict[str, str]
    csrf: str


async def writer(number: int, app: App, who: Signed, writes: Writes, run: str) -> None:
    count = 0
    async with httpx.AsyncClient(timeout=10, cookies=who.cookies) as client:
        while not writes.stop:
            count += 1
            marker = f"fault-{run}-{number}-{count}"
            payload = {"query": ADD_ENTRY, "variables": {
                "key": marker,
                "input": {"patientId": str(who.patient_id), "kind": "CONDITION",
                          "text": marker}}}
            started = time.monotonic()
            while not writes.stop:
                writes.attempts += 1
                sent = time.monotonic()
                try:
                    answer = await client.post(f"{app.url}/graphql", json=payload,
                                               headers={"x-csrf-token": who.csrf})
                    entry = ((answer.json().get("data") or {}).get("addHistoryEntry")
                             or {}).get("historyEntry") if answer.status_code == 200 else None
                except (httpx.HTTPError, ValueError):
                    entry = None
                if entry and entry.get("text") == marker:
                    writes.acknowledged.add(marker)
                    writes.last_ack = time.monotonic()
                    writes.last_ack_sent = max(writes.last_ack_sent, sent)
                    break
                writes.errors += 1
                await asyncio.sleep(0.2)  # the same write again, with the same key
            if writes.pace:
                await asyncio.sleep(max(0.0, writes.pace - (time.monotonic() - started)))


async def recovery_after(writes: Writes, killed: float) -> float:
    """Seconds from the kill to the acknowledgement of the first write sent after it (an
    answer to a request sent before the kill says nothing of the recovery)."""
    while writes.last_ack_sent <= killed:
        if time.monotonic() - killed > RECOVERY_LIMIT_SECONDS:
            raise RuntimeError("no write acknowledged within "
                               f"{RECOVERY_LIMIT_SECONDS:.0f} s of the kill")
        await asyncio.sleep(0.02)
    return writes.last_ack - killed


async def sessions(settings: Settings) -> list[Signed]:
    signed = []
    for person in PATIENTS:
        if not person.email:
            continue
        token, cookie, header = await session_tokens(settings, person.email)
        await open_database(settings)
        try:
            account = await Account.get(email=person.email)
            patient = await Patient.get(account_id=account.id)
        finally:
            await close_database()
        signed.append(Signed(patient.id, {"carnet_session": token, "carnet_csrf": cookie},
                             header))
    return signed


async def count_markers(settings: Settings, run: str) -> dict[str, int]:
    await open_database(settings)
    try:
        # The text is sealed at rest: read the rows through the model (which opens it), then
        # pick the markers; a filter in SQL would compare against the ciphertext.
        prefix = f"fault-{run}-"
        texts = [entry.text for entry in await HistoryEntry.all()
                 if entry.text and entry.text.startswith(prefix)]
    finally:
        await close_database()
    counts: dict[str, int] = {}
    for text in texts:
        counts[str(text)] = counts.get(str(text), 0) + 1
    return counts


def _seconds(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"median {statistics.median(values):.2f} s, max {max(values):.2f} s "
            f"({', '.join(f'{v:.1f}' for v in values)})")


async def crash_cycles(cycles: int, cluster: Cluster, app: App, signed: list[Signed],
                       writes: Writes, run: str
                       ) -> tuple[list[float], list[float], list[float]]:
    tasks = [asyncio.create_task(writer(n, app, signed[n % len(signed)], writes, run))
             for n in range(WRITERS)]
    database_recovery: list[float] = []
    app_recovery: list[float] = []
    app_healthy: list[float] = []
    try:
        await recovery_after(writes, time.monotonic())
        for cycle in range(1, cycles + 1):
            await asyncio.sleep(2)  # writes under way
            killed = time.monotonic()
            cluster.kill()
            await asyncio.to_thread(cluster.start)
            database_recovery.append(await recovery_after(writes, killed))
            say(f"PostgreSQL SIGKILL {cycle}/{cycles}: writes again after "
                f"{database_recovery[-1]:.2f} s ({len(writes.acknowledged)} acknowledged)")
        for cycle in range(1, cycles + 1):
            await asyncio.sleep(2)
            killed = time.monotonic()
            app.kill()
            app.start()
            await wait_healthy(app.url)
            app_healthy.append(time.monotonic() - killed)
            app_recovery.append(await recovery_after(writes, killed))
            say(f"app SIGKILL {cycle}/{cycles}: /healthz 200 after {app_healthy[-1]:.2f} s, "
                f"writes again after {app_recovery[-1]:.2f} s "
                f"({len(writes.acknowledged)} acknowledged)")
        await asyncio.sleep(1)
    finally:
        writes.stop = True
        await asyncio.gather(*tasks, return_exceptions=True)
    return database_recovery, app_healthy, app_recovery


async def soak(seconds: float, app: App, signed: list[Signed], run: str) -> list[str]:
    """The writers' maximum rate, then 70 % of it for `seconds`; returns the report lines
    and raises nothing: the caller reads the figures."""
    probe = Writes()
    tasks = [asyncio.create_task(writer(n, app, signed[n % len(signed)], probe, run + "p"))
             for n in range(WRITERS)]
    await asyncio.sleep(RATE_PROBE_SECONDS)
    probe.stop = True
    await asyncio.gather(*tasks, return_exceptions=True)
    maximum = len(probe.acknowledged) / RATE_PROBE_SECONDS
    target = maximum * SOAK_SHARE
    held = Writes(pace=WRITERS / target if target else 1.0)
    say(f"soak: maximum {maximum:.1f} writes/s, held at {target:.1f} writes/s for "
        f"{seconds:.0f} s")
    rss_start = app.rss_kib()
    tasks = [asyncio.create_task(writer(n, app, signed[n % len(signed)], held, run + "s"))
             for n in range(WRITERS)]
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        await asyncio.sleep(min(60.0, seconds))
        say(f"  soak {time.monotonic() - started:.0f} s: {len(held.acknowledged)} writes, "
            f"{held.errors} errors, RSS {app.rss_kib() / 1024:.0f} MiB")
    held.stop = True
    await asyncio.gather(*tasks, return_exceptions=True)
    rss_end = app.rss_kib()
    growth = (rss_end - rss_start) / rss_start if rss_start else 0.0
    rate = len(held.acknowledged) / seconds
    lines = [f"soak: {seconds:.0f} s at {rate:.1f} writes/s (70 % of {maximum:.1f}), "
             f"{len(held.acknowledged)} writes, {held.errors} errors; RSS {rss_start / 1024:.0f}"
             f" MiB at start, {rss_end / 1024:.0f} MiB at end ({growth:+.1%})"]
    if held.errors:
        lines.append(f"FAIL the soak saw {held.errors} errors")
    if growth >= MAX_RSS_GROWTH:
        lines.append(f"FAIL resident memory grew {growth:.1%} (limit {MAX_RSS_GROWTH:.0%})")
    return lines


async def run_all(cycles: int, soak_seconds: float, folder: Path) -> list[str]:
    run = str(int(time.time()))
    say("starting a throwaway PostgreSQL cluster...")
    cluster = Cluster(folder)
    cluster.start()
    env = {**os.environ, **FUZZ_LIMITS, "DATABASE_URL": cluster.url,
           "CARNET_VAR_DIR": str(folder), "CARNET_ENV": "development",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    app = App(env, folder)
    try:
        say("migrating and loading the demo...")
        for command in ("migrate", "demo"):
            await asyncio.to_thread(
                subprocess.run, [sys.executable, "-m", "api.cli", command], env=env, cwd=ROOT,
                check=True, stdout=subprocess.DEVNULL)
        settings = Settings.from_env(env)
        signed = await sessions(settings)
        app.start()
        say(f"app started, healthy after {await wait_healthy(app.url):.2f} s; "
            f"{WRITERS} writers, {cycles} kills of each kind")
        writes = Writes()
        database_recovery, app_healthy, app_recovery = await crash_cycles(
            cycles, cluster, app, signed, writes, run)
        counts = await count_markers(settings, run)
        lost = sorted(writes.acknowledged - set(counts))
        doubled = sorted(marker for marker, n in counts.items() if n > 1)
        verify = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "api.cli", "audit", "verify"], env=env,
            cwd=ROOT, capture_output=True, text=True, check=False)
        lines = [
            f"writes: {len(writes.acknowledged)} acknowledged, {len(counts)} in the database, "
            f"{len(lost)} acknowledged and lost, {len(doubled)} duplicated "
            f"({writes.attempts} requests, {writes.errors} refused or unanswered during kills)",
            f"PostgreSQL SIGKILL x{cycles}: recovery {_seconds(database_recovery)}",
            f"app SIGKILL x{cycles}: /healthz 200 again {_seconds(app_healthy)}",
            f"app SIGKILL x{cycles}: recovery {_seconds(app_recovery)}",
            f"carnet audit verify: exit {verify.returncode}: "
            f"{verify.stdout.strip().splitlines()[0] if verify.stdout.strip() else ''}",
        ]
        if lost:
            lines.append(f"FAIL acknowledged writes lost: {', '.join(lost[:10])}")
        if doubled:
            lines.append(f"FAIL writes duplicated: {', '.join(doubled[:10])}")
        if verify.returncode != 0:
            lines.append("FAIL carnet audit verify: "
                         f"{verify.stdout[-1000:]}{verify.stderr[-1000:]}")
        if soak_seconds > 0:
            lines += await soak(soak_seconds, app, signed, run)
        return lines
    finally:
        app.stop()
        cluster.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.resilience", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=10, help="kills of each kind")
    parser.add_argument("--soak-seconds", type=float, default=600.0,
                        help="length of the soak at 70 %% of the maximum rate (0: none)")
    args = parser.parse_args(argv)
    if args.cycles < 1 or args.soak_seconds < 0:
        parser.error("--cycles must be at least 1 and --soak-seconds at least 0")
    try:
        postgres_binaries()
    except NoPostgres as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="carnet-resilience-") as name:
        lines = asyncio.run(run_all(args.cycles, args.soak_seconds, Path(name)))
    for line in lines:
        print(line)
    print(f"took {time.monotonic() - started:.0f} s")
    return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
