"""Per-request DataLoaders for the consent facts, so N patients cost a fixed number of queries.

They live in ``context.loaders`` (one request, one viewer). Code that changes a relation
(a grant, a break-glass access) calls ``forget_rights`` so the rest of the request sees it.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from api.consent.facts import Rights, ViewerFacts
from api.consent.rights import ProfessionalRow, load_facts, load_viewer_facts
from api.graphql.context import Loaders
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


def known_professional(loaders: Loaders, account_id: int) -> ProfessionalRow | None:
    """The viewing professional's row if this request's facts statement read it (the access
    history takes the name it writes from there)."""
    rights = loaders.existing(RightsByPatientIdLoader)
    row = rights.professional if rights is not None else None
    return row if row is not None and row.account_id == account_id else None


def _patient_id(patient: Patient) -> int:
    return patient.id


class RightsByPatientIdLoader(DataLoader[Patient, Rights]):
    """The viewer's rights on each patient asked for in the same tick, in one batch.

    The same statement gives the viewer's own facts: they are primed in the request's
    ViewerFactsByAccountIdLoader, which then needs no statement of its own; and the
    professional's row, kept in ``professional`` for the access history.
    """

    def __init__(self, viewer: Viewer, loaders: Loaders | None = None) -> None:
        super().__init__(load_fn=self._load, cache_key_fn=_patient_id)
        self.viewer = viewer
        self.loaders = loaders
        self.professional: ProfessionalRow | None = None

    async def _load(self, patients: Sequence[Patient]) -> list[Rights]:
        viewer_facts, by_id, professional = await load_facts(self.viewer, patients)
        if self.loaders is not None:
            viewer_facts_loader(self.loaders, self.viewer).prime(self.viewer.account_id,
                                                                 viewer_facts)
        if professional is not None:
            self.professional = professional
        return [by_id[patient.id] for patient in patients]


def viewer_facts_loader(loaders: Loaders, viewer: Viewer) -> ViewerFactsByAccountIdLoader:
    return loaders.get(ViewerFactsByAccountIdLoader, lambda: ViewerFactsByAccountIdLoader(viewer),
                       fits=lambda loader: loader.viewer is viewer)


def rights_loader(loaders: Loaders, viewer: Viewer) -> RightsByPatientIdLoader:
    return loaders.get(RightsByPatientIdLoader, lambda: RightsByPatientIdLoader(viewer, loaders),
                       fits=lambda loader: loader.viewer is viewer)


def forget_rights(loaders: Loaders, patient: Patient) -> None:
    """Drop the cached rights on this patient: the next check reloads them."""
    loader = loaders.existing(RightsByPatientIdLoader)
    if loader is not None:
        loader.clear(patient)


async def facts_of(loaders: Loaders, viewer: Viewer, patient: Patient
                   ) -> tuple[ViewerFacts, Rights]:
    """The viewer's facts and rights on this patient, through the request's loaders: one
    statement for both (the rights first: their statement primes the viewer's facts)."""
    rights = await rights_loader(loaders, viewer).load(patient)
    facts = await viewer_facts_loader(loaders, viewer).load(viewer.account_id)
    return facts, rights
