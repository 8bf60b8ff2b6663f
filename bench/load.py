"""Driving load with wrk, and reading a server's CPU time: the measuring side of bench.run.

Each measurement is one ``wrk`` run from its own process, with a Lua script that sets the
request (method, body, cookies, CSRF header) and prints wrk's summary as one JSON line.
The servers' CPU time (their process and its children, from /proc) is read around it, so
each result also says how much server CPU one request cost.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
"""


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    # (placeholder, n): each request's body has the placeholder replaced by 0..n-1 in turn
    # (say, one of n accounts signing in).
    rotate: tuple[str, int] | None = None


@dataclass(frozen=True)
class Measure:
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx/3xx answers and socket errors
    cpu_ms_per_request: float | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: run scripts/install-bench-tools.sh "
                         "(or apt-get install -y wrk)")
    return found


def _lua(text: str) -> str:
    # A JSON string (UTF-8 kept) is a valid Lua literal for these values: no \u escapes.
    return json.dumps(text, ensure_ascii=False)


def script_for(request: Request) -> str:
    lines = [f"wrk.method = {_lua(request.method)}", f"wrk.path = {_lua(request.path)}"]
    if request.body:
        lines.append(f"wrk.body = {_lua(request.body)}")
    for name, value in request.headers:
        lines.append(f"wrk.headers[{_lua(name)}] = {_lua(value)}")
    if request.rotate is not None:
        placeholder, count = request.rotate
        lines += ["counter = 0", "request = function()", "  counter = counter + 1",
                  f"  local body = string.gsub(wrk.body, {_lua(placeholder)}, "
                  f"tostring(counter % {int(count)}))",
                  "  return wrk.format(nil, nil, nil, body)", "end"]
    return "\n".join(lines) + "\n" + _DONE


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = {pid}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                pids.add(int(entry.name))
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wait_idle(pids: list[int], quiet_for: float = 0.3, limit: float = 15.0) -> float:
    """Wait until these servers have used (almost) no CPU for `quiet_for` seconds: the
    requests a stopped wrk left in flight are finished, so they neither take CPU from the
    next measurement nor, on SQLite, hold the file's write lock when it starts. Returns the
    seconds waited (at most `limit`)."""
    started = time.monotonic()
    before = sum(cpu_seconds(pid) for pid in pids)
    while time.monotonic() - started < limit:
        time.sleep(quiet_for)
        after = sum(cpu_seconds(pid) for pid in pids)
        if after - before < quiet_for * 0.05:
            break
        before = after
    return time.monotonic() - started


def start_wrk(base_url: str, request: Request, connections: int, seconds: float,
              threads: int = 1) -> tuple[subprocess.Popen[str], Path]:
    folder = Path(tempfile.mkdtemp(prefix="carnet-wrk-"))
    script = folder / "request.lua"
    script.write_text(script_for(request))
    command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--timeout", "10s", "-s", str(script), base_url + request.path]
    process = subprocess.Popen(command, stdout=subprocess.PIPE,  # noqa: S603 - fixed command
                               stderr=subprocess.STDOUT, text=True)
    return process, folder


def finish_wrk(process: subprocess.Popen[str], folder: Path) -> dict[str, float]:
    output, _ = process.communicate(timeout=600)
    shutil.rmtree(folder, ignore_errors=True)
    for line in output.splitlines():
        if line.startswith("BENCH "):
            parsed: dict[str, float] = json.loads(line[6:])
            return parsed
    raise RuntimeError(f"wrk gave no summary:\n{output}")


def measure(base_url: str, request: Request, connections: int, seconds: float,
            server_pid: int | None = None) -> Measure:
    before = cpu_seconds(server_pid) if server_pid else None
    process, folder = start_wrk(base_url, request, connections, seconds)
    raw = finish_wrk(process, folder)
    after = cpu_seconds(server_pid) if server_pid else None
    return summarise(raw, None if before is None or after is None else after - before)


def summarise(raw: dict[str, float], cpu: float | None) -> Measure:
    requests = int(raw["requests"])
    duration = raw["duration_us"] / 1e6
    return Measure(
        rps=requests / duration if duration else 0.0,
        p50_ms=raw["p50_us"] / 1000, p90_ms=raw["p90_us"] / 1000, p99_ms=raw["p99_us"] / 1000,
        requests=requests, bad=int(raw["non2xx"] + raw["socket_errors"]),
        cpu_ms_per_request=(cpu * 1000 / requests) if cpu is not None and requests else None,
    )
