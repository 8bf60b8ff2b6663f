"""Against a real uvicorn server: a 20 MB query is refused without slowing anyone else.

httpx's ASGI transport hands the app a body it has already buffered, so only a
server on a socket shows whether a huge body is read before it is refused.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import free_port

TWENTY_MB = 20 * 1024 * 1024
CHUNK = 256 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    var_dir: Path = tmp_path_factory.mktemp("limits-live")
    env = {**os.environ, "CARNET_VAR_DIR": str(var_dir), "CARNET_ENV": "development"}
    env.pop("DATABASE_URL", None)
    port = free_port()
    log = (var_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the server did not start: " + (var_dir / "server.log").read_text())
    yield port
    process.terminate()
    process.wait(timeout=10)


def _healthz_seconds(port: int) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
        assert answer.status == 200
    return time.perf_counter() - started


def _send_comment_query(port: int, chunked: bool, outcome: dict[str, object]) -> None:
    """POST a 20 MB query made of one comment, as fast as the socket takes it."""
    head = b'{"query": "#'
    tail = b'\\n{ __typename }"}'
    filler = TWENTY_MB - len(head) - len(tail)
    framing = (b"Transfer-Encoding: chunked\r\n" if chunked
               else f"Content-Length: {TWENTY_MB}\r\n".encode())
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\n" + framing + b"\r\n")
        try:
            pieces = [head] + [b"x" * CHUNK] * (filler // CHUNK) + [b"x" * (filler % CHUNK), tail]
            for piece in pieces:
                data = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
                sock.sendall(data)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before taking it all: as it should
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                received = sock.recv(65536)
                if not received:
                    break
                answer += received
        except OSError:
            pass
    outcome["status_line"] = answer.split(b"\r\n", 1)[0]
    outcome["seconds"] = time.perf_counter() - started


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_healthz_is_not_delayed_while_a_20_mb_comment_query_is_refused(server, chunked):
    baseline = statistics.median(_healthz_seconds(server) for _ in range(10))
    outcome: dict[str, object] = {}
    sender = threading.Thread(target=_send_comment_query, args=(server, chunked, outcome))
    sender.start()
    delays = []
    while sender.is_alive() or not delays:
        delays.append(_healthz_seconds(server) - baseline)
        time.sleep(0.005)
    sender.join()
    assert outcome["status_line"].startswith(b"HTTP/1.1 413"), outcome
    assert max(delays) < 0.1, f"/healthz delayed by {max(delays) * 1000:.0f} ms"
    assert outcome["seconds"] < 2.0, outcome
