"""Checking the register of chains, its sealed tip, and an anchor against the chains.

* The register's entries are walked in position order, each hash recomputed and each link
  followed; the first broken entry is named. Its tip must be sealed and name the newest
  entry (as a chain head names the newest event).
* Every chain (events or a head) must have been registered when it started, and every
  registered chain must still have events or a head: erasing a patient's events and head
  together leaves the register entry that says the chain existed. A chain registered twice
  was started again after its history was erased. A chain whose patient record was deleted
  (as when a patient opposes) went with the record: counted, not a break.
* An anchor (the operator's, or the register's newest) must be in the register unchanged,
  its list of chains must match its digest, and every chain it lists must still hold the
  event it ended at then (the same sequence, the same hash): a chain cut back, even to an
  older copy of its sealed head, falls short of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient

from api.audit.anchors import Anchor, anchored_chains, chains_digest
from api.audit.chain import GENESIS_HASH
from api.audit.models import RegisterEntry, RegisterKind, RegisterTip
from api.audit.register import EntryContent, entry_hash
from api.audit.seal import tip_seal_matches
from api.identity.models import Patient


@dataclass
class RegisterWalk:
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    # position and hash of the newest entry that still links up, and of the newest entry
    intact: tuple[int, str] = (0, GENESIS_HASH)
    newest: tuple[int, str] | None = None
    started: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    anchors: dict[int, RegisterEntry] = field(default_factory=dict)  # intact ones only


def _entry_problem(row: RegisterEntry, expected: int, prev_hash: str) -> str | None:
    if row.position != expected:
        return (f"register entry {row.position} comes where {expected} was expected: "
                "an entry before it was deleted or moved")
    if entry_hash(EntryContent.of(row), row.prev_hash) != row.hash:
        return f"register entry {row.position} no longer matches its hash: it was altered"
    if row.prev_hash != prev_hash:
        return (f"register entry {row.position} does not link to the entry before it: "
                "an entry was removed, replaced or moved")
    return None


def _tip_problem(key: bytes, tip: RegisterTip | None, walk: RegisterWalk) -> str | None:
    if tip is None:
        return None if walk.newest is None else (
            f"the register's tip is missing (the register holds {walk.entries} entries): "
            "it was deleted")
    if not tip_seal_matches(key, tip.position, tip.hash, tip.seal):
        return (f"the register's tip (entry {tip.position}) has a wrong seal: "
                "it was forged or altered")
    newest = walk.newest or (0, GENESIS_HASH)
    if tip.position > newest[0]:
        return (f"the register's tip names entry {tip.position} but the register ends at "
                f"entry {newest[0]}: entries {newest[0] + 1} to {tip.position} were deleted")
    if tip.position < newest[0]:
        return (f"the register's tip names entry {tip.position} but the register goes on to "
                f"entry {newest[0]}: the tip was put back from an older copy, or entries were "
                "added that Carnet did not write")
    if tip.hash != newest[1]:
        return f"the register's tip does not match entry {tip.position}: entries were replaced"
    return None


async def walk_register(connection: BaseDBAsyncClient, key: bytes, page: int) -> RegisterWalk:
    walk = RegisterWalk()
    after, broken = 0, False
    while True:
        rows = await RegisterEntry.filter(position__gt=after).using_db(connection).order_by(
            "position").limit(page)
        for row in rows:
            walk.entries += 1
            walk.newest = (row.position, row.hash)
            if row.kind == RegisterKind.CHAIN.value and row.patient_id is not None:
                walk.started[row.patient_id].append(row.position)
            if broken:
                continue
            problem = _entry_problem(row, walk.intact[0] + 1, walk.intact[1])
            if problem is not None:
                broken = True
                walk.problems.append(problem)
                continue
            walk.intact = (row.position, row.hash)
            if row.kind == RegisterKind.ANCHOR.value:
                walk.anchors[row.position] = row
        if len(rows) < page:
            break
        after = rows[-1].position
    tip = await RegisterTip.filter(id=1).using_db(connection).first()
    problem = _tip_problem(key, tip, walk)
    if problem is not None:
        walk.problems.append(problem)
    return walk


@dataclass
class AnchorCheck:
    """The anchor that was checked (None when there is none), what is wrong with it, and
    the (patient, sequence) -> hash each chain must still hold."""

    position: int | None = None
    problems: list[str] = field(default_factory=list)
    expected: dict[tuple[int, int], str] = field(default_factory=dict)


def _kept_anchor_problem(kept: Anchor, walk: RegisterWalk) -> str | None:
    if walk.newest is None:
        return (f"the register is empty, but the anchor names entry {kept.position}: the "
                "access history was erased (or this is not the database the anchor was "
                "taken from)")
    if kept.position > walk.newest[0]:
        return (f"the register ends at entry {walk.newest[0]}, but the anchor names entry "
                f"{kept.position}: the access history was cut back or erased since")
    if kept.position > walk.intact[0]:
        return (f"the register is broken before entry {kept.position}: the anchor cannot "
                "be found in it")
    entry = walk.anchors.get(kept.position)
    if entry is None or entry.hash != kept.hash:
        return (f"register entry {kept.position} is not the anchor that was kept: the "
                "register was rewritten (or this is not the database the anchor was taken "
                "from)")
    return None


async def check_anchor(connection: BaseDBAsyncClient, walk: RegisterWalk, kept: Anchor | None,
                       patient_id: int | None) -> AnchorCheck:
    """Check the kept anchor, or else the register's newest; what the chains must hold."""
    if kept is not None:
        problem = _kept_anchor_problem(kept, walk)
        if problem is not None:
            return AnchorCheck(kept.position, [problem])
        position = kept.position
    elif walk.anchors:
        position = max(walk.anchors)
    else:
        return AnchorCheck()
    entry = walk.anchors[position]
    chains = await anchored_chains(connection, position)
    if (len(chains), chains_digest(chains)) != (entry.chains, entry.digest):
        return AnchorCheck(position, [
            f"the chain lengths kept with anchor {position} were altered ({len(chains)} "
            f"listed, {entry.chains} anchored)"])
    return AnchorCheck(position, [], {
        (patient, sequence): last for patient, sequence, last in chains
        if patient_id is None or patient == patient_id})


def anchor_problem(anchor: int, sequence: int, held: tuple[int, str] | None,
                   found: str | None) -> str:
    """What happened to a chain that no longer holds the event anchored at ``sequence``."""
    if held is None:
        return (f"held {sequence} events at anchor {anchor} but none now: "
                "the whole history was erased")
    if held[0] < sequence:
        return (f"holds {held[0]} events but held {sequence} at anchor {anchor}: events "
                f"{held[0] + 1} to {sequence} were deleted (and the head put back to match)")
    return (f"event {sequence} is not the one anchored at anchor {anchor} (hash "
            f"{(found or '')[:12]}...): the chain was replaced")


def coverage_problems(walk: RegisterWalk, chains: set[int], patient_id: int | None
                      ) -> tuple[dict[int, str], set[int]]:
    """Per patient, what the register says that the chains contradict; and the registered
    patients whose chain is gone (to be told apart: record deleted, or history erased)."""
    problems: dict[int, str] = {}
    for patient in sorted(chains):
        if patient not in walk.started:
            problems[patient] = ("the chain is not in the register: its register entry was "
                                 "deleted, or the chain was not written by Carnet")
    gone = set()
    for patient, positions in walk.started.items():
        if patient_id is not None and patient != patient_id:
            continue
        if len(positions) > 1:
            problems[patient] = (
                f"the chain was started again (register entries {positions[0]} and "
                f"{positions[-1]}): the history before entry {positions[-1]} was erased")
        elif patient not in chains:
            gone.add(patient)
    return problems, gone


async def records_deleted(connection: BaseDBAsyncClient, patients: set[int]) -> set[int]:
    """Those of these patients whose record no longer exists (their history went with it)."""
    still = set(await Patient.filter(id__in=sorted(patients)).using_db(connection)
                .values_list("id", flat=True)) if patients else set()
    return {patient for patient in patients if patient not in still}
