"""The history section through GraphQL: conditions, surgeries and family history."""

from datetime import timedelta

from api.interop.terminology import icd10
from api.records.entries.validation import today
from tests.records.entries.helpers import add, added, error_codes, own_page, remove, update

ASTHMA = {"kind": "CONDITION", "code": "j459", "onsetDate": "2003-05-01"}


async def test_owner_adds_a_coded_condition_and_reads_it_back_labelled(owner):
    entry = await added(owner, "history", {**ASTHMA, "note": "Crises au printemps"})
    assert entry["code"] == "J45.9" and entry["coded"] is True
    assert entry["label"] == icd10.lookup("J45.9").label_fr  # French is the default language
    assert entry["status"] == "ACTIVE" and entry["confidentialForMinor"] is False
    assert entry["provenance"]["createdBy"] == {"name": "Camille MARTIN", "role": "patient"}
    page = await own_page(owner, "history")
    assert page["totalCount"] == 1
    assert page["items"] == [entry]


async def test_the_label_of_a_code_follows_the_viewers_language(owner, french_icd10):
    entry = await added(owner, "history", ASTHMA)
    assert entry["label"] == "Asthme, sans précision"
    owner.client.cookies.set("carnet_lang", "en")
    assert (await own_page(owner, "history"))["items"][0]["label"] == "Asthma, unspecified"


async def test_a_condition_without_a_fitting_code_is_kept_as_free_text(owner):
    entry = await added(owner, "history", {"kind": "CONDITION", "text": "Lombalgies après ski"})
    assert entry["coded"] is False and entry["code"] is None
    assert entry["label"] == "Lombalgies après ski"


async def test_a_surgery_is_resolved_by_default(owner):
    entry = await added(owner, "history", {"kind": "SURGERY", "code": "K35.8",
                                           "text": "Appendicectomie", "onsetDate": "2007-06-12"})
    assert entry["kind"] == "SURGERY" and entry["status"] == "RESOLVED"


async def test_family_history_names_the_relative(owner):
    entry = await added(owner, "history", {"kind": "FAMILY", "code": "E11.9",
                                           "relative": "MOTHER"})
    assert entry["relative"] == "MOTHER"


async def test_owner_updates_only_the_fields_given(owner):
    entry = await added(owner, "history", {**ASTHMA, "note": "Crises au printemps"})
    body = await update(owner, "history", entry["id"], {"resolutionDate": "2015-09-01"})
    changed = body["data"]["updateHistoryEntry"]["historyEntry"]
    assert changed["resolutionDate"] == "2015-09-01"
    assert changed["status"] == "RESOLVED", "a new end date resolves the condition"
    assert changed["note"] == "Crises au printemps" and changed["code"] == "J45.9"
    assert changed["provenance"]["updatedAt"] >= entry["provenance"]["updatedAt"]
    assert (await own_page(owner, "history"))["items"] == [changed]


async def test_an_explicit_null_clears_an_optional_field(owner):
    entry = await added(owner, "history", {**ASTHMA, "note": "Crises au printemps"})
    body = await update(owner, "history", entry["id"], {"note": None})
    assert body["data"]["updateHistoryEntry"]["historyEntry"]["note"] is None


async def test_owner_removes_an_entry(owner):
    entry = await added(owner, "history", ASTHMA)
    body = await remove(owner, "history", entry["id"])
    assert body["data"]["removeHistoryEntry"] == {"removedId": entry["id"], "userErrors": []}
    assert (await own_page(owner, "history"))["totalCount"] == 0


async def _refused(owner, values, field, code):
    body = await add(owner, "history", values)
    payload = body["data"]["addHistoryEntry"]
    assert payload["historyEntry"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert (await own_page(owner, "history"))["totalCount"] == 0
    return payload["userErrors"][0]["message"]


async def test_an_unknown_icd10_code_is_refused_and_nothing_is_saved(owner):
    message = await _refused(owner, {"kind": "CONDITION", "code": "J99.99"},
                             "code", "UNKNOWN_ICD10_CODE")
    assert "CIM-10" in message


async def test_an_onset_in_the_future_is_refused(owner):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    await _refused(owner, {**ASTHMA, "onsetDate": tomorrow}, "onsetDate", "DATE_IN_FUTURE")


async def test_a_resolution_before_the_onset_is_refused(owner):
    await _refused(owner, {**ASTHMA, "resolutionDate": "2001-01-01"}, "resolutionDate",
                   "RESOLUTION_BEFORE_ONSET")


async def test_an_entry_with_neither_code_nor_text_is_refused(owner):
    await _refused(owner, {"kind": "CONDITION", "text": "   "}, "text", "DESCRIPTION_REQUIRED")


async def test_family_history_without_the_relative_is_refused(owner):
    await _refused(owner, {"kind": "FAMILY", "code": "E11.9"}, "relative", "RELATIVE_REQUIRED")


async def test_a_relative_on_a_personal_condition_is_refused(owner):
    await _refused(owner, {**ASTHMA, "relative": "FATHER"}, "relative",
                   "RELATIVE_ONLY_FOR_FAMILY")


async def test_an_invalid_update_changes_nothing(owner):
    entry = await added(owner, "history", ASTHMA)
    body = await update(owner, "history", entry["id"], {"code": "ZZZ", "note": "x"})
    payload = body["data"]["updateHistoryEntry"]
    assert payload["historyEntry"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["UNKNOWN_ICD10_CODE"]
    assert (await own_page(owner, "history"))["items"] == [entry]


async def test_user_errors_speak_the_viewers_language(owner):
    owner.client.cookies.set("carnet_lang", "en")
    body = await add(owner, "history", {"kind": "CONDITION", "code": "J99.99"})
    message = body["data"]["addHistoryEntry"]["userErrors"][0]["message"]
    assert message.startswith("This ICD-10 code does not exist")


async def test_an_unknown_or_malformed_entry_id_is_a_clear_error(owner):
    assert error_codes(await update(owner, "history", "987654", {"note": "x"})) == ["NOT_FOUND"]
    assert error_codes(await remove(owner, "history", "not-an-id")) == ["BAD_ID"]


async def test_an_active_condition_cannot_have_an_end_date(owner):
    await _refused(owner, {**ASTHMA, "status": "ACTIVE", "resolutionDate": "2010-01-01"},
                   "status", "STATUS_CONFLICT")


async def test_an_explicit_status_is_kept_when_the_end_date_is_left_alone(owner):
    entry = await added(owner, "history", {**ASTHMA, "status": "RESOLVED"})
    body = await update(owner, "history", entry["id"], {"note": "Plus de crise depuis 2012"})
    assert body["data"]["updateHistoryEntry"]["historyEntry"]["status"] == "RESOLVED"
