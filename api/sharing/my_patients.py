"""A professional's view of the records shared with them: what each one lets them do, and
when they last opened it.

Which records are listed is the policy's sharing rule (``shared_records_filter``, in SQL
through ``api.consent.relation_sql``); what a professional may do in each is asked of the policy
(``decide`` per section and action, on the facts loaded once per request), never worked out
here. The list is ordered
by the professional's own last access, newest first; records never opened come last, the
most recently shared first. It costs a fixed number of statements whatever its length:
the relations, the last accesses, the page's patients, then the rights of the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.dataloader import DataLoader
from tortoise.expressions import Q
from tortoise.functions import Max

from api import clock
from api.audit.models import AccessEvent
from api.consent.facts import RelationFilter, Rights, ViewerFacts
from api.consent.permissions import SectionEnum, facts_for, viewer_facts
from api.consent.policy import decide, grant_expired_at, shared_records_filter
from api.consent.relation_sql import shared_condition, shared_designations, shared_grants
from api.consent.sections import Action, Basis, Section
from api.graphql.common import Page, decode_number_cursor, encode_cursor, page_of, page_size
from api.graphql.context import Info
from api.identity.models import Patient
from api.records.types import PatientType

# An access event that read nothing but the name (the list of patients itself, a lookup)
# is not "opening the record": counting it would put every listed patient first.
NAME_ONLY = Section.IDENTITY.value


@strawberry.type(name="SectionAccess", description="What the signed-in professional may do "
                 "in one section of a record, as the policy decides it now.")
class SectionAccessType:
    section: SectionEnum  # type: ignore[valid-type]
    read: bool
    write: bool
    ended_at: datetime | None = strawberry.field(description="When the grant that opened this "
                                                 "section expired, if it did and nothing else "
                                                 "opens it now; null otherwise.")


@strawberry.type(name="SharedRecord", description="A record as the signed-in professional "
                 "may use it: the sections they may read or change, until when, on what basis, "
                 "and when they last opened it.")
class SharedRecordType:
    patient: PatientType
    sections: list[SectionAccessType]
    treating_doctor: bool = strawberry.field(
        description="Whether the patient chose the viewer as treating doctor.")
    access_until: datetime | None = strawberry.field(
        description="When the latest current grant ends; null when none is current (a "
                    "treating doctor's access has no end date).")
    shared_since: datetime | None = strawberry.field(
        description="When the current relation began: the newest current grant or the "
                    "designation as treating doctor.")
    emergency_until: datetime | None = strawberry.field(
        description="When the emergency (break-glass) access that opens the "
        "record to the viewer ends; null when no emergency access opens it now.")
    last_accessed_by_me: datetime | None = strawberry.field(
        description="When the viewer last read or changed something in the record beyond its "
                    "name (listing patients does not count); null if never.")

    @strawberry.field(description="The sections the viewer may read, in the record's order.")
    def readable_sections(self) -> list[SectionEnum]:  # type: ignore[valid-type]
        return [access.section for access in self.sections if access.read]

    @strawberry.field(description="The sections the viewer may change, in the record's order.")
    def writable_sections(self) -> list[SectionEnum]:  # type: ignore[valid-type]
        return [access.section for access in self.sections if access.write]


def emergency_until(viewer: ViewerFacts, rights: Rights) -> datetime | None:
    """The end of the break-glass access, when it is what opens some section now."""
    decisions = [decide(viewer, rights, section, Action.READ) for section in Section]
    # Through an app (the professional's software), the basis the professional acts on.
    opened = any((d.delegated_basis or d.basis) is Basis.EMERGENCY for d in decisions)
    return rights.emergency.expires_at if opened and rights.emergency else None


def section_accesses(viewer: ViewerFacts, rights: Rights) -> list[SectionAccessType]:
    """Each section as the policy decides it for this viewer now."""
    accesses = []
    for section in Section:
        read = decide(viewer, rights, section, Action.READ)
        write = decide(viewer, rights, section, Action.WRITE)
        # An expired grant of the viewer's own explains the refusal, whatever else is
        # current; a block never reaches here.
        ended = None if read.allowed or read.not_found else grant_expired_at(rights, section)
        accesses.append(SectionAccessType(section=section, read=read.allowed,
                                          write=write.allowed, ended_at=ended))
    return accesses


def _current_grants(rights: Rights) -> list[Any]:
    return [g for g in rights.grants if g.live_at(rights.now)]


async def _sharing_rule(info: Info) -> RelationFilter:
    """Which records are shared with the viewer now: the policy's rule, to filter in SQL."""
    return shared_records_filter(await viewer_facts(info.context), clock.now())


async def shared_record(info: Info, patient: Patient, shared_since: datetime | None,
                        last_access: datetime | None) -> SharedRecordType:
    viewer, rights = await facts_for(info.context, patient)
    current = _current_grants(rights)
    return SharedRecordType(
        patient=PatientType.from_model(patient), sections=section_accesses(viewer, rights),
        treating_doctor=rights.is_treating_doctor,
        access_until=max((g.expires_at for g in current), default=None),
        shared_since=shared_since, last_accessed_by_me=last_access,
        emergency_until=emergency_until(viewer, rights))


def _relations(rule: RelationFilter) -> tuple[Any, Any]:
    """The grants and designations that share records with the viewer, as the policy says."""
    return shared_grants(rule), shared_designations(rule)


async def _since_by_patient(rule: RelationFilter,
                            patient_ids: list[int] | None = None) -> dict[int, datetime]:
    """Every patient (of ``patient_ids``, if given) with a current relation to the
    professional, and when it began: two statements."""
    grants, treating = _relations(rule)
    if patient_ids is not None:
        grants, treating = grants.filter(patient_id__in=patient_ids), \
            treating.filter(patient_id__in=patient_ids)
    rows = list(await grants.values_list("patient_id", "created_at"))
    rows += await treating.values_list("patient_id", "designated_at")
    since: dict[int, datetime] = {}
    for patient_id, moment in rows:
        since[patient_id] = max(since.get(patient_id, moment), moment)
    return since


async def last_accesses(account_id: int, patients: Q) -> dict[int, datetime]:
    """When the account last opened each record of ``patients`` (beyond its name), in one
    statement."""
    rows = await (AccessEvent.filter(patients, viewer_account_id=account_id)
                  .exclude(sections=NAME_ONLY).group_by("patient_id")
                  .annotate(last=Max("occurred_at")).values_list("patient_id", "last"))
    return {int(patient_id): cast(datetime, last) for patient_id, last in rows}


def _ordered(since: dict[int, datetime], last: dict[int, datetime]) -> list[int]:
    """Most recently opened first; never opened last, the most recently shared first."""
    def key(patient_id: int) -> tuple[int, float, float, int]:
        opened = last.get(patient_id)
        return (0 if opened else 1, -(opened.timestamp() if opened else 0),
                -since[patient_id].timestamp(), patient_id)
    return sorted(since, key=key)


async def my_patients(info: Info, first: int | None,
                      after: str | None) -> Page[SharedRecordType]:
    account_id = info.context.require_viewer().account_id
    size, offset = page_size(first), decode_number_cursor(after) or 0
    rule = await _sharing_rule(info)
    since = await _since_by_patient(rule)
    # The related records as subqueries: a list of thousands of ids would not fit.
    related = shared_condition(rule, "patient_id")
    last = await last_accesses(account_id, related) if since else {}
    window = _ordered(since, last)[offset:offset + size + 1]
    by_id = {p.id: p for p in await Patient.filter(id__in=window)} if window else {}
    rows = [by_id[patient_id] for patient_id in window if patient_id in by_id]
    # Together, so the rights of the whole page load in one batch.
    records = await asyncio.gather(*(shared_record(info, p, since[p.id], last.get(p.id))
                                     for p in rows))
    positions = {id(record): offset + n + 1 for n, record in enumerate(records)}
    return page_of(records, size, len(since), lambda r: encode_cursor(positions[id(r)]))


class LastAccessByPatientIdLoader(DataLoader[int, datetime | None]):
    """The viewer's last access to each record asked for in the same tick, in one batch."""

    def __init__(self, account_id: int) -> None:
        super().__init__(load_fn=self._load)
        self.account_id = account_id

    async def _load(self, patient_ids: Sequence[int]) -> list[datetime | None]:
        found = await last_accesses(self.account_id, Q(patient_id__in=list(patient_ids)))
        return [found.get(patient_id) for patient_id in patient_ids]


def last_access_loader(info: Info) -> LastAccessByPatientIdLoader:
    account_id = info.context.require_viewer().account_id
    return info.context.loaders.get(LastAccessByPatientIdLoader,
                                    lambda: LastAccessByPatientIdLoader(account_id),
                                    fits=lambda loader: loader.account_id == account_id)


async def one_shared_record(info: Info, patient: Patient) -> SharedRecordType:
    """One record as the viewer may use it (the caller checked it is within reach)."""
    rule = await _sharing_rule(info)
    since = (await _since_by_patient(rule, [patient.id])).get(patient.id)
    last = await last_access_loader(info).load(patient.id)
    return await shared_record(info, patient, since, last)
