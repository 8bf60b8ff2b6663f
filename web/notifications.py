"""Every signed-in account's notifications, newest first (a professional's too: the
treating doctor is told of an emergency access here)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web import graphql_client
from web.forms import form_handler, see_other
from web.guards import signed_in
from web.templating import render


@signed_in()
async def notifications_page(request: Request) -> Response:
    data, problems = await graphql_client.run(request, "MyNotifications")
    page = (data or {}).get("notifications") or {"items": [], "totalCount": 0}
    return render(request, "notifications.html", {
        "items": page["items"], "total": page["totalCount"],
        "unread": (data or {}).get("unreadNotificationCount") or 0,
        "done": request.query_params.get("done") == "read",
        "failed": bool(problems),
    }, status_code=503 if problems and not data else 200)


@signed_in()
@form_handler
async def mark_all_read(request: Request, form: FormData) -> Response:
    await graphql_client.run(request, "MarkAllNotificationsRead")
    return see_other("/notifications?done=read")


routes = [
    Route("/notifications", notifications_page, methods=["GET"]),
    Route("/notifications/read", mark_all_read, methods=["POST"]),
]
