"""The per-request GraphQL context: who asks, in which language, with which loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from api.graphql.errors import NotAuthenticated
from api.graphql.viewer import AppIdentity, Viewer
from api.settings import Settings

L = TypeVar("L", bound=DataLoader[Any, Any])


class Loaders:
    """This request's DataLoaders, one per class, each made on first use and kept until the
    request ends: `context.loaders.get(AuthorByAccountIdLoader)`. The class is the key, so
    the answer is typed and no two places can pick the same name for different things. Only
    loaders live here: anything else a request remembers is a field of the Context.
    """

    def __init__(self) -> None:
        self._made: dict[type[Any], DataLoader[Any, Any]] = {}

    def get(self, kind: type[L], make: Callable[[], L] | None = None,
            fits: Callable[[L], bool] | None = None) -> L:
        """The request's `kind` loader, made by `make` (default: `kind()`) when there is none
        yet, or when the one there does not `fit` (e.g. it was made for another viewer)."""
        found = cast("L | None", self._made.get(kind))
        if found is None or (fits is not None and not fits(found)):
            found = (make or cast("Callable[[], L]", kind))()
            self._made[kind] = found
        return found

    def existing(self, kind: type[L]) -> L | None:
        """The request's `kind` loader if one was made, without making one."""
        return cast("L | None", self._made.get(kind))


@dataclass
class Context:
    settings: Settings
    viewer: Viewer | None
    language: str = "fr"
    # DataLoaders are created on first use and live for this request only.
    loaders: Loaders = field(default_factory=Loaders)
    # The conversations whose reading this request wrote to the access history already.
    conversations_read: set[int] = field(default_factory=set)

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
