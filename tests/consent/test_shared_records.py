"""A professional's lists of patients hold exactly the records the policy says are shared.

Table-driven, one relation per row: the world is written to the database, then the viewer
asks ``patients`` and ``myPatients`` through the schema. Each list must hold the record
exactly when ``shares_record`` allows it, and never a record the policy would not even let
the viewer reach (``patient_reach``, which ``decide`` opens the sections on).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from api import clock
from api.consent.models import Block, ConsentSettings, EmergencyAccess, Grant, TreatingDoctor
from api.consent.policy import decide, patient_reach, shares_record
from api.consent.rights import load_facts
from api.consent.sections import Action, Section
from api.graphql.context import Context
from api.identity.models import Account, Patient, Professional, Role
from api.identity.viewer import Viewer
from api.root.schema import schema
from api.settings import Settings
from tests.factories import make_account, make_patient, make_professional

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
LISTS = """{ patients(first: 50) { totalCount items { id } }
             myPatients(first: 50) { totalCount items { patient { id } } } }"""


async def _grant(patient: Patient, pro: Professional, *, ends: timedelta = 30 * DAY,
                 revoked: timedelta | None = None) -> None:
    await Grant.create(patient=patient, professional=pro, sections="allergies",
                       created_at=NOW - 10 * DAY, expires_at=NOW + ends,
                       revoked_at=NOW + revoked if revoked is not None else None)


async def _emergency(patient: Patient, pro: Professional, opened: timedelta) -> None:
    await EmergencyAccess.create(patient=patient, professional=pro, reason="Inconscient, SAMU",
                                 opened_at=NOW + opened, expires_at=NOW + opened + 4 * HOUR)


Build = Callable[[Patient, Account, Professional | None], Awaitable[None]]


@dataclass(frozen=True)
class Case:
    name: str
    viewer: str  # "owner", "parent" or a profession
    build: Build
    listed: bool
    reached: bool
    minor: bool = False


async def _nothing(patient: Patient, account: Account, pro: Professional | None) -> None:
    return None


def _pro(pro: Professional | None) -> Professional:
    assert pro is not None
    return pro


async def _live(p: Patient, a: Account, pro: Professional | None) -> None:
    await _grant(p, _pro(pro))


async def _expired(p: Patient, a: Account, pro: Professional | None) -> None:
    await _grant(p, _pro(pro), ends=-DAY)


async def _revoked(p: Patient, a: Account, pro: Professional | None) -> None:
    await _grant(p, _pro(pro), revoked=-HOUR)


async def _revoked_later(p: Patient, a: Account, pro: Professional | None) -> None:
    # Revoked at an instant still to come: live until then, as the policy reads it.
    await _grant(p, _pro(pro), revoked=HOUR)


async def _expired_and_live(p: Patient, a: Account, pro: Professional | None) -> None:
    await _grant(p, _pro(pro), ends=-DAY)
    await _grant(p, _pro(pro))


async def _treating(p: Patient, a: Account, pro: Professional | None) -> None:
    await TreatingDoctor.create(patient=p, professional=_pro(pro), designated_at=NOW - DAY)


async def _blocked_with_grant(p: Patient, a: Account, pro: Professional | None) -> None:
    await _grant(p, _pro(pro))
    await Block.create(patient=p, professional=_pro(pro), created_at=NOW - DAY)


async def _blocked_treating(p: Patient, a: Account, pro: Professional | None) -> None:
    await _treating(p, a, pro)
    await Block.create(patient=p, professional=_pro(pro), created_at=NOW - DAY)


async def _someone_elses_grant(p: Patient, a: Account, pro: Professional | None) -> None:
    await _grant(p, await make_professional("nurse"))


async def _emergency_open(p: Patient, a: Account, pro: Professional | None) -> None:
    await _emergency(p, _pro(pro), -HOUR)


async def _emergency_ended(p: Patient, a: Account, pro: Professional | None) -> None:
    await _emergency(p, _pro(pro), -5 * HOUR)


async def _emergency_not_open(p: Patient, a: Account, pro: Professional | None) -> None:
    await _emergency(p, _pro(pro), HOUR)


async def _emergency_opposed(p: Patient, a: Account, pro: Professional | None) -> None:
    await _emergency(p, _pro(pro), -HOUR)
    await ConsentSettings.create(patient=p, emergency_opposed=True, updated_at=NOW - DAY)


async def _live_grant_and_emergency(p: Patient, a: Account, pro: Professional | None) -> None:
    await _grant(p, _pro(pro))
    await _emergency(p, _pro(pro), -HOUR)


CASES = (
    Case("owner of the record", "owner", _nothing, listed=False, reached=True),
    Case("parent of a minor", "parent", _nothing, listed=False, reached=True, minor=True),
    Case("parent of an adult", "parent", _nothing, listed=False, reached=False),
    Case("stranger", "physician", _nothing, listed=False, reached=False),
    Case("another professional's grant", "physician", _someone_elses_grant, listed=False,
         reached=False),
    Case("live grant", "physician", _live, listed=True, reached=True),
    Case("expired grant", "physician", _expired, listed=False, reached=False),
    Case("revoked grant", "physician", _revoked, listed=False, reached=False),
    Case("grant revoked at a later instant", "physician", _revoked_later, listed=True,
         reached=True),
    Case("expired grant and a live one", "nurse", _expired_and_live, listed=True, reached=True),
    Case("treating doctor", "physician", _treating, listed=True, reached=True),
    Case("blocked, with a live grant", "physician", _blocked_with_grant, listed=False,
         reached=False),
    Case("blocked treating doctor", "physician", _blocked_treating, listed=False,
         reached=False),
    Case("emergency access open", "emergency_physician", _emergency_open, listed=False,
         reached=True),
    Case("emergency access ended", "emergency_physician", _emergency_ended, listed=False,
         reached=False),
    Case("emergency access not open yet", "emergency_physician", _emergency_not_open,
         listed=False, reached=False),
    Case("emergency access the patient opposed", "emergency_physician", _emergency_opposed,
         listed=False, reached=False),
    Case("live grant during an emergency access", "emergency_physician",
         _live_grant_and_emergency, listed=True, reached=True),
)


async def _world(case: Case) -> tuple[Account, Patient]:
    """The viewer's account and the patient, related as the case says."""
    pro: Professional | None = None
    if case.viewer == "owner":
        patient = await make_patient()
        account = await Account.get(id=patient.account_id)
    elif case.viewer == "parent":
        account = await make_account(Role.PATIENT)
        born = date(2015, 6, 1) if case.minor else date(2000, 1, 1)
        patient = await make_patient(account=False, birth_date=born, guardian=account)
    else:
        pro = await make_professional(case.viewer)
        account = await pro.account
        patient = await make_patient()
    await case.build(patient, account, pro)
    return account, patient


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_the_lists_hold_a_record_exactly_when_the_policy_shares_it(
        case: Case, settings: Settings, db: None) -> None:
    with clock.frozen_at(NOW):
        account, patient = await _world(case)
        viewer = Viewer(account, None)
        facts, rights, _ = await load_facts(viewer, [patient])
        shared = shares_record(facts, rights[patient.id])
        reach = patient_reach(facts, rights[patient.id])
        context = Context(settings=settings, viewer=viewer, language="fr")
        result = await schema.execute(LISTS, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    listed = [item["id"] for item in result.data["patients"]["items"]]
    mine = [item["patient"]["id"] for item in result.data["myPatients"]["items"]]
    expected = [str(patient.id)] if case.listed else []
    assert (listed, mine) == (expected, expected)
    assert result.data["patients"]["totalCount"] == len(expected)
    # The policy says the same, and lists nothing it would not let the viewer open.
    assert shared.allowed is case.listed
    assert reach.allowed is case.reached
    assert not shared.allowed or reach.allowed
    # A listed record opens at least one section to the viewer (``decide``).
    opens = any(decide(facts, rights[patient.id], section, Action.READ).allowed
                for section in Section)
    assert opens is case.reached
