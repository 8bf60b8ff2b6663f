"""Who may read and write the four sections: the owner, a parent, nobody else."""

from datetime import date

import pytest

from api.identity.models import Account, Role
from tests.factories import make_account, make_patient, make_professional, sign_in
from tests.records.entries.helpers import (
    SECTIONS,
    Signed,
    add,
    added,
    error_codes,
    own_page,
    remove,
    represented_page,
    update,
)

SECTIONS_AND_VALUES = [
    ("history", {"kind": "CONDITION", "code": "J45.9"}),
    ("allergies", {"substance": "Arachide", "severity": "SEVERE"}),
    ("treatments", {"medication": "Salbutamol"}),
    ("vaccinations", {"vaccineCode": "MMR", "date": "2016-03-02"}),
]


@pytest.fixture
async def parent(client, settings) -> Signed:
    account = await make_account(Role.PATIENT)
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2015, 3, 2),
                               guardian=account)
    csrf = await sign_in(client, account, settings.secret_key)
    return Signed(client, csrf, account, child)


@pytest.mark.parametrize(("section", "values"), SECTIONS_AND_VALUES)
async def test_a_parent_writes_and_reads_the_childs_record(parent, section, values):
    entry = await added(parent, section, values)
    page = await represented_page(parent, section)
    assert [item["id"] for item in page["items"]] == [entry["id"]]
    body = await update(parent, section, entry["id"], {"note": "vu chez le pédiatre"})
    assert "errors" not in body, body
    body = await remove(parent, section, entry["id"])
    assert "errors" not in body, body
    assert (await represented_page(parent, section))["totalCount"] == 0


@pytest.mark.parametrize(("section", "values"), SECTIONS_AND_VALUES)
async def test_a_parent_does_not_see_what_the_minor_keeps_confidential(
        parent, section, values):
    shown = await added(parent, section, values)
    await added(parent, section, {**values, "confidentialForMinor": True})
    page = await represented_page(parent, section)
    assert page["totalCount"] == 1
    assert [item["id"] for item in page["items"]] == [shown["id"]]


async def test_a_parent_cannot_change_a_confidential_entry_it_cannot_see(parent):
    hidden = await added(parent, "allergies", {"substance": "Latex", "confidentialForMinor": True})
    body = await update(parent, "allergies", hidden["id"], {"note": "x"})
    assert error_codes(body) == ["NOT_FOUND"]
    assert error_codes(await remove(parent, "allergies", hidden["id"])) == ["NOT_FOUND"]


async def test_the_owner_sees_entries_kept_confidential_from_parents(owner):
    await added(owner, "allergies", {"substance": "Latex", "confidentialForMinor": True})
    page = await own_page(owner, "allergies")
    assert page["totalCount"] == 1 and page["items"][0]["confidentialForMinor"] is True


@pytest.mark.parametrize(("section", "values"), SECTIONS_AND_VALUES)
async def test_a_stranger_patient_gets_not_found(owner, client, settings, section, values):
    entry = await added(owner, section, values)
    stranger_patient = await make_patient()
    stranger_account = await Account.get(id=stranger_patient.account_id)
    csrf = await sign_in(client, stranger_account, settings.secret_key)
    stranger = Signed(client, csrf, stranger_account, stranger_patient)

    assert error_codes(await add(stranger, section, values, patient=owner.patient)) == [
        "NOT_FOUND"]
    assert error_codes(await update(stranger, section, entry["id"], {"note": "x"})) == [
        "NOT_FOUND"]
    assert error_codes(await remove(stranger, section, entry["id"])) == ["NOT_FOUND"]
    single = await stranger.run(
        "query($id: ID!) { historyEntry(id: $id) { id } allergy(id: $id) { id } "
        "treatment(id: $id) { id } vaccination(id: $id) { id } }", {"id": entry["id"]})
    assert set(error_codes(single)) == {"NOT_FOUND"}


async def test_a_professional_without_consent_cannot_add_to_the_record(owner, client, settings):
    doctor = await make_professional()
    account = await Account.get(id=doctor.account_id)
    csrf = await sign_in(client, account, settings.secret_key)
    outsider = Signed(client, csrf, account, owner.patient)
    body = await add(outsider, "allergies", {"substance": "Pollen"})
    assert error_codes(body) == ["NOT_FOUND"]


async def test_an_unknown_patient_and_a_malformed_patient_id_are_clear_errors(owner):
    owner.patient.id = 99999
    assert error_codes(await add(owner, "allergies", {"substance": "Pollen"})) == ["NOT_FOUND"]
    body = await owner.run(
        'mutation { addAllergy(input: {patientId: "1; drop", substance: "Pollen"}) { allergy '
        "{ id } } }")
    assert error_codes(body) == ["BAD_ID"]


async def test_the_owner_reads_one_entry_by_id(owner):
    entry = await added(owner, "treatments", {"medication": "Salbutamol"})
    body = await owner.run("query($id: ID!) { treatment(id: $id) { id medication } }",
                           {"id": entry["id"]})
    assert body["data"]["treatment"] == {"id": entry["id"], "medication": "Salbutamol"}


async def test_nobody_signed_in_cannot_write(owner):
    owner.client.cookies.clear()
    body = await add(owner, "allergies", {"substance": "Pollen"})
    assert error_codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(("section", "values"), SECTIONS_AND_VALUES)
async def test_an_entry_says_which_record_it_belongs_to(parent, section, values):
    """A parent reaches two records: each entry names its own."""
    entry = await added(parent, section, values)
    field = SECTIONS[section].payload_field
    body = await parent.run(f"query($id: ID!) {{ {field}(id: $id) {{ id patientId }} }}",
                            {"id": entry["id"]})
    assert "errors" not in body
    assert body["data"] == {field: {"id": entry["id"], "patientId": str(parent.patient.id)}}
    listed = await parent.run(
        f"{{ me {{ represented {{ {SECTIONS[section].field} {{ items {{ patientId }} }} }} }} }}")
    [record] = listed["data"]["me"]["represented"]
    assert record[SECTIONS[section].field]["items"] == [{"patientId": str(parent.patient.id)}]
