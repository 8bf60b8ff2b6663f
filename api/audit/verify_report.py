"""What `carnet audit verify` found: per patient, the first break; the register's problems."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChainBreak:
    patient_id: int
    # The event the break was found at; None when the problem is the chain's head, its
    # register entry or the anchor.
    event_id: int | None
    sequence: int
    problem: str

    def describe(self) -> str:
        if self.event_id is None:
            return f"patient {self.patient_id}: {self.problem}"
        return (f"patient {self.patient_id}: event {self.event_id} "
                f"(sequence {self.sequence}) {self.problem}")


@dataclass
class VerifyReport:
    chains: int = 0
    events: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)
    # patient id -> (last sequence, last hash) of each intact chain
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)
    # What is wrong with the register of chains, its tip or the anchor (not one patient's).
    register_problems: list[str] = field(default_factory=list)
    register_entries: int = 0
    anchor: int | None = None  # the position of the anchor checked, if any
    records_deleted: int = 0  # registered chains that went with their patient's record

    @property
    def ok(self) -> bool:
        return not self.breaks and not self.register_problems

    def lines(self) -> list[str]:
        summary = (f"Checked {count(self.events, 'access event')} in "
                   f"{count(self.chains, 'patient history', 'patient histories')}")
        if self.ok:
            return [f"{summary}: every chain is intact and ends at its sealed head."]
        broken = len(self.breaks) + len(self.register_problems)
        return ([f"{summary}: {broken} broken."] + [f"register: {p}" for p in
                self.register_problems] + [b.describe() for b in self.breaks])

    def notes(self) -> list[str]:
        """What else a reader should know: the register, the anchor, deleted records."""
        entries = count(self.register_entries, "entry", "entries")
        notes = [f"The register of chains holds {entries}."]
        if self.anchor is not None and self.ok:
            notes.append(f"Anchor {self.anchor} holds: every chain it lists is at least as "
                         "long as it was then.")
        if self.records_deleted:
            notes.append(f"{count(self.records_deleted, 'history', 'histories')} went with "
                         "a deleted patient record.")
        return notes


def count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"
