"""After a deposit, the depositor reads nothing of the record: no section, not the document
they deposited, not its file; their list of deposits shows only what they sent. The patient
(and the parents of a minor) are told."""

from __future__ import annotations

from datetime import date

import pytest

from api.consent.models import Notification, NotificationKind
from api.identity.models import Guardianship, Role
from api.records.documents.models import Document
from tests.consent.support import BLOCK, codes, pid, session
from tests.factories import make_account, make_patient, make_professional
from tests.records.documents.deposit_support import MY_DEPOSITS, deposit, payload, traits_of

SECTIONS = {
    "identity": "identity { birthName }",
    "displayName": "displayName",
    "history": "history { totalCount }",
    "allergies": "allergies { totalCount }",
    "treatments": "treatments { totalCount }",
    "vaccinations": "vaccinations { totalCount }",
    "measurements": "measurements { totalCount }",
    "computedBmi": "computedBmi { value }",
    "directives": "directives { __typename }",
    "documents": "documents { totalCount }",
}
DOCUMENT = """query($id: ID!) { document(id: $id) { id title } }"""


@pytest.mark.parametrize("section", sorted(SECTIONS))
async def test_the_depositor_reads_no_section(client, settings, db, section):
    patient = await make_patient()
    nurse = await session(client, settings, await make_professional("nurse"))
    assert payload(await deposit(nurse, patientTraits=traits_of(patient)))["deposited"]
    body = await nurse(f"query($id: ID!) {{ patient(id: $id) {{ {SECTIONS[section]} }} }}",
                       id=pid(patient))
    assert codes(body) == ["NOT_FOUND"]
    assert body["data"] == {"patient": None}


async def test_the_depositor_reads_neither_the_document_nor_its_file(client, settings, db):
    patient = await make_patient()
    nurse = await session(client, settings, await make_professional("nurse"))
    await deposit(nurse, patientTraits=traits_of(patient))
    [document] = await Document.filter(patient_id=patient.id)
    assert codes(await nurse(DOCUMENT, id=str(document.id))) == ["NOT_FOUND"]
    assert (await client.get(f"/documents/{document.id}/content")).status_code == 404
    owner = await session(client, settings, patient)  # the same address serves the patient
    assert (await owner.client.get(f"/documents/{document.id}/content")).status_code == 200


async def test_the_deposit_list_shows_only_what_the_depositor_sent(client, settings, db):
    patient = await make_patient()
    nurse = await session(client, settings, await make_professional("nurse"))
    await deposit(nurse, patientTraits=traits_of(patient), title="Soins du 5 janvier")
    listed = (await nurse(MY_DEPOSITS))["data"]["myDeposits"]
    [item] = listed["items"]
    assert set(item) == {"id", "title", "documentDate", "depositedAt", "heldBackUntil"}
    assert (item["title"], item["documentDate"]) == ("Soins du 5 janvier", "2026-01-05")
    # The type itself has nothing more to ask for: no patient, no file, no hiding.
    fields = await nurse('{ __type(name: "Deposit") { fields { name } } }')
    assert {f["name"] for f in fields["data"]["__type"]["fields"]} == set(item)
    # Someone else's deposits are not in it.
    other = await session(client, settings, await make_professional("nurse"))
    assert (await other(MY_DEPOSITS))["data"]["myDeposits"]["totalCount"] == 0


async def test_patients_have_no_deposit_list(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    assert codes(await owner(MY_DEPOSITS)) == ["PROFESSIONALS_ONLY"]


async def test_the_patient_and_the_parents_of_a_minor_are_told(client, settings, db):
    mother, father = await make_account(Role.PATIENT), await make_account(Role.PATIENT)
    child = await make_patient(birth_date=date(2016, 5, 2), guardian=mother)
    await Guardianship.create(guardian=father, patient=child)
    doctor = await session(client, settings, await make_professional(last_name="BERNARD"))
    await deposit(doctor, patientTraits=traits_of(child))
    notices = await Notification.filter(patient_id=child.id)
    assert {(n.kind, n.recipient_id) for n in notices} == {
        (NotificationKind.DOCUMENT_DEPOSITED, account)
        for account in (child.account_id, mother.id, father.id)}
    assert all("BERNARD" in n.payload["professional"] for n in notices)


async def test_a_block_takes_the_deposits_off_the_list(client, settings, db):
    blocking, other = await make_patient(), await make_patient()
    nurse_pro = await make_professional("nurse")
    nurse = await session(client, settings, nurse_pro)
    await deposit(nurse, patientTraits=traits_of(blocking), title="Pour le patient bloquant")
    await deposit(nurse, patientTraits=traits_of(other), title="Pour l'autre")
    await (await session(client, settings, blocking))(
        BLOCK, patientId=pid(blocking), professionalId=pid(nurse_pro))
    listed = (await nurse(MY_DEPOSITS))["data"]["myDeposits"]
    assert [item["title"] for item in listed["items"]] == ["Pour l'autre"]
    assert listed["totalCount"] == 1
