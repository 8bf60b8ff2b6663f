"""The sharing page: who can see the record now and how to change it.

Current and past authorisations (withdrawing one, or blocking a professional, asks for a
confirmation: a page of its own without JavaScript, inline with htmx), the treating
doctor, blocked professionals, the opposition to emergency access and the emergency
accesses that happened.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.ids import id_or_none
from web import graphql_client
from web.forms import see_other
from web.i18n import translations
from web.messages import N_
from web.patient.consent_forms import chosen_id
from web.patient.consent_words import Words, person
from web.patient.frame import error_status, record_form, record_page, record_url, refusal
from web.templating import is_htmx, language_of, render

PAST_SHOWN = 10
CHOOSE_OPPOSITION = N_("Choose whether to refuse emergency access.")

NOTICES = {
    "granted": N_("Done: the professional can now see what you chose."),
    "revoked": N_("Done: the access was withdrawn. The professional can no longer see the "
                  "record."),
    "doctor": N_("Done: your treating doctor is recorded."),
    "doctor-removed": N_("Done: you no longer have a treating doctor in Carnet."),
    "blocked": N_("Done: this professional is blocked and can no longer see anything. Their "
                  "authorisations have ended."),
    "unblocked": N_("Done: the block is lifted. They see nothing until you authorise them "
                    "again."),
    "opposed": N_("Done: emergency access is now refused."),
    "accepted": N_("Done: emergency access is allowed again."),
}


def sharing_url(patient_id: str | int, done: str | None = None) -> str:
    url = record_url(patient_id, "sharing")
    return f"{url}?done={done}" if done else url


async def _sharing(request: Request, frame: dict[str, Any], *, notice: str | None = None,
                   errors: list[str] | None = None, status_code: int = 200) -> Response:
    data, problems = await graphql_client.run(request, "SharingPage", {"id": frame["patient_id"]})
    if problems:
        return refusal(request, problems)
    grants = data["grants"]["items"]
    context = {
        **frame, "current_section": "sharing", "words": Words(language_of(request)),
        "current": [g for g in grants if g["status"] == "ACTIVE"],
        "past": [g for g in grants if g["status"] != "ACTIVE"][:PAST_SHOWN],
        "past_count": sum(1 for g in grants if g["status"] != "ACTIVE"),
        "doctor": data["treatingDoctor"], "blocked": data["blockedProfessionals"] or [],
        "opposed": data["emergencyAccessOpposed"], "emergencies": data["emergencyAccesses"],
        "notice": NOTICES.get(notice or ""), "errors": errors or [],
        "fragment": is_htmx(request),
    }
    return render(request, "patient/sharing/page.html", context, status_code=status_code,
                  block="sharing")


@record_page
async def page(request: Request, frame: dict[str, Any]) -> Response:
    return await _sharing(request, frame, notice=request.query_params.get("done"))


async def _after(request: Request, frame: dict[str, Any], operation: str,
                 variables: dict[str, Any], done: str) -> Response:
    """Run a change; then the page again (or its fragment), with the notice or the errors."""
    data, problems = await graphql_client.run(request, operation, variables)
    if problems:
        return refusal(request, problems)
    payload = next(iter(data.values()))
    if payload["userErrors"]:
        return await _sharing(request, frame, errors=[e["message"] for e in payload["userErrors"]],
                              status_code=error_status(request))
    if is_htmx(request):
        return await _sharing(request, frame, notice=done)
    return see_other(sharing_url(frame["patient_id"], done))


def _not_found(request: Request) -> Response:
    return render(request, "error.html", {"status": 404}, status_code=404)


@record_page
async def confirm_revoke(request: Request, frame: dict[str, Any]) -> Response:
    """Withdrawing an access asks first: what the professional will no longer see."""
    grant_id = request.query_params.get("grant", "")
    data, problems = await graphql_client.run(request, "SharingPage", {"id": frame["patient_id"]})
    if problems:
        return refusal(request, problems)
    grant = next((g for g in data["grants"]["items"]
                  if g["id"] == grant_id and g["status"] == "ACTIVE"), None)
    if grant is None:
        return _not_found(request)
    context = {**frame, "current_section": "sharing", "grant": grant,
               "who": person(grant["professional"]), "words": Words(language_of(request)),
               "fragment": is_htmx(request)}
    return render(request, "patient/sharing/revoke.html", context, block="confirm")


async def _is_grant_of(request: Request, patient_id: str, grant_id: str) -> bool:
    """Whether the grant was given for this record (a parent manages their own and their
    child's: a grant of one is not withdrawn from the other's page)."""
    after: str | None = None
    while True:
        data, problems = await graphql_client.run(request, "RecordGrantIds",
                                                  {"id": patient_id, "after": after})
        page = data.get("grants") if not problems else None
        if not page:
            return False
        if any(grant["id"] == grant_id for grant in page["items"]):
            return True
        if not page["pageInfo"]["hasNextPage"]:
            return False
        after = page["pageInfo"]["endCursor"]


@record_form
async def revoke(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    grant_id = chosen_id(form, "grant")
    if grant_id is None or not await _is_grant_of(request, frame["patient_id"], grant_id):
        return _not_found(request)
    return await _after(request, frame, "RevokeGrant", {"grantId": grant_id}, "revoked")


@record_form
async def designate_doctor(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    professional_id = chosen_id(form, "professional")
    if professional_id is None:
        return _not_found(request)
    return await _after(request, frame, "DesignateTreatingDoctor",
                        {"patientId": frame["patient_id"], "professionalId": professional_id},
                        "doctor")


@record_form
async def remove_doctor(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    return await _after(request, frame, "RemoveTreatingDoctor",
                        {"patientId": frame["patient_id"]}, "doctor-removed")


@record_page
async def confirm_block(request: Request, frame: dict[str, Any]) -> Response:
    """Blocking asks first, and says what it ends: nothing comes back on unblocking."""
    professional_id = request.query_params.get("professional", "")
    if id_or_none(professional_id) is None:
        return _not_found(request)
    data, problems = await graphql_client.run(
        request, "BlockForm", {"id": frame["patient_id"], "professionalId": professional_id})
    if problems or not data.get("professional"):
        return refusal(request, problems) if problems else _not_found(request)
    professional = data["professional"]
    live = [g for g in data["grants"]["items"]
            if g["status"] == "ACTIVE" and g["professional"]["id"] == professional["id"]]
    doctor = data["treatingDoctor"]
    context = {**frame, "current_section": "sharing", "professional": professional,
               "who": person(professional), "words": Words(language_of(request)),
               "grant": live[0] if live else None,
               "is_doctor": bool(doctor and doctor["professional"]["id"] == professional["id"]),
               "fragment": is_htmx(request)}
    return render(request, "patient/sharing/block.html", context, block="confirm")


@record_form
async def block(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    professional_id = chosen_id(form, "professional")
    if professional_id is None:
        return _not_found(request)
    return await _after(request, frame, "BlockProfessional",
                        {"patientId": frame["patient_id"], "professionalId": professional_id},
                        "blocked")


@record_form
async def unblock(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    professional_id = chosen_id(form, "professional")
    if professional_id is None:
        return _not_found(request)
    return await _after(request, frame, "UnblockProfessional",
                        {"patientId": frame["patient_id"], "professionalId": professional_id},
                        "unblocked")


@record_form
async def emergency_opposition(request: Request, frame: dict[str, Any],
                               form: FormData) -> Response:
    choice = form.get("opposed")
    if choice not in ("yes", "no"):
        message = translations(language_of(request)).gettext(CHOOSE_OPPOSITION)
        return await _sharing(request, frame, errors=[message],
                              status_code=error_status(request))
    opposed = choice == "yes"
    return await _after(request, frame, "SetEmergencyOpposition",
                        {"patientId": frame["patient_id"], "opposed": opposed},
                        "opposed" if opposed else "accepted")


routes = [
    Route("/records/{patient_id:int}/sharing", page, methods=["GET"]),
    Route("/records/{patient_id:int}/sharing/revoke", confirm_revoke, methods=["GET"]),
    Route("/records/{patient_id:int}/sharing/revoke", revoke, methods=["POST"]),
    Route("/records/{patient_id:int}/sharing/doctor", designate_doctor, methods=["POST"]),
    Route("/records/{patient_id:int}/sharing/doctor/remove", remove_doctor, methods=["POST"]),
    Route("/records/{patient_id:int}/sharing/block", confirm_block, methods=["GET"]),
    Route("/records/{patient_id:int}/sharing/block", block, methods=["POST"]),
    Route("/records/{patient_id:int}/sharing/unblock", unblock, methods=["POST"]),
    Route("/records/{patient_id:int}/sharing/emergency", emergency_opposition, methods=["POST"]),
]
