"""Who is asking, as every domain sees it: the account behind a request and the app acting
for it, if any.

A value type only, so that the request context (plumbing) names it without importing a
domain: loading it from a session cookie is ``api.identity.viewer``, from a bearer token
``api.oauth.bearer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AppIdentity:
    """An OAuth app acting for the viewer (bearer requests only).

    ``scopes`` are ``<section>.<action>`` strings; ``patient_id`` is the one record the
    person connected the app to, or None when it acts for a professional on every record
    they may reach. ``allowlist``: the app may run only the operations registered for it.
    """

    client_id: str
    name: str
    scopes: frozenset[str]
    patient_id: int | None
    allowlist: bool = False


@dataclass(frozen=True)
class Viewer:
    # An api.identity.models.Account and Session: typed loosely here because plumbing
    # imports no domain.
    account: Any
    session: Any | None
    app: AppIdentity | None = None

    @property
    def account_id(self) -> int:
        return int(self.account.id)
