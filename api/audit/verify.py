"""Checking every patient's chain: recompute each hash, follow each link, count the sequence.

Events are read in pages ordered by (patient, sequence), so the memory used does not grow
with the size of the history. For each patient the first broken event is reported:
* a changed field: the event's content no longer matches its hash;
* a deleted event: the sequence jumps (or a first event is missing);
* reordered or replaced events: the sequence or the link to the previous hash is wrong.
Deleting a chain's newest events leaves a valid, shorter chain: detecting that needs the
chain heads kept elsewhere (``VerifyReport.heads`` lists them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.expressions import Q

from api.audit.chain import GENESIS_HASH, EventContent, event_hash
from api.audit.models import AccessEvent

_PAGE = 1000


@dataclass(frozen=True)
class ChainBreak:
    patient_id: int
    event_id: int
    sequence: int
    problem: str

    def describe(self) -> str:
        return (f"patient {self.patient_id}: event {self.event_id} "
                f"(sequence {self.sequence}) {self.problem}")


@dataclass
class VerifyReport:
    chains: int = 0
    events: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)
    # patient id -> (last sequence, last hash) of each intact chain
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def lines(self) -> list[str]:
        summary = (f"Checked {_count(self.events, 'access event')} in "
                   f"{_count(self.chains, 'patient history', 'patient histories')}")
        if self.ok:
            return [f"{summary}: every chain is intact."]
        return [f"{summary}: {len(self.breaks)} broken."] + [b.describe() for b in self.breaks]


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def _problem(row: AccessEvent, expected_sequence: int, prev_hash: str) -> str | None:
    if row.sequence != expected_sequence:
        return (f"has sequence {row.sequence} where {expected_sequence} was expected: "
                "an event before it was deleted or moved")
    if event_hash(EventContent.of(row), row.prev_hash) != row.hash:
        return "no longer matches its hash: the event was altered"
    if row.prev_hash != prev_hash:
        return "does not link to the event before it: an event was removed, replaced or moved"
    return None


class _Walker:
    """Follows the rows in (patient, sequence) order, one chain after the other."""

    def __init__(self, report: VerifyReport) -> None:
        self.report = report
        self.patient_id: int | None = None
        self.expected = 1
        self.prev_hash = GENESIS_HASH
        self.broken = False

    def visit(self, row: AccessEvent) -> None:
        if row.patient_id != self.patient_id:
            self.patient_id, self.expected, self.prev_hash = row.patient_id, 1, GENESIS_HASH
            self.broken = False
            self.report.chains += 1
        self.report.events += 1
        if self.broken:
            return
        problem = _problem(row, self.expected, self.prev_hash)
        if problem is not None:
            self.broken = True
            self.report.heads.pop(row.patient_id, None)
            self.report.breaks.append(ChainBreak(row.patient_id, row.id, row.sequence, problem))
            return
        self.expected, self.prev_hash = row.sequence + 1, row.hash
        self.report.heads[row.patient_id] = (row.sequence, row.hash)


async def verify_chains(*, patient_id: int | None = None, page: int = _PAGE) -> VerifyReport:
    """Check every chain (or one patient's); the report names each chain's first break."""
    report = VerifyReport()
    walker = _Walker(report)
    after: tuple[int, int] | None = None
    while True:
        query = AccessEvent.all()
        if patient_id is not None:
            query = query.filter(patient_id=patient_id)
        if after is not None:
            query = query.filter(Q(patient_id__gt=after[0])
                                 | Q(patient_id=after[0], sequence__gt=after[1]))
        rows = await query.order_by("patient_id", "sequence").limit(page)
        for row in rows:
            walker.visit(row)
        if len(rows) < page:
            return report
        after = (rows[-1].patient_id, rows[-1].sequence)
