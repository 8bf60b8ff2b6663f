"""Per-request DataLoaders for the consent facts, so N patients cost a fixed number of queries.

They live in ``context.loaders`` (one request, one viewer). Code that changes a relation
(a grant, a break-glass access) calls ``forget_rights`` so the rest of the request sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from strawberry.dataloader import DataLoader

from api.consent.facts import Rights, ViewerFacts
from api.consent.rights import ProfessionalRow, load_facts, load_viewer_facts
from api.graphql.viewer import Viewer
from api.identity.models import Patient


class ViewerFactsByAccountIdLoader(DataLoader[int, ViewerFacts]):
    """The signed-in viewer's facts, loaded once however many fields ask at the same time."""

    def __init__(self, viewer: Viewer) -> None:
        super().__init__(load_fn=self._load)
        self.viewer = viewer

    async def _load(self, account_ids: Sequence[int]) -> list[ViewerFacts]:
        facts = await load_viewer_facts(self.viewer)
        return [facts for _ in account_ids]


# In ``context.loaders``: the viewing professional's row (a ProfessionalRow), once the facts
# statement has read it; the access history takes the name it writes from there.
PROFESSIONAL_ROW = "consent.professional_row"


def known_professional(loaders: dict[str, Any], account_id: int) -> ProfessionalRow | None:
    """The viewing professional's row if this request's facts statement read it."""
    row = loaders.get(PROFESSIONAL_ROW)
    return row if isinstance(row, ProfessionalRow) and row.account_id == account_id else None


def _patient_id(patient: Patient) -> int:
    return patient.id


class RightsByPatientIdLoader(DataLoader[Patient, Rights]):
    """The viewer's rights on each patient asked for in the same tick, in one batch.

    The same statement gives the viewer's own facts: they are primed in the request's
    ViewerFactsByAccountIdLoader, which then needs no statement of its own; and the
    professional's row, kept under ``PROFESSIONAL_ROW`` for the access history.
    """

    def __init__(self, viewer: Viewer, loaders: dict[str, Any] | None = None) -> None:
        super().__init__(load_fn=self._load, cache_key_fn=_patient_id)
        self.viewer = viewer
        self.loaders = loaders

    async def _load(self, patients: Sequence[Patient]) -> list[Rights]:
        viewer_facts, by_id, professional = await load_facts(self.viewer, patients)
        if self.loaders is not None:
            viewer_facts_loader(self.loaders, self.viewer).prime(self.viewer.account_id,
                                                                 viewer_facts)
            if professional is not None:
                self.loaders[PROFESSIONAL_ROW] = professional
        return [by_id[patient.id] for patient in patients]


def _loader(loaders: dict[str, Any], name: str, viewer: Viewer, cls: type[Any]) -> Any:
    loader = loaders.get(name)
    if loader is None or loader.viewer is not viewer:
        loader = loaders[name] = cls(viewer)
    return loader


def viewer_facts_loader(loaders: dict[str, Any], viewer: Viewer) -> ViewerFactsByAccountIdLoader:
    return cast(
        ViewerFactsByAccountIdLoader,
        _loader(loaders, "ViewerFactsByAccountIdLoader", viewer, ViewerFactsByAccountIdLoader),
    )


def rights_loader(loaders: dict[str, Any], viewer: Viewer) -> RightsByPatientIdLoader:
    loader = loaders.get("RightsByPatientIdLoader")
    if loader is None or loader.viewer is not viewer:
        loader = loaders["RightsByPatientIdLoader"] = RightsByPatientIdLoader(viewer, loaders)
    return cast(RightsByPatientIdLoader, loader)


def forget_rights(loaders: dict[str, Any], patient: Patient) -> None:
    """Drop the cached rights on this patient: the next check reloads them."""
    loader = loaders.get("RightsByPatientIdLoader")
    if loader is not None:
        loader.clear(patient)


async def facts_of(loaders: dict[str, Any], viewer: Viewer, patient: Patient
                   ) -> tuple[ViewerFacts, Rights]:
    """The viewer's facts and rights on this patient, through the request's loaders: one
    statement for both (the rights first: their statement primes the viewer's facts)."""
    rights = await rights_loader(loaders, viewer).load(patient)
    facts = await viewer_facts_loader(loaders, viewer).load(viewer.account_id)
    return facts, rights
