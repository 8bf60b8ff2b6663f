"""For every kind of viewer, the feed lists exactly the items the section lists show."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from api import clock
from api.consent.models import TreatingDoctor
from api.consent.sections import Section
from api.identity.models import Account, Patient, Role
from api.interop.terminology import document_type
from api.records.documents.loaders import item_facts as document_facts
from api.records.entries.models import Allergy
from api.records.entries.services import item_facts as entry_facts
from api.records.provenance import stamp_created
from api.sync.journal import record_change
from api.sync.models import ChangeKind
from tests.consent.support import session
from tests.factories import make_account, make_patient, make_professional
from tests.records.documents.helpers import make_document
from tests.sync.support import CHANGES, grant

LISTS = """
query($p: ID!) { patient(id: $p) {
  documents(first: 100) { items { id } }
  allergies(first: 100) { items { id } }
} }
"""
PSYCHIATRIC = "68599-0"


async def _documents(patient: Patient, doctor_account: int, owner_account: int | None) -> None:
    later = clock.now() + timedelta(days=20)
    psychiatric = document_type(PSYCHIATRIC)
    assert psychiatric is not None
    variants: list[dict[str, Any]] = [
        {},
        {"hidden_from_professionals": True},
        {"hidden_from_professionals": True, "created_by_id": doctor_account},
        {"held_back_until": later, "created_by_id": doctor_account},
        {"type_code": PSYCHIATRIC, "category": psychiatric.category},
        {"confidential_for_minor": True},
    ]
    for values in variants:
        author = {"created_by_id": owner_account} if owner_account else {}
        document = await make_document(patient, **{**author, **values})
        await record_change(None, patient_id=patient.id, section=Section.DOCUMENTS,
                            item_id=document.id, kind=ChangeKind.CREATED,
                            facts=document_facts(document))
    for confidential in (False, True):
        allergy = await Allergy.create(**stamp_created(
            {"patient_id": patient.id, "substance": "Latex",
             "confidential_for_minor": confidential}, doctor_account))
        await record_change(None, patient_id=patient.id, section=Section.ALLERGIES,
                            item_id=allergy.id, kind=ChangeKind.CREATED,
                            facts=entry_facts(allergy))


def _ids(section: dict[str, Any] | None) -> set[str]:
    return {item["id"] for item in section["items"]} if section else set()


async def _compare(who: Any, patient: Patient) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    lists = (await who(LISTS, p=str(patient.id)))["data"]["patient"]
    feed = await who(CHANGES, patientId=str(patient.id), first=100)
    assert "errors" not in feed, feed
    seen: dict[str, set[str]] = {"DOCUMENTS": set(), "ALLERGIES": set()}
    for change in feed["data"]["changes"]["items"]:
        seen[change["section"]].add(change["itemId"])
    listed = {"DOCUMENTS": _ids(lists["documents"]), "ALLERGIES": _ids(lists["allergies"])}
    return seen, listed


@pytest.mark.parametrize("viewer", ["owner", "physician", "dentist", "treating_doctor",
                                    "parent"])
async def test_the_feed_admits_exactly_what_the_lists_show(client, settings, db, viewer):
    parent = await make_account(Role.PATIENT)
    minor = viewer == "parent"
    patient = (await make_patient(account=False, guardian=parent, birth_date=date(2012, 1, 1))
               if minor else await make_patient())
    physician, dentist = await make_professional(), await make_professional("dentist")
    await _documents(patient, physician.account_id, patient.account_id)
    sections = [Section.DOCUMENTS, Section.ALLERGIES]
    who: Any
    if viewer in ("owner",):
        who = await session(client, settings, await Account.get(id=patient.account_id))
    elif viewer == "parent":
        who = await session(client, settings, parent)
    elif viewer == "treating_doctor":
        await TreatingDoctor.create(patient_id=patient.id, professional_id=physician.id,
                                    designated_at=clock.now())
        who = await session(client, settings, physician)
    else:
        professional = dentist if viewer == "dentist" else physician
        await grant(patient, professional, sections)
        who = await session(client, settings, professional)
    seen, listed = await _compare(who, patient)
    assert seen == listed
    assert seen["DOCUMENTS"]  # each viewer sees some documents, and not all of them
    assert len(seen["DOCUMENTS"]) < 6 or viewer == "treating_doctor"
