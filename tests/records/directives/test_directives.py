from datetime import UTC, date, datetime

import pytest

from api import clock
from api.identity.models import Role
from api.records.directives.models import Directives
from tests.factories import make_account, make_patient, sign_in
from tests.records.directives.support import (
    CLEAR,
    CONFIRM,
    MINE,
    SAVE,
    Person,
    save,
    signed_in_patient,
)
from tests.records.documents.helpers import make_document

TRUSTED = {"name": "Paul Teston", "relation": "frère", "phone": "06 12 34 56 78",
           "email": "paul@example.fr"}


async def _mine(person):
    return (await person.ask(MINE))["data"]["me"]["patient"]["directives"]


async def test_a_record_without_directives_shows_none(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    assert await _mine(alice) is None


async def test_owner_records_directives_and_reads_them_back(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    assert alice.patient is not None
    signed = await make_document(alice.patient)
    saved = await save(alice, advanceDirectives="Pas d'acharnement thérapeutique.",
                       trustedPerson=TRUSTED, organDonation="CONSENTS",
                       documentId=str(signed.id))
    assert saved["userErrors"] == []
    mine = await _mine(alice)
    assert mine == saved["directives"]
    assert mine["advanceDirectives"] == "Pas d'acharnement thérapeutique."
    assert mine["trustedPerson"] == {**TRUSTED, "phone": "0612345678"}
    assert (mine["organDonation"], mine["documentId"]) == ("CONSENTS", str(signed.id))
    assert mine["lastConfirmedAt"] is None
    assert mine["provenance"]["createdBy"]["role"] == "patient"


async def test_saving_again_changes_only_the_fields_given(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await save(alice, advanceDirectives="Mes volontés.", trustedPerson=TRUSTED)
    saved = await save(alice, organDonation="REFUSES")
    assert saved["directives"]["advanceDirectives"] == "Mes volontés."
    assert saved["directives"]["trustedPerson"]["name"] == "Paul Teston"
    assert saved["directives"]["organDonation"] == "REFUSES"
    removed = await save(alice, trustedPerson=None)
    assert removed["directives"]["trustedPerson"] is None
    assert await Directives.all().count() == 1


async def test_a_limited_donation_keeps_its_limits_and_other_stances_drop_them(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    limited = await save(alice, organDonation="LIMITED", organDonationLimits="Pas les cornées.")
    assert limited["directives"]["organDonationLimits"] == "Pas les cornées."
    consents = await save(alice, organDonation="CONSENTS")
    assert consents["directives"]["organDonationLimits"] is None


async def test_confirming_stamps_the_time_and_who_confirmed(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await save(alice, advanceDirectives="")
    moment = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    with clock.frozen_at(moment):
        body = await alice.ask(CONFIRM, patientId=str(alice.patient.id))
    confirmed = body["data"]["confirmDirectives"]
    assert confirmed["userErrors"] == []
    assert datetime.fromisoformat(confirmed["directives"]["lastConfirmedAt"]) == moment
    assert confirmed["directives"]["lastConfirmedBy"] == {"role": "patient"}


async def test_there_is_nothing_to_confirm_before_anything_is_recorded(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    body = await alice.ask(CONFIRM, patientId=str(alice.patient.id))
    result = body["data"]["confirmDirectives"]
    assert [e["code"] for e in result["userErrors"]] == ["NOTHING_TO_CONFIRM"]
    assert await Directives.all().count() == 0


async def test_clearing_deletes_the_directives(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await save(alice, advanceDirectives="Mes volontés.")
    first = await alice.ask(CLEAR, patientId=str(alice.patient.id))
    again = await alice.ask(CLEAR, patientId=str(alice.patient.id))
    assert first["data"]["clearDirectives"] == {"cleared": True, "userErrors": []}
    assert again["data"]["clearDirectives"]["cleared"] is False
    assert await _mine(alice) is None


@pytest.mark.parametrize(("fields", "expected"), [
    ({"trustedPerson": {**TRUSTED, "email": "paul@"}}, ("trustedPerson.email", "BAD_EMAIL")),
    ({"trustedPerson": {**TRUSTED, "email": "paul example.fr"}},
     ("trustedPerson.email", "BAD_EMAIL")),
    ({"trustedPerson": {**TRUSTED, "phone": "06 12 34"}}, ("trustedPerson.phone", "BAD_PHONE")),
    ({"trustedPerson": {**TRUSTED, "phone": "call me"}}, ("trustedPerson.phone", "BAD_PHONE")),
    ({"trustedPerson": {**TRUSTED, "name": "  "}}, ("trustedPerson.name", "NAME_REQUIRED")),
    ({"advanceDirectives": "x" * 20_001}, ("advanceDirectives", "TOO_LONG")),
    ({"organDonation": "LIMITED"}, ("organDonationLimits", "LIMITS_REQUIRED")),
    ({"organDonation": "LIMITED", "organDonationLimits": "   "},
     ("organDonationLimits", "LIMITS_REQUIRED")),
    ({"documentId": "not-a-number"}, ("documentId", "BAD_DOCUMENT_ID")),
])
async def test_bad_input_is_refused_and_changes_nothing(client, settings, fields, expected):
    alice = await signed_in_patient(client, settings.secret_key)
    await save(alice, advanceDirectives="Avant.", organDonation="CONSENTS")
    result = await save(alice, **{"advanceDirectives": "Après.", **fields})
    assert result["directives"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [expected]
    assert result["userErrors"][0]["message"]
    stored = await Directives.get(patient_id=alice.patient.id)
    assert (stored.advance_directives, stored.organ_donation) == ("Avant.", "consents")


async def test_nothing_is_created_when_the_first_save_is_refused(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    result = await save(alice, trustedPerson={**TRUSTED, "email": "nope"})
    assert result["userErrors"][0]["message"].startswith("Cette adresse e-mail")
    assert await Directives.all().count() == 0


async def test_an_english_viewer_reads_the_refusal_in_english(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    client.cookies.set("carnet_lang", "en")
    result = await save(alice, organDonation="LIMITED")
    assert result["userErrors"][0]["message"].startswith("You chose organ donation with limits")


@pytest.mark.parametrize(("typed", "kept"), [
    ("06.12.34.56.78", "0612345678"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("0033 6 12 34 56 78", "+33612345678"),
    ("(01) 23-45-67-89", "0123456789"),
])
async def test_phone_numbers_are_kept_as_digits(client, settings, typed, kept):
    alice = await signed_in_patient(client, settings.secret_key)
    result = await save(alice, trustedPerson={"name": "Paul", "phone": typed})
    assert result["directives"]["trustedPerson"]["phone"] == kept


async def test_a_parent_records_directives_for_their_child(client, settings):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, birth_date=date(2012, 1, 1), guardian=parent)
    person = Person(client, await sign_in(client, parent, settings.secret_key), child)
    result = await save(person, organDonation="CONSENTS")
    assert result["userErrors"] == []
    body = await person.ask("{ me { represented { directives { organDonation } } } }")
    assert body["data"]["me"]["represented"] == [{"directives": {"organDonation": "CONSENTS"}}]


async def test_a_stranger_can_neither_read_nor_change_someone_elses_directives(client, settings):
    other = await make_patient(first_names="Bea")
    await Directives.create(patient=other, advance_directives="Secret.",
                            created_at=clock.now(), updated_at=clock.now())
    stranger = await signed_in_patient(client, settings.secret_key)
    for query, variables in ((SAVE, {"input": {"patientId": str(other.id),
                                               "advanceDirectives": "Changed."}}),
                             (CONFIRM, {"patientId": str(other.id)}),
                             (CLEAR, {"patientId": str(other.id)})):
        body = await stranger.ask(query, **variables)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    stored = await Directives.get(patient_id=other.id)
    assert (stored.advance_directives, stored.last_confirmed_at) == ("Secret.", None)


async def test_the_directives_of_several_children_cost_one_statement(client, settings):
    from tests.querycount import count_queries

    parent = await make_account(Role.PATIENT)
    person = Person(client, await sign_in(client, parent, settings.secret_key), None)
    query = "{ me { represented { directives { organDonation } } } }"
    counts = []
    for _ in range(2):
        child = await make_patient(account=False, birth_date=date(2012, 1, 1), guardian=parent)
        await Directives.create(patient=child, created_at=clock.now(), updated_at=clock.now())
        with count_queries() as log:
            body = await person.ask(query)
        counts.append((len(body["data"]["me"]["represented"]), log.count))
    assert counts[0][0] == 1 and counts[1][0] == 2
    # Each child's consent facts are loaded per child; the directives themselves in one go.
    directive_reads = [s for s in log.statements if '"directives"' in s]
    assert len(directive_reads) == 1
