"""The PDF summaries' addresses, beside the pages of the record they print.

- /records/{id}/emergency.pdf and /records/{id}/summary.pdf: the patient (or a parent, for
  their child's record), linked from the summary page;
- /pro/records/{id}/emergency.pdf and /pro/records/{id}/summary.pdf: a professional, with the
  sections the patient lets them read, linked from the record's page in the workspace.

Both run the summary page's `RecordSummary` operation as the viewer, so the API's policy
decides what is printed and notes each read in the record's access history. A record out of
reach is the same 404 page as its other pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from web.i18n import gettext
from web.messages import N_
from web.paper.summaries import emergency_summary, full_summary
from web.patient.frame import record_page, refusal
from web.patient.summary import load
from web.pro.frame import pro_record_page
from web.templating import language_of

Printer = Callable[[dict[str, Any], list[dict[str, Any]], str, str], bytes]
# The file's name when saved: the kind of summary in the reader's language, no name in it.
FILE_NAMES = {"emergency": N_("emergency-summary"), "summary": N_("health-summary")}


def _pdf(kind: str, printer: Printer) -> Callable[[Request, dict[str, Any]], Any]:
    async def endpoint(request: Request, frame: dict[str, Any]) -> Response:
        data, problems = await load(request, frame["patient_id"])
        if data is None:
            return refusal(request, problems)
        lang = language_of(request)
        owner = data["patient"].get("displayName") or frame["patient"]["displayName"]
        content = printer(data, problems, lang, owner)
        name = gettext(lang, FILE_NAMES[kind])
        return Response(content, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}.pdf"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        })

    endpoint.__name__ = f"{kind}_pdf"
    return endpoint


emergency_pdf = _pdf("emergency", emergency_summary)
summary_pdf = _pdf("summary", full_summary)

routes: list[BaseRoute] = [
    Route("/records/{patient_id:int}/emergency.pdf", record_page(emergency_pdf),
          methods=["GET"]),
    Route("/records/{patient_id:int}/summary.pdf", record_page(summary_pdf), methods=["GET"]),
    Route("/pro/records/{patient_id:int}/emergency.pdf", pro_record_page(emergency_pdf),
          methods=["GET"]),
    Route("/pro/records/{patient_id:int}/summary.pdf", pro_record_page(summary_pdf),
          methods=["GET"]),
]
