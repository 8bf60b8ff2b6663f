"""The scopes an app can ask for: ``<section>.read`` and ``<section>.write`` for every section,
plus ``documents.deposit`` and ``fhir.export`` (the whole record as one FHIR file, holding
what the read scopes reach). A scope is exact: a write scope gives no read.
"""

from __future__ import annotations

from api.consent.sections import EXPORT_SCOPE, Action, Section

DEPOSIT_SCOPE = f"{Section.DOCUMENTS.value}.{Action.DEPOSIT.value}"

ALL_SCOPES: tuple[str, ...] = (
    *(f"{section.value}.{action.value}" for section in Section
      for action in (Action.READ, Action.WRITE)),
    DEPOSIT_SCOPE,
    EXPORT_SCOPE,
)
_KNOWN = frozenset(ALL_SCOPES)


class UnknownScope(ValueError):
    """A scope that is not in ``ALL_SCOPES``."""


def split_scopes(text: str | None) -> list[str]:
    """The scopes of a space-separated string, in the canonical order, without repeats."""
    asked = set((text or "").split())
    unknown = sorted(asked - _KNOWN)
    if unknown:
        raise UnknownScope(", ".join(unknown))
    return [scope for scope in ALL_SCOPES if scope in asked]


def join_scopes(scopes: list[str] | set[str] | frozenset[str] | tuple[str, ...]) -> str:
    return " ".join(scope for scope in ALL_SCOPES if scope in set(scopes))


def section_and_action(scope: str) -> tuple[Section, Action]:
    section, action = scope.split(".", 1)
    return Section(section), Action(action)
