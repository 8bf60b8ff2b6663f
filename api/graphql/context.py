"""The per-request GraphQL context: who asks, in which language, with which loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from api.graphql.errors import NotAuthenticated
from api.graphql.viewer import AppIdentity, Viewer
from api.settings import Settings


@dataclass
class Context:
    settings: Settings
    viewer: Viewer | None
    language: str = "fr"
    # DataLoaders are created on first use and live for this request only.
    loaders: dict[str, Any] = field(default_factory=dict)

    # Every (patient, section, action, basis) this request touched: the access history
    # is written from it once per request.
    accesses: set[tuple[int, str, str, str]] = field(default_factory=set)
    # The accesses already written to the history (or dropped because their write rolled
    # back): api.audit.log writes only the rest.
    audited: set[tuple[int, str, str, str]] = field(default_factory=set)

    # Set for requests over HTTP only; pages run their operations in-process without them.
    # The response being built: extensions add headers (RateLimit) and the status (429).
    http_response: Any = None
    # The cost points left to this app for this person (api.graphql.ratelimit.CostBudget).
    cost_budget: Any = None

    def note_access(self, patient_id: int, section: Any, action: Any, decision: Any) -> None:
        basis = decision.basis.value if decision.basis is not None else ""
        self.accesses.add((patient_id, str(section.value), str(action.value), basis))

    @property
    def app(self) -> AppIdentity | None:
        """The app acting for the viewer, on a bearer request; None otherwise."""
        return self.viewer.app if self.viewer is not None else None

    @property
    def client_app(self) -> str | None:
        """The client id of the app behind a bearer token (None: a browser session or no one)."""
        return self.app.client_id if self.app is not None else None

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            raise NotAuthenticated("Sign in first.")
        return self.viewer


Info = StrawberryInfo[Context, None]
