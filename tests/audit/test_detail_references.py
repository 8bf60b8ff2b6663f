"""The access history keeps references, not a patient's free text: the conversation read,
the emergency access opened. Whoever reads the history (the patient, a parent) still sees
the subject and the reason, resolved when shown; one statement per kind for a page."""

from __future__ import annotations

from datetime import date

from api.audit.models import AccessEvent, RequestKind
from api.consent.models import EmergencyAccess
from api.consent.sections import Action, Basis
from api.identity.models import Account, Patient
from api.messaging.models import Conversation
from tests.consent.support import OPEN_EMERGENCY, session, traits
from tests.factories import make_patient, make_professional
from tests.messaging.support import HISTORY, READ, designate, started
from tests.querycount import count_queries
from tests.web.patient.sharing_support import access_event, person, text_of

SUBJECT = "Suivi de votre tension"
REASON = "Malaise à domicile, patiente confuse"


async def _read_and_opened(client, settings, patient: Patient) -> tuple[str, int]:
    """The treating doctor writes and reads a conversation; an emergency physician opens an
    emergency access: the conversation's id and the access's."""
    doctor = await make_professional(last_name="BERNARD")
    await designate(patient, doctor)
    pro = await session(client, settings, doctor)
    conversation_id = await started(pro, patient, subject=SUBJECT)
    assert "errors" not in await pro(READ, id=conversation_id)
    urgentist = await session(client, settings, await make_professional(
        "emergency_physician", last_name="HADDAD"))
    opened = await urgentist(OPEN_EMERGENCY, **traits(patient), reason=REASON)
    assert opened["data"]["openEmergencyAccess"]["userErrors"] == [], opened
    return conversation_id, int(opened["data"]["openEmergencyAccess"]["emergencyAccess"]["id"])


def _details(items: list[dict[str, str]]) -> dict[str, str | None]:
    return {e["requestKind"]: e["detail"] for e in items
            if e["requestKind"] in ("MESSAGES", "EMERGENCY_OPEN")}


async def test_the_history_stores_references_and_shows_the_text(client, settings, db):
    patient = await make_patient()
    conversation_id, access_id = await _read_and_opened(client, settings, patient)
    stored = {e.request_kind: e.detail for e in await AccessEvent.filter(patient_id=patient.id)}
    assert stored["messages"] == f"conversation:{conversation_id}"
    assert stored["emergency_open"] == f"emergency_access:{access_id}"

    me = await session(client, settings, await Account.get(id=patient.account_id))
    items = (await me(HISTORY, p=str(patient.id)))["data"]["accessHistory"]["items"]
    assert _details(items) == {"MESSAGES": SUBJECT, "EMERGENCY_OPEN": REASON}

    owner = await person(client, settings.secret_key, patient)
    french = text_of(await owner.get(owner.url("/access-history")))
    assert f"Test BERNARD , médecin a lu les messages de la conversation « {SUBJECT} »" in french
    assert f"Raison donnée : {REASON}" in french
    english = text_of(await owner.get(owner.url("/access-history"),
                                      **{"Accept-Language": "en"}))
    assert f"read the messages of the conversation “{SUBJECT}”" in english
    assert f"Reason given: {REASON}" in english


async def test_a_parent_sees_them_a_professional_does_not_read_the_history(
        client, settings, db):
    parent = await make_patient(first_names="Camille")
    child = await make_patient(first_names="Léo", account=False, birth_date=date(2015, 3, 2),
                               guardian=await parent.account)
    await _read_and_opened(client, settings, child)
    mum = await session(client, settings, await parent.account)
    items = (await mum(HISTORY, p=str(child.id)))["data"]["accessHistory"]["items"]
    assert _details(items) == {"MESSAGES": SUBJECT, "EMERGENCY_OPEN": REASON}
    doctor = await make_professional()
    refused = await (await session(client, settings, doctor))(HISTORY, p=str(child.id))
    assert refused.get("data") is None and SUBJECT not in str(refused)


async def test_a_row_deleted_since_shows_a_neutral_text(client, settings, db):
    patient = await make_patient()
    conversation_id, access_id = await _read_and_opened(client, settings, patient)
    await Conversation.filter(id=int(conversation_id)).delete()
    await EmergencyAccess.filter(id=access_id).delete()
    me = await session(client, settings, await Account.get(id=patient.account_id))
    items = (await me(HISTORY, p=str(patient.id)))["data"]["accessHistory"]["items"]
    assert _details(items) == {"MESSAGES": None, "EMERGENCY_OPEN": None}
    owner = await person(client, settings.secret_key, patient)
    french = text_of(await owner.get(owner.url("/access-history")))
    assert "Test BERNARD , médecin a lu les messages d'une conversation supprimée depuis" in french
    assert "La raison donnée n'est plus conservée : l'accès d'urgence a été supprimé" in french
    english = text_of(await owner.get(owner.url("/access-history"),
                                      **{"Accept-Language": "en"}))
    assert "read the messages of a conversation since deleted" in english
    assert "The reason given is no longer kept: the emergency access was deleted" in english


async def test_events_written_before_keep_their_text(client, settings, db):
    """An event written before references keeps its text: the chain covers it."""
    patient = await make_patient()
    doctor = await make_professional(last_name="BERNARD")
    urgentist = await make_professional("emergency_physician", last_name="HADDAD")
    await access_event(patient, await doctor.account, Basis.CONVERSATION, (), (Action.READ,),
                       RequestKind.MESSAGES, "Vos résultats")
    await access_event(patient, await urgentist.account, Basis.EMERGENCY, (), (),
                       RequestKind.EMERGENCY_OPEN, "Chute dans l'escalier, inconscient")
    me = await session(client, settings, await Account.get(id=patient.account_id))
    items = (await me(HISTORY, p=str(patient.id)))["data"]["accessHistory"]["items"]
    assert _details(items) == {"MESSAGES": "Vos résultats",
                               "EMERGENCY_OPEN": "Chute dans l'escalier, inconscient"}


async def test_a_reference_to_another_patients_row_resolves_to_nothing(client, settings, db):
    patient, other = await make_patient(), await make_patient()
    conversation_id, access_id = await _read_and_opened(client, settings, other)
    doctor = await make_professional()
    await access_event(patient, await doctor.account, Basis.CONVERSATION, (), (Action.READ,),
                       RequestKind.MESSAGES, f"conversation:{conversation_id}")
    await access_event(patient, await doctor.account, Basis.EMERGENCY, (), (),
                       RequestKind.EMERGENCY_OPEN, f"emergency_access:{access_id}")
    me = await session(client, settings, await Account.get(id=patient.account_id))
    body = await me(HISTORY, p=str(patient.id))
    assert _details(body["data"]["accessHistory"]["items"]) == {
        "MESSAGES": None, "EMERGENCY_OPEN": None}
    assert SUBJECT not in str(body) and REASON not in str(body)


async def _history_statements(client, settings, reads: int) -> int:
    patient = await make_patient()
    doctor = await make_professional()
    await designate(patient, doctor)
    pro = await session(client, settings, doctor)
    for n in range(reads):
        assert "errors" not in await pro(READ, id=await started(pro, patient,
                                                                subject=f"Sujet {n}"))
        urgentist = await session(client, settings, await make_professional(
            "emergency_physician"))
        opened = await urgentist(OPEN_EMERGENCY, **traits(patient), reason=f"{REASON} {n}")
        assert opened["data"]["openEmergencyAccess"]["userErrors"] == []
    me = await session(client, settings, await Account.get(id=patient.account_id))
    await me(HISTORY, p=str(patient.id))  # warms what is cached per process
    with count_queries() as log:
        body = await me(HISTORY, p=str(patient.id))
    details = _all_details(body["data"]["accessHistory"]["items"])
    assert {f"Sujet {n}" for n in range(reads)} <= details, details
    assert {f"{REASON} {n}" for n in range(reads)} <= details, details
    return log.count


def _all_details(items: list[dict[str, str]]) -> set[str | None]:
    return {e["detail"] for e in items}


async def test_a_page_of_events_reads_each_kind_once(client, settings, db):
    one = await _history_statements(client, settings, 1)
    four = await _history_statements(client, settings, 4)
    assert one == four, (one, four)
