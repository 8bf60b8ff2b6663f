"""Progress of a long backup or restore, on stderr: a line per stage every second or so."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def size_text(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    value = count / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


class Progress:
    """Throttled lines such as ``database: 512/2048 pages (25%)``; silent when disabled."""

    def __init__(self, enabled: bool, stream: TextIO | None = None,
                 every_seconds: float = 1.0) -> None:
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.every = every_seconds
        self._last: dict[str, float] = {}
        self._said: dict[str, str] = {}

    def say(self, line: str) -> None:
        if self.enabled:
            print(line, file=self.stream, flush=True)

    def step(self, stage: str, done: int, total: int, unit: str, *,
             final: bool = False) -> None:
        """Report `done` of `total` (a unit of "bytes" is shown as a size)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self._last.get(stage, 0.0) < self.every:
            return
        self._last[stage] = now
        if unit == "bytes":
            amount = f"{size_text(done)} of {size_text(total)}"
        else:
            amount = f"{done}/{total} {unit}"
        share = f" ({100 * done // total}%)" if total else ""
        line = f"{stage}: {amount}{share}"
        if self._said.get(stage) != line:
            self._said[stage] = line
            self.say(line)
