"""The operations registered for an app, and the allowlist they make in allowlist mode.

Registering adds to the app's list (an app's older releases keep working) and, unless
told otherwise, turns allowlist mode on: from then on the app's tokens run only the
operations on its list. `--allowlist off` keeps the list as known persisted queries
without the restriction.
"""

from __future__ import annotations

from api import clock
from api.oauth.models import AppOperation, OAuthApp
from api.oauth.operation_file import Operation


class UnknownApp(LookupError):
    pass


async def register_operations(client_id: str, operations: list[Operation],
                              allowlist: bool | None) -> OAuthApp:
    """Add ``operations`` to the app's list; ``allowlist`` None leaves the mode as it is."""
    app = await OAuthApp.get_or_none(client_id=client_id)
    if app is None:
        raise UnknownApp(client_id)
    known = set(await AppOperation.filter(app_id=app.id).values_list("sha256", flat=True))
    new = {op.sha256: op for op in operations if op.sha256 not in known}
    if new:
        now = clock.now()
        await AppOperation.bulk_create([
            AppOperation(app_id=app.id, name=op.name, sha256=op.sha256, query=op.query,
                         created_at=now) for op in new.values()])
    if allowlist is not None and app.allowlist_mode != allowlist:
        app.allowlist_mode = allowlist
        await app.save(update_fields=["allowlist_mode"])
    return app


async def operations_of(client_id: str) -> list[AppOperation]:
    return await AppOperation.filter(app__client_id=client_id).order_by("name", "id")


class RegisteredOperations:
    """The operations of the app behind one request (api.graphql.persisted asks it).

    Looked up by hash, at most once per hash per request.
    """

    def __init__(self, client_id: str, allowlist: bool) -> None:
        self.client_id = client_id
        self.allowlist = allowlist
        self._queries: dict[str, str | None] = {}

    async def query_for(self, sha256: str) -> str | None:
        if sha256 not in self._queries:
            rows = await AppOperation.filter(
                app__client_id=self.client_id, sha256=sha256).values_list("query", flat=True)
            self._queries[sha256] = str(rows[0]) if rows else None
        return self._queries[sha256]
