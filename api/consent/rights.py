"""Loading the facts the policy decides on, once per request and patient.

This is the only place that turns database rows into `ViewerFacts` and `Rights`;
`policy.decide` then answers every question about them without I/O. Loading the rights on
N patients costs the same fixed number of statements as on one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from tortoise.queryset import QuerySet

from api import clock
from api.consent.facts import AppFacts, EmergencyFacts, GrantFacts, Rights, ViewerFacts
from api.consent.models import (
    Block,
    ConsentSettings,
    EmergencyAccess,
    Grant,
    TreatingDoctor,
    decode_sections,
)
from api.consent.sections import Action, Profession, Section
from api.identity.models import Guardianship, Patient, Professional, Role
from api.identity.viewer import AppIdentity, Viewer


def eighteenth_birthday(birth_date: date) -> datetime:
    try:
        day = birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born on 29 February
        day = date(birth_date.year + 18, 3, 1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def owner_account_id(patient: Patient) -> int | None:
    """The account that owns the record; None for a child managed by a parent."""
    return patient.account_id


async def _patient_ids(query: QuerySet[Any]) -> set[int]:
    return set(cast(list[int], await query.values_list("patient_id", flat=True)))


async def load_viewer_facts(viewer: Viewer) -> ViewerFacts:
    professional = await Professional.filter(account_id=viewer.account_id).first()
    profession = Profession(professional.profession) if professional else None
    return ViewerFacts(account_id=viewer.account_id, professional=profession)


def grant_facts(grant: Grant) -> GrantFacts:
    return GrantFacts(
        sections=decode_sections(grant.sections),
        write=grant.write,
        expires_at=grant.expires_at,
        revoked_at=grant.revoked_at,
    )


def app_facts(app: AppIdentity) -> AppFacts:
    """The app's scopes (``allergies.read``...) as the policy reads them."""
    scopes: set[tuple[Section, Action]] = set()
    for scope in app.scopes:
        section, _, action = scope.partition(".")
        try:
            scopes.add((Section(section), Action(action)))
        except ValueError:  # an unknown scope gives nothing
            continue
    return AppFacts(frozenset(scopes))


async def load_rights(viewer: Viewer, patient: Patient) -> Rights:
    """Everything that links this viewer (and the app acting for them) to this patient."""
    return (await load_rights_many(viewer, [patient]))[patient.id]


async def load_rights_many(viewer: Viewer, patients: Sequence[Patient]) -> dict[int, Rights]:
    """`load_rights` for many patients at once, in a fixed number of statements.

    One for guardianships, and for a professional one per kind of relation: grants (all of
    them, expired and revoked included: the policy tells them apart), the treating-doctor
    designation, blocks, break-glass accesses, and emergency oppositions.
    """
    now = clock.now()
    ids = list(dict.fromkeys(p.id for p in patients))
    account_id = viewer.account_id
    represented = await _patient_ids(
        Guardianship.filter(guardian_id=account_id, patient_id__in=ids)
    )
    grants: dict[int, list[GrantFacts]] = {}
    treating: set[int] = set()
    blocked: set[int] = set()
    emergencies: dict[int, EmergencyFacts] = {}
    opposed: set[int] = set()
    # Only a professional account can hold grants, designations, blocks or break-glass.
    if viewer.account.role is Role.PROFESSIONAL and ids:
        mine = {"patient_id__in": ids, "professional__account_id": account_id}
        for grant in await Grant.filter(**mine).order_by("id"):
            grants.setdefault(grant.patient_id, []).append(grant_facts(grant))
        treating = await _patient_ids(TreatingDoctor.filter(**mine))
        blocked = await _patient_ids(Block.filter(**mine))
        # Oldest first, so the latest access of each patient is the one kept.
        for access in await EmergencyAccess.filter(**mine).order_by("opened_at", "id"):
            emergencies[access.patient_id] = EmergencyFacts(access.opened_at, access.expires_at)
        opposed = await _patient_ids(
            ConsentSettings.filter(patient_id__in=ids, emergency_opposed=True)
        )
    app = viewer.app
    scoped = app_facts(app) if app is not None else None
    rights: dict[int, Rights] = {}
    for patient in patients:
        if app is not None and app.patient_id is not None and patient.id != app.patient_id:
            # The app was connected to another record: it has no relation to this one.
            rights[patient.id] = Rights(patient_id=patient.id, now=now, app=scoped)
            continue
        owner = owner_account_id(patient)
        rights[patient.id] = Rights(
            patient_id=patient.id,
            now=now,
            is_owner=owner is not None and owner == account_id,
            representative_until=(
                eighteenth_birthday(patient.birth_date) if patient.id in represented else None
            ),
            grants=tuple(grants.get(patient.id, ())),
            is_treating_doctor=patient.id in treating,
            is_blocked=patient.id in blocked,
            emergency=emergencies.get(patient.id),
            emergency_opposed=patient.id in opposed,
            app=scoped,
        )
    return rights
