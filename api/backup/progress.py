"""Progress of a long backup or restore, on stderr: a line per stage every second or so."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _size(count: int) -> str:
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
            amount = f"{_size(done)} of {_size(total)}"
        else:
            amount = f"{done}/{total} {unit}"
        share = f" ({100 * done // total}%)" if total else ""
        self.say(f"{stage}: {amount}{share}")
