"""Reading a live SQLite database's files from a test, safely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def read_from_another_process(path: Path) -> bytes:
    """The file's bytes (b"" when it does not exist), read by a child process.

    Opening and closing the SQLite file (or its WAL) in the test's own process would drop
    the POSIX locks its open database connections hold on it: later tests would then read
    stale pages or fail with "disk I/O error".
    """
    if not path.exists():
        return b""
    return subprocess.run([sys.executable, "-c", "import sys; sys.stdout.buffer.write("
                           "open(sys.argv[1], 'rb').read())", str(path)],
                          capture_output=True, check=True, timeout=60).stdout
