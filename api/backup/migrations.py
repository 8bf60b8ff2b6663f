"""Which schema migrations this code knows, and how an archive's compare with them."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from api.settings import DOMAIN_APPS

MIGRATIONS_TABLE = "tortoise_migrations"


def known_migrations() -> dict[str, list[str]]:
    """Every migration of this code, per app label, in name order."""
    known: dict[str, list[str]] = {}
    for label, (_, package) in DOMAIN_APPS.items():
        module = importlib.import_module(package)
        known[label] = sorted(info.name for info in pkgutil.iter_modules(module.__path__)
                              if not info.ispkg)
    return known


def applied_from_rows(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The rows of the migrations table as {app: [names]}."""
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


@dataclass(frozen=True)
class SchemaComparison:
    unknown: list[str]  # in the archive, not in this code: a newer schema
    missing: list[str]  # in this code, not in the archive: an older schema, to migrate

    @property
    def newer(self) -> bool:
        return bool(self.unknown)

    @property
    def older(self) -> bool:
        return bool(self.missing)


def compare(archive: dict[str, list[str]],
            known: dict[str, list[str]] | None = None) -> SchemaComparison:
    known = known_migrations() if known is None else known
    have = {(app, name) for app, names in archive.items() for name in names}
    code = {(app, name) for app, names in known.items() for name in names}
    return SchemaComparison(unknown=sorted(f"{a}.{n}" for a, n in have - code),
                            missing=sorted(f"{a}.{n}" for a, n in code - have))


def latest_targets(archive: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(app, newest migration) for each app of the archive: the state to rebuild first."""
    return [(app, max(names)) for app, names in sorted(archive.items()) if names]
