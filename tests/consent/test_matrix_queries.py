"""`professionRights` and `professional`: what a sharing form tells before the patient shares."""

from __future__ import annotations

from tests.consent.support import codes, session
from tests.factories import graphql, make_patient, make_professional

RIGHTS = """
query Rights($profession: Profession!) {
  professionRights(profession: $profession) {
    profession label readableSections writableSections neverReadableSections
    documentCategories { key label }
    alsoReadDocumentTypes { code label }
    neverReadDocumentTypes { code label category }
  }
}
"""

PROFESSIONAL = "query Pro($id: ID!) { professional(id: $id) { id lastName profession } }"


async def _rights(client, profession: str) -> dict:
    body = await graphql(client, "", RIGHTS, {"profession": profession})
    assert "errors" not in body, body
    rights: dict = body["data"]["professionRights"]
    return rights


async def test_a_dentist_never_reads_advance_directives_nor_psychiatric_summaries(client):
    rights = await _rights(client, "DENTIST")
    assert "DIRECTIVES" not in rights["readableSections"]
    assert rights["neverReadableSections"] == ["DIRECTIVES"]
    never = {t["code"]: t["label"] for t in rights["neverReadDocumentTypes"]}
    assert never["68599-0"] == "Synthèse psychiatrique"
    assert rights["label"] == "chirurgien-dentiste"


async def test_a_nurse_reads_every_section_but_changes_only_some(client):
    rights = await _rights(client, "NURSE")
    assert rights["neverReadableSections"] == []
    assert rights["writableSections"] == ["ALLERGIES", "VACCINATIONS", "MEASUREMENTS",
                                          "DOCUMENTS"]
    never = {t["code"] for t in rights["neverReadDocumentTypes"]}
    assert {"68599-0", "83901-9", "89601-9"} <= never


async def test_a_pharmacist_reads_only_the_documents_dispensing_needs(client):
    rights = await _rights(client, "PHARMACIST")
    assert rights["neverReadableSections"] == ["HISTORY", "DIRECTIVES"]
    assert [c["key"] for c in rights["documentCategories"]] == [
        "PRESCRIPTION", "DISPENSING", "ADMINISTERED_TREATMENT"]
    also = {t["code"] for t in rights["alsoReadDocumentTypes"]}
    assert "11502-2" in also  # the laboratory report, for dose adjustment


async def test_the_profession_rights_speak_the_viewers_language(client):
    client.cookies.set("carnet_lang", "en")
    body = await graphql(client, "", RIGHTS, {"profession": "PHYSIOTHERAPIST"})
    rights = body["data"]["professionRights"]
    assert rights["label"] == "physiotherapist"
    assert rights["neverReadableSections"] == ["VACCINATIONS", "DIRECTIVES"]


async def test_a_signed_in_patient_finds_one_professional_of_the_directory(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse", last_name="PETIT")
    me = await session(client, settings, patient)
    body = await me(PROFESSIONAL, id=str(nurse.id))
    assert body["data"]["professional"] == {"id": str(nurse.id), "lastName": "PETIT",
                                            "profession": "nurse"}


async def test_an_unknown_professional_is_not_found(client, settings, db):
    me = await session(client, settings, await make_patient())
    body = await me(PROFESSIONAL, id="999999")
    assert body["data"]["professional"] is None and codes(body) == ["NOT_FOUND"]


async def test_the_directory_entry_needs_a_signed_in_viewer(client, db):
    nurse = await make_professional("nurse")
    body = await graphql(client, "", PROFESSIONAL, {"id": str(nurse.id)})
    assert codes(body) == ["UNAUTHENTICATED"]
