"""Directives of many patients in one statement (a list of children, a whole record)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from api.graphql.context import Context
from api.records.directives.models import Directives


class DirectivesByPatientIdLoader(DataLoader[int, Directives | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, patient_ids: Sequence[int]) -> list[Directives | None]:
        rows = await Directives.filter(patient_id__in=list(patient_ids))
        by_patient = {row.patient_id: row for row in rows}
        return [by_patient.get(patient_id) for patient_id in patient_ids]


def directives_loader(context: Context) -> DirectivesByPatientIdLoader:
    return context.loaders.get(DirectivesByPatientIdLoader)
