"""Anchors: what an operator keeps outside the database, and what the database keeps of them.

``carnet audit anchor`` appends an anchor entry to the register of chains and prints its
digest, ``POSITION:HASH`` (the entry's position and hash, e.g. ``42:9f86d0...``): a line to
keep in a ticket, a paper log or another machine. The anchor entry covers the length of
every chain at that moment (``AnchoredChain`` rows, summed up in the entry's ``digest``), and
its hash covers the register before it. ``carnet audit verify --anchor`` then checks that the
register still holds that entry, unchanged, and that every chain listed there is still at
least as long as it was: an anchor is a lower bound, not a freeze.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tortoise.backends.base.client import BaseDBAsyncClient

from api.audit.models import AnchoredChain

_DIGEST = re.compile(r"(\d+):([0-9a-f]{64})")


class AnchorError(ValueError):
    """An anchor digest that cannot be read."""


@dataclass(frozen=True)
class Anchor:
    position: int
    hash: str

    @property
    def digest(self) -> str:
        return f"{self.position}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        found = _DIGEST.fullmatch(text.strip().lower())
        if found is None or int(found.group(1)) < 1:
            raise AnchorError(f"not an anchor digest: {text.strip()[:80]!r} (expected "
                              "POSITION:HASH, as printed by `carnet audit anchor`)")
        return cls(int(found.group(1)), found.group(2))

    @classmethod
    def from_file(cls, path: Path) -> Anchor:
        """The last anchor in a file that `carnet audit anchor` output was appended to
        (blank lines and lines starting with # are skipped)."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise AnchorError(f"cannot read the anchor file {path}: {error.strerror}") from error
        lines = [line for line in text.splitlines() if line.strip()
                 and not line.lstrip().startswith("#")]
        if not lines:
            raise AnchorError(f"no anchor digest in {path}")
        return cls.parse(lines[-1])


def chains_digest(chains: Iterable[tuple[int, int, str]]) -> str:
    """The digest of a list of (patient, sequence, hash), whatever order it was read in."""
    lines = "".join(f"{patient}:{sequence}:{last}\n"
                    for patient, sequence, last in sorted(chains))
    return hashlib.sha256(lines.encode()).hexdigest()


async def anchored_chains(connection: BaseDBAsyncClient, position: int
                          ) -> list[tuple[int, int, str]]:
    """The (patient, sequence, hash) of each chain listed with the anchor at ``position``."""
    rows = await AnchoredChain.filter(anchor_position=position).using_db(connection).order_by(
        "patient_id").values_list("patient_id", "sequence", "hash")
    return [(int(patient), int(sequence), str(last)) for patient, sequence, last in rows]
