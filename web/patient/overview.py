"""The overview of a record: what is in it and who can see it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from web.patient.frame import record_page
from web.templating import render


@record_page
async def overview(request: Request, frame: dict[str, Any]) -> Response:
    return render(request, "patient/overview.html", {**frame, "current_section": ""})
