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
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# Each wrk thread counts the JSON answers that carry GraphQL "errors" (they come with status
# 200, so wrk's own count misses them); done() adds the threads' counts up.
_DONE = r"""
local threads = {}
setup = function(thread) table.insert(threads, thread) end
graphql_errors = 0
response = function(status, headers, body)
  local kind = headers["content-type"] or headers["Content-Type"] or ""
  if string.find(kind, "json", 1, true) and string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local graphql = 0
  for _, thread in ipairs(threads) do graphql = graphql + (thread:get("graphql_errors") or 0) end
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,' ..
    '"graphql_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    graphql, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean))
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
class Mix:
    """Several requests, wrk choosing one per request by turns: of every ``sum(weights)``
    requests, each request is sent ``weight`` times (say 9 reads, then 1 write)."""

    choices: tuple[tuple[Request, int], ...]

    @property
    def path(self) -> str:
        return self.choices[0][0].path


@dataclass(frozen=True)
class Measure:
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx/3xx answers, socket errors and JSON answers carrying GraphQL errors
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


def script_for(request: Request | Mix) -> str:
    if isinstance(request, Mix):
        return _mix_script(request)
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


def _mix_script(mix: Mix) -> str:
    # The requests are formatted in init(), once wrk has set the Host header they need.
    lines = ["local choices = {}", "init = function(args)"]
    for request, weight in mix.choices:
        headers = ", ".join(f"[{_lua(name)}] = {_lua(value)}" for name, value in request.headers)
        lines.append(f"  local one = wrk.format({_lua(request.method)}, {_lua(request.path)}, "
                     f"{{{headers}}}, {_lua(request.body) if request.body else 'nil'})")
        lines.append(f"  for _ = 1, {int(weight)} do table.insert(choices, one) end")
    lines += ["end", "local counter = 0", "request = function()", "  counter = counter + 1",
              "  return choices[(counter % #choices) + 1]", "end"]
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


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (uvicorn workers), in kB."""
    total = 0
    for one in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


class RssSampler:
    """Samples a server's RSS every `interval` seconds in a thread, while in its block."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(rss_kb(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.samples.append(rss_kb(self.pid))
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(rss_kb(self.pid))

    @property
    def start_mb(self) -> float:
        return self.samples[0] / 1024

    @property
    def peak_growth_mb(self) -> float:
        return (max(self.samples) - self.samples[0]) / 1024

    @property
    def end_growth_mb(self) -> float:
        return (self.samples[-1] - self.samples[0]) / 1024


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


def start_wrk(base_url: str, request: Request | Mix, connections: int, seconds: float,
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


def measure(base_url: str, request: Request | Mix, connections: int, seconds: float,
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
        requests=requests,
        bad=int(raw["non2xx"] + raw["socket_errors"] + raw.get("graphql_errors", 0)),
        cpu_ms_per_request=(cpu * 1000 / requests) if cpu is not None and requests else None,
    )
