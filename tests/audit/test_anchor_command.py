"""`carnet audit anchor` and `carnet audit verify --anchor`, run as an operator runs them.

Every tampering docs/security.md lists, and the erasures the register of chains and the
anchor exist for, must make `verify` exit 1 and say what happened; an intact history, even
one that grew since the anchor, must exit 0.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from api.audit.chain import EventContent, event_hash
from api.audit.models import (
    AccessChainHead,
    AccessEvent,
    AnchoredChain,
    RegisterEntry,
    RegisterTip,
)
from api.settings import Settings
from tests.audit.conftest import carnet, chain_of, seed
from tests.factories import make_patient, make_professional


@dataclass
class Story:
    """Patient `a` (5 events) and `b` (3 events) read by a nurse; `a`'s head as it was after
    3 events (a copy from an old backup); the digest of an anchor taken after all that."""

    a: int
    b: int
    nurse: int
    events: list[AccessEvent]
    old_head: tuple[int, str, str]
    old_tip: tuple[int, str, str]
    anchor: str


async def _story(settings: Settings) -> Story:
    a, b = await make_patient(), await make_patient()
    nurse = (await make_professional("nurse")).account_id
    await seed(a.id, nurse, 3)
    head = await AccessChainHead.get(patient_id=a.id)
    await seed(a.id, nurse, 2)
    await seed(b.id, nurse, 3)
    tip = await RegisterTip.get(id=1)
    anchored = carnet(settings, "audit", "anchor")
    assert anchored.returncode == 0, anchored.stderr
    return Story(a.id, b.id, nurse, await chain_of(a.id), (head.sequence, head.hash, head.seal),
                 (tip.position, tip.hash, tip.seal), anchored.stdout.strip())


async def _edit_event(s: Story) -> None:
    await AccessEvent.filter(id=s.events[1].id).update(viewer_name="Somebody Else")


async def _swap_events(s: Story) -> None:
    second, third = s.events[1], s.events[2]
    await AccessEvent.filter(id=second.id).update(sequence=-1)
    await AccessEvent.filter(id=third.id).update(sequence=2)
    await AccessEvent.filter(id=second.id).update(sequence=3)


async def _delete_middle_event(s: Story) -> None:
    await AccessEvent.filter(id=s.events[2].id).delete()


async def _delete_newest_events(s: Story) -> None:
    await AccessEvent.filter(id__in=[e.id for e in s.events[3:]]).delete()


async def _forge_head_seal(s: Story) -> None:
    await AccessEvent.filter(id=s.events[4].id).delete()
    await AccessChainHead.filter(patient_id=s.a).update(sequence=4, hash=s.events[3].hash,
                                                        seal="f" * 64)


async def _delete_head(s: Story) -> None:
    await AccessChainHead.filter(patient_id=s.a).delete()


async def _delete_every_event(s: Story) -> None:
    await AccessEvent.filter(patient_id=s.a).delete()


async def _rewrite_newest_event(s: Story) -> None:
    newest = s.events[-1]
    newest.viewer_name = "Somebody Else"
    await AccessEvent.filter(id=newest.id).update(
        viewer_name=newest.viewer_name,
        hash=event_hash(EventContent.of(newest), newest.prev_hash))


async def _add_event_at_the_end(s: Story) -> None:
    newest = s.events[-1]
    added = AccessEvent(**{name: getattr(newest, name) for name in (
        "patient_id", "occurred_at", "viewer_account_id", "viewer_professional_id",
        "viewer_name", "viewer_profession", "basis", "sections", "actions", "emergency",
        "request_kind", "detail")}, sequence=6, prev_hash=newest.hash)
    added.hash = event_hash(EventContent.of(added), newest.hash)
    await added.save()


async def _erase_chain_and_head(s: Story) -> None:
    await AccessEvent.filter(patient_id=s.a).delete()
    await AccessChainHead.filter(patient_id=s.a).delete()


async def _erase_then_start_again(s: Story) -> None:
    await _erase_chain_and_head(s)
    await seed(s.a, s.nurse, 1)  # the server starts a new chain for the patient


async def _cut_back_to_an_old_head(s: Story) -> None:
    await AccessEvent.filter(id__in=[e.id for e in s.events[3:]]).delete()
    sequence, last, seal = s.old_head
    await AccessChainHead.filter(patient_id=s.a).update(sequence=sequence, hash=last, seal=seal)


async def _erase_chain_head_and_register_entry(s: Story) -> None:
    await _erase_chain_and_head(s)
    await RegisterEntry.filter(patient_id=s.a).delete()


async def _alter_register_entry(s: Story) -> None:
    await RegisterEntry.filter(position=1).update(patient_id=s.b)


async def _delete_register_tip(s: Story) -> None:
    await RegisterTip.filter(id=1).delete()


async def _put_register_tip_back(s: Story) -> None:
    position, last, seal = s.old_tip
    await RegisterTip.filter(id=1).update(position=position, hash=last, seal=seal)


async def _forge_register_tip(s: Story) -> None:
    await RegisterTip.filter(id=1).update(seal="0" * 64)


async def _cut_register_back(s: Story) -> None:
    """The anchor entry goes, and the tip is put back on the entry before it."""
    anchor = await RegisterEntry.filter(kind="anchor").get()
    await RegisterEntry.filter(position__gte=anchor.position).delete()
    await AnchoredChain.all().delete()
    await RegisterTip.filter(id=1).delete()


async def _shorten_anchored_lengths(s: Story) -> None:
    await AnchoredChain.filter(patient_id=s.a).update(sequence=3, hash=s.events[2].hash)


async def _erase_everything(s: Story) -> None:
    for model in (AccessEvent, AccessChainHead, RegisterEntry, RegisterTip, AnchoredChain):
        await model.all().delete()


Tamper = Callable[[Story], Awaitable[None]]
# (what was done, how, what `verify --anchor` says about it; {a} is patient a's id, {third}
# the id of a's third event)
TAMPERING: list[tuple[str, Tamper, str]] = [
    ("edited event", _edit_event, "(sequence 2) no longer matches its hash: the event was altered"),
    ("reordered events", _swap_events, "patient {a}: event {third} (sequence 2)"),
    ("deleted middle event", _delete_middle_event, "sequence 4 where 3 was expected"),
    ("deleted newest events", _delete_newest_events, "events 4 to 5 were deleted"),
    ("forged head seal", _forge_head_seal, "has a wrong seal: the head was forged"),
    ("missing head", _delete_head, "chain head is missing"),
    ("head without events", _delete_every_event,
     "remains but the patient has no events: events 1 to 5 were deleted"),
    ("rewritten newest event", _rewrite_newest_event, "the newest events were replaced"),
    ("event added at the end", _add_event_at_the_end,
     "is behind the newest event (sequence 6): event 6 was not written by Carnet"),
    ("one chain and its head erased", _erase_chain_and_head,
     "its events and head are gone: the whole history was erased"),
    ("chain erased, then started again", _erase_then_start_again,
     "the chain was started again (register entries 1 and 4)"),
    ("chain cut back to an old copy of its head", _cut_back_to_an_old_head,
     "holds 3 events but held 5 at anchor 3: events 4 to 5 were deleted"),
    ("chain, head and register entry erased", _erase_chain_head_and_register_entry,
     "register: register entry 2 comes where 1 was expected"),
    ("register entry altered", _alter_register_entry,
     "register: register entry 1 no longer matches its hash: it was altered"),
    ("register tip deleted", _delete_register_tip,
     "register: the register's tip is missing (the register holds 3 entries)"),
    ("register tip put back from an old copy", _put_register_tip_back,
     "the register's tip names entry 2 but the register goes on to entry 3"),
    ("forged register tip", _forge_register_tip, "the register's tip (entry 3) has a wrong seal"),
    ("register cut back below the anchor", _cut_register_back,
     "the register ends at entry 2, but the anchor names entry 3"),
    ("anchored lengths altered", _shorten_anchored_lengths,
     "the chain lengths kept with anchor 3 were altered"),
    ("everything erased", _erase_everything,
     "the register is empty, but the anchor names entry 3: the access history was erased"),
]


@pytest.mark.parametrize(("tamper", "said"), [(t, s) for _, t, s in TAMPERING],
                         ids=[name for name, _, _ in TAMPERING])
async def test_verify_against_the_kept_anchor_names_each_tampering(
    db: None, settings: Settings, tampering: Callable[[], Any], tamper: Tamper, said: str
) -> None:
    story = await _story(settings)
    assert story.anchor.startswith("3:")  # two chains registered, then the anchor
    async with tampering():
        await tamper(story)
    result = carnet(settings, "audit", "verify", "--anchor", story.anchor)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "broken." in result.stdout
    assert said.format(a=story.a, third=story.events[2].id) in result.stderr
    assert all(line.startswith("BROKEN ") for line in result.stderr.splitlines())


async def test_a_history_that_grew_since_the_anchor_still_verifies(
    db: None, settings: Settings
) -> None:
    story = await _story(settings)
    await seed(story.a, story.nurse, 2)
    await seed((await make_patient()).id, story.nurse, 1)  # a chain started since
    result = carnet(settings, "audit", "verify", "--anchor", story.anchor)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Checked 11 access events in 3 patient histories: every chain is intact and ends at "
        "its sealed head.",
        "The register of chains holds 4 entries.",
        "Anchor 3 holds: every chain it lists is at least as long as it was then.",
    ]
    assert result.stderr == ""


async def test_the_newest_anchor_is_checked_when_none_is_given(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    story = await _story(settings)
    plain = carnet(settings, "audit", "verify")
    assert plain.returncode == 0, plain.stderr
    assert "No anchor given" in plain.stdout and "Anchor 3 holds" in plain.stdout
    async with tampering():
        await _cut_back_to_an_old_head(story)
    result = carnet(settings, "audit", "verify")
    assert result.returncode == 1
    assert "held 5 at anchor 3" in result.stderr


async def test_without_the_kept_anchor_an_erased_history_cannot_be_told_from_an_empty_one(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    story = await _story(settings)
    async with tampering():
        await _erase_everything(story)
    result = carnet(settings, "audit", "verify")
    assert result.returncode == 0  # what the kept digest is for
    assert "No anchor given: a history erased with its register would go unseen" in (
        result.stdout)


async def test_the_anchor_file_gives_the_last_digest_appended(
    db: None, settings: Settings, tmp_path: Path, tampering: Callable[[], Any]
) -> None:
    story = await _story(settings)
    await seed(story.b, story.nurse, 1)
    second = carnet(settings, "audit", "anchor")
    assert second.returncode == 0 and second.stdout.startswith("4:")
    kept = tmp_path / "anchors.txt"
    kept.write_text(f"# anchors of the access history\n{story.anchor}\n{second.stdout}\n")
    result = carnet(settings, "audit", "verify", "--anchor-file", str(kept))
    assert result.returncode == 0, result.stderr
    assert "Anchor 4 holds" in result.stdout
    async with tampering():
        await AccessEvent.filter(patient_id=story.b, sequence=4).delete()
    result = carnet(settings, "audit", "verify", "--anchor-file", str(kept))
    assert result.returncode == 1
    assert f"BROKEN patient {story.b}: chain head (sequence 4) is past the newest event" in (
        result.stderr)


async def test_the_anchor_prints_only_the_digest_on_stdout(db: None, settings: Settings) -> None:
    story = await _story(settings)
    await seed(story.a, story.nurse, 1)
    result = carnet(settings, "audit", "anchor")
    assert result.returncode == 0
    position, digest = result.stdout.strip().split(":")
    assert position == "4" and len(digest) == 64
    assert "Anchor 4 written over 2 chains. Keep the line below outside the database" in (
        result.stderr)
    assert await AnchoredChain.filter(anchor_position=4).count() == 2


async def test_no_anchor_is_written_over_a_broken_history(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    story = await _story(settings)
    async with tampering():
        await _delete_newest_events(story)
    result = carnet(settings, "audit", "anchor")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "events 4 to 5 were deleted" in result.stderr
    assert "No anchor written: the history does not verify." in result.stderr
    assert await RegisterEntry.filter(kind="anchor").count() == 1


@pytest.mark.parametrize("given", ["3:abc", "three", "0:" + "a" * 64, ""])
async def test_an_unreadable_digest_is_refused_with_exit_two(
    db: None, settings: Settings, given: str
) -> None:
    result = carnet(settings, "audit", "verify", "--anchor", given)
    assert result.returncode == 2
    assert "error: not an anchor digest" in result.stderr
    assert "POSITION:HASH" in result.stderr


async def test_a_missing_anchor_file_is_refused_with_exit_two(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    result = carnet(settings, "audit", "verify", "--anchor-file", str(tmp_path / "none.txt"))
    assert result.returncode == 2
    assert "error: cannot read the anchor file" in result.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing kept yet\n")
    result = carnet(settings, "audit", "verify", "--anchor-file", str(empty))
    assert (result.returncode, result.stderr.strip()) == (2, f"error: no anchor digest in {empty}")


async def test_an_anchor_from_another_database_does_not_pass(
    db: None, settings: Settings
) -> None:
    await _story(settings)
    result = carnet(settings, "audit", "verify", "--anchor", "3:" + "ab" * 32)
    assert result.returncode == 1
    assert "register entry 3 is not the anchor that was kept" in result.stderr
