"""Provenance: who wrote each entry and when (the patient, a parent, or a professional)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from tortoise import fields
from tortoise.models import Model

from api import clock
from api.graphql.context import Context
from api.identity.models import Account, Patient, Professional


class ProvenanceMixin(Model):
    """Columns every record entry carries; set them with `stamp_created` / `stamp_updated`."""

    created_at = fields.DatetimeField()
    created_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField()
    updated_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # Brought in from a FHIR file (api/exchange/fhir) by `created_by`, rather than typed;
    # `imported_as` is the identifier it came with (system|value), so a second import of the
    # same file adds nothing.
    imported = fields.BooleanField(default=False, db_default=False)
    imported_as = fields.CharField(max_length=200, null=True)

    class Meta:
        abstract = True


def stamp_created(values: dict[str, Any], account_id: int) -> dict[str, Any]:
    moment = clock.now()
    return {**values, "created_at": moment, "created_by_id": account_id,
            "updated_at": moment, "updated_by_id": account_id}


def import_marks(identifier: str | None) -> dict[str, Any]:
    """The columns of an entry brought in from a FHIR file with this identifier."""
    return {"imported": True, "imported_as": identifier}


def stamp_updated(entry: Any, account_id: int) -> list[str]:
    entry.updated_at = clock.now()
    entry.updated_by_id = account_id
    return ["updated_at", "updated_by_id"]


@strawberry.type(description="Who wrote or changed an entry.")
class Author:
    name: str
    role: str = strawberry.field(description="patient, representative or professional")
    profession: str | None


class AuthorByAccountIdLoader(DataLoader[int, Author | None]):
    """Authors of many entries in two queries, whatever the number of entries."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, ids: Sequence[int]) -> list[Author | None]:
        pros = {p.account_id: p for p in await Professional.filter(account_id__in=list(ids))}
        patients = {p.account_id: p for p in await Patient.filter(account_id__in=list(ids))}
        found: list[Author | None] = []
        for account_id in ids:
            if account_id in pros:
                pro = pros[account_id]
                found.append(Author(name=pro.display_name,
                                    role="professional", profession=pro.profession))
            elif account_id in patients:
                found.append(Author(name=patients[account_id].display_name,
                                    role="patient", profession=None))
            else:
                found.append(None)
        return found


def author_loader(context: Context) -> AuthorByAccountIdLoader:
    return context.loaders.get(AuthorByAccountIdLoader)


@strawberry.type(description="When and by whom an entry was created and last changed.")
class Provenance:
    created_at: datetime
    updated_at: datetime
    created_by_id: strawberry.Private[int | None]
    updated_by_id: strawberry.Private[int | None]
    imported: bool = strawberry.field(
        default=False, description="Brought in from a FHIR file by `createdBy`, not typed.")

    @strawberry.field
    async def created_by(self, info: strawberry.Info[Context, None]) -> Author | None:
        return None if self.created_by_id is None else await author_loader(info.context).load(
            self.created_by_id)

    @strawberry.field
    async def updated_by(self, info: strawberry.Info[Context, None]) -> Author | None:
        return None if self.updated_by_id is None else await author_loader(info.context).load(
            self.updated_by_id)

    @classmethod
    def of(cls, entry: Any) -> Provenance:
        return cls(created_at=entry.created_at, updated_at=entry.updated_at,
                   created_by_id=entry.created_by_id, updated_by_id=entry.updated_by_id,
                   imported=bool(getattr(entry, "imported", False)))
