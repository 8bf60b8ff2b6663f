"""Deposit from practice software: the patient named by INS and identity traits, or by a
record the professional follows. A mismatch says nothing about whether the INS exists."""

from __future__ import annotations

import pytest

from api.identity.ins import nir_key
from api.records.documents.models import Document
from tests.consent.support import BLOCK, GRANT, codes, pid, session
from tests.consent.throttling import lookup_misses
from tests.factories import make_patient, make_professional
from tests.records.documents.deposit_support import (
    deposit,
    error_codes,
    handle_for,
    payload,
    traits_of,
)


async def _patient():  # type: ignore[no-untyped-def]
    return await make_patient(birth_name="LEFÈVRE-DUPONT", first_names="Éloïse Marie")


@pytest.mark.parametrize("spelling", [
    {},
    {"birthName": "lefevre dupont", "firstNames": "eloise marie"},
    {"birthName": "Lefèvre Dupont", "firstNames": "ÉLOÏSE  MARIE", "sex": "f",
     "birthplaceInsee": " 75056 "},
])
async def test_matching_traits_deposit_whatever_the_accents_case_or_hyphens(
        client, settings, db, spelling):
    patient = await _patient()
    professional = await make_professional()
    doctor = await session(client, settings, professional)
    body = await deposit(doctor, patientTraits=traits_of(patient, **spelling))
    assert payload(body) == {"deposited": True, "heldBackUntil": None, "userErrors": []}
    assert await Document.filter(patient_id=patient.id).count() == 1
    assert await lookup_misses(settings, professional.account_id) == 0


@pytest.mark.parametrize("wrong", [
    {"birthName": "LEFEVRE"},
    {"firstNames": "Eloise"},
    {"firstNames": "Marie Eloise"},
    {"birthDate": "1980-01-02"},
    {"sex": "M"},
    {"birthplaceInsee": "69123"},
])
async def test_each_wrong_trait_is_refused_like_an_unknown_ins(client, settings, db, wrong):
    patient = await _patient()
    professional = await make_professional()
    doctor = await session(client, settings, professional)
    refused = await deposit(doctor, patientTraits=traits_of(patient, **wrong))
    unknown_nir = "1991299999999"
    unknown = await deposit(doctor, patientTraits=traits_of(
        patient, ins=unknown_nir + nir_key(unknown_nir), **wrong))
    assert payload(refused) == payload(unknown)
    assert error_codes(refused) == ["IDENTITY_MISMATCH"]
    assert "errors" not in refused
    assert await Document.filter(patient_id=patient.id).count() == 0
    # Both count as missed lookups, like findPatient's misses.
    assert await lookup_misses(settings, professional.account_id) == 2


async def test_the_mismatch_is_told_in_french_and_english(client, settings, db):
    patient = await _patient()
    doctor = await session(client, settings, await make_professional())
    french = payload(await deposit(doctor, patientTraits=traits_of(patient, sex="M")))
    doctor.client.cookies.set("carnet_lang", "en")
    english = payload(await deposit(doctor, patientTraits=traits_of(patient, sex="M")))
    doctor.client.cookies.delete("carnet_lang")
    assert french["userErrors"][0]["message"].startswith("Aucun patient ne correspond")
    assert english["userErrors"][0]["message"].startswith("No patient matches")


async def test_a_patient_who_blocked_the_professional_is_a_mismatch_too(client, settings, db):
    patient = await _patient()
    professional = await make_professional()
    await (await session(client, settings, patient))(
        BLOCK, patientId=pid(patient), professionalId=pid(professional))
    doctor = await session(client, settings, professional)
    assert error_codes(await deposit(doctor, patientTraits=traits_of(patient))) == [
        "IDENTITY_MISMATCH"]


async def test_an_invalid_trait_is_named_and_costs_no_lookup(client, settings, db):
    patient = await _patient()
    professional = await make_professional()
    doctor = await session(client, settings, professional)
    body = await deposit(doctor, patientTraits=traits_of(patient, sex="X", birthName=" "))
    assert [(e["field"], e["code"]) for e in payload(body)["userErrors"]] == [
        ("patientTraits.birthName", "TRAIT_INVALID"), ("patientTraits.sex", "TRAIT_INVALID")]
    assert await lookup_misses(settings, professional.account_id) == 0


async def test_after_twenty_mismatches_deposits_by_traits_wait(client, settings, db):
    patient = await _patient()
    doctor = await session(client, settings, await make_professional())
    for _ in range(20):
        await deposit(doctor, patientTraits=traits_of(patient, sex="M"))
    body = await deposit(doctor, patientTraits=traits_of(patient))
    assert codes(body) == ["TOO_MANY_LOOKUPS"]
    assert await Document.filter(patient_id=patient.id).count() == 0


@pytest.mark.parametrize("references", [
    (),
    ("patientHandle", "patientTraits"),
    ("patientTraits", "patientId"),
    ("patientHandle", "patientTraits", "patientId"),
])
async def test_the_patient_is_named_exactly_once(client, settings, db, references):
    patient = await _patient()
    professional = await make_professional()
    await (await session(client, settings, patient))(
        GRANT, patientId=pid(patient), professionalId=pid(professional), sections=["ALLERGIES"])
    doctor = await session(client, settings, professional)
    every = {"patientHandle": await handle_for(doctor, patient),
             "patientTraits": traits_of(patient), "patientId": pid(patient)}
    body = await deposit(doctor, **{name: every[name] for name in references})
    assert error_codes(body) == ["ONE_PATIENT_REFERENCE"]
    assert await Document.filter(patient_id=patient.id).count() == 0


async def test_a_followed_record_takes_a_deposit_by_its_id(client, settings, db):
    patient = await _patient()
    professional = await make_professional()
    await (await session(client, settings, patient))(
        GRANT, patientId=pid(patient), professionalId=pid(professional), sections=["ALLERGIES"])
    doctor = await session(client, settings, professional)
    assert payload(await deposit(doctor, patientId=pid(patient)))["deposited"] is True
    assert await Document.filter(patient_id=patient.id).count() == 1


async def test_an_unrelated_or_missing_record_id_is_the_same_not_found(client, settings, db):
    patient = await _patient()
    doctor = await session(client, settings, await make_professional())
    unrelated = await deposit(doctor, patientId=pid(patient))
    missing = await deposit(doctor, patientId=str(patient.id + 1000))
    assert codes(unrelated) == codes(missing) == ["NOT_FOUND"]
    assert unrelated["errors"][0]["message"] == missing["errors"][0]["message"]
    assert unrelated["data"] == missing["data"]
    assert await Document.filter(patient_id=patient.id).count() == 0
