"""Practice software retries a deposit with its idempotency key: nothing is added twice."""

from __future__ import annotations

from api.consent.models import Notification
from api.records.documents.models import Document
from tests.consent.support import codes, session
from tests.factories import make_patient, make_professional
from tests.records.documents.deposit_support import deposit, handle_for, payload, traits_of
from tests.records.documents.helpers import stored_files


async def test_a_retry_with_the_same_key_deposits_once(client, settings, db):
    patient = await make_patient()
    doctor = await session(client, settings, await make_professional())
    before = (await stored_files(settings))
    first = await deposit(doctor, key="cr-2026-0001", patientTraits=traits_of(patient))
    again = await deposit(doctor, key="cr-2026-0001", patientTraits=traits_of(patient))
    assert payload(first) == payload(again) == {
        "deposited": True, "heldBackUntil": None, "userErrors": []}
    assert await Document.filter(patient_id=patient.id).count() == 1
    assert await Notification.filter(patient_id=patient.id).count() == 1
    assert len((await stored_files(settings)) - before) == 1  # the retry's file was not kept either


async def test_the_same_patient_named_another_way_is_the_same_deposit(client, settings, db):
    patient = await make_patient()
    doctor = await session(client, settings, await make_professional())
    await deposit(doctor, key="k-1", patientTraits=traits_of(patient))
    again = await deposit(doctor, key="k-1", patientHandle=await handle_for(doctor, patient))
    assert payload(again)["deposited"] is True
    assert await Document.filter(patient_id=patient.id).count() == 1


async def test_the_same_key_with_another_body_is_refused(client, settings, db):
    patient = await make_patient()
    doctor = await session(client, settings, await make_professional())
    await deposit(doctor, key="k-2", patientTraits=traits_of(patient))
    other_title = await deposit(doctor, key="k-2", patientTraits=traits_of(patient),
                                title="Autre chose")
    held_back = await deposit(doctor, key="k-2", patientTraits=traits_of(patient),
                              holdBack=True)
    assert codes(other_title) == codes(held_back) == ["IDEMPOTENCY_KEY_REUSED"]
    assert await Document.filter(patient_id=patient.id).count() == 1


async def test_keys_belong_to_each_professional(client, settings, db):
    patient = await make_patient()
    doctor = await session(client, settings, await make_professional())
    colleague = await session(client, settings, await make_professional())
    await deposit(doctor, key="shared", patientTraits=traits_of(patient))
    await deposit(colleague, key="shared", patientTraits=traits_of(patient))
    assert await Document.filter(patient_id=patient.id).count() == 2


async def test_a_malformed_key_is_refused_before_anything(client, settings, db):
    patient = await make_patient()
    doctor = await session(client, settings, await make_professional())
    body = await deposit(doctor, key="", patientTraits=traits_of(patient))
    assert codes(body) == ["BAD_IDEMPOTENCY_KEY"]
    assert await Document.filter(patient_id=patient.id).count() == 0
