"""Changing who may see the record: grants, the treating doctor, blocks, emergency opposition.

These services trust their caller to have checked that the viewer manages the patient's
consent (``api.consent.guard``). Each returns the problems it found; when there is any,
nothing was changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from api import clock
from api.consent.matrix import MATRIX
from api.consent.models import (
    Block,
    ConsentSettings,
    Grant,
    GrantEndReason,
    TreatingDoctor,
    encode_sections,
)
from api.consent.relation_sql import live_grants
from api.consent.rights import grant_facts
from api.consent.sections import Action, Profession, Section
from api.dates import one_year_after
from api.graphql.common import Problem
from api.identity.models import Patient, Professional


def as_utc(moment: datetime) -> datetime:
    """A client's date-time without an offset is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


async def _professional(professional_id: int, problems: list[Problem]) -> Professional | None:
    professional = await Professional.get_or_none(id=professional_id)
    if professional is None:
        problems.append(Problem("professionalId", "PROFESSIONAL_NOT_FOUND"))
    return professional


def _refuse_without_account(professional: Professional | None, problems: list[Problem]) -> None:
    """Directory entries with no account cannot sign in: granting them would sit unused."""
    if professional is not None and professional.account_id is None:
        problems.append(Problem("professionalId", "PROFESSIONAL_NOT_ON_CARNET"))


async def _refuse_if_blocked(
    patient: Patient, professional: Professional | None, problems: list[Problem]
) -> None:
    if professional is not None and await Block.exists(
        patient_id=patient.id, professional_id=professional.id
    ):
        problems.append(Problem("professionalId", "PROFESSIONAL_BLOCKED"))


def _section_problems(profession: Profession | None, chosen: frozenset[Section]) -> list[Problem]:
    if not chosen:
        return [Problem("sections", "NO_SECTIONS")]
    if profession is None:
        return []
    never = frozenset(s for s in chosen if not MATRIX.allows(profession, s, Action.READ))
    if not never:
        return []
    params = {"sections": encode_sections(never), "profession": profession.value}
    return [Problem("sections", "SECTIONS_NOT_ALLOWED", params)]


def _expiry(expires_at: datetime | None, now: datetime, problems: list[Problem]) -> datetime:
    latest = one_year_after(now)
    if expires_at is None:
        return latest
    end = as_utc(expires_at)
    if end <= now:
        problems.append(Problem("expiresAt", "EXPIRY_IN_PAST"))
    elif end > latest:
        problems.append(Problem("expiresAt", "EXPIRY_TOO_LATE"))
    return end


async def grant_access(
    patient: Patient,
    professional_id: int,
    sections: Iterable[Section],
    *,
    write: bool,
    expires_at: datetime | None,
    by_account_id: int,
) -> tuple[Grant | None, list[Problem]]:
    """Let a professional see these sections until ``expires_at`` (one year at most).

    The new grant replaces the professional's current one, so the patient's choice reads as
    one line per professional; ended grants stay in the history.
    """
    now = clock.now()
    problems: list[Problem] = []
    professional = await _professional(professional_id, problems)
    profession = Profession(professional.profession) if professional else None
    chosen = frozenset(sections)
    problems += _section_problems(profession, chosen)
    end = _expiry(expires_at, now, problems)
    _refuse_without_account(professional, problems)
    await _refuse_if_blocked(patient, professional, problems)
    if problems or professional is None:
        return None, problems
    async with in_transaction():
        await Grant.filter(
            live_grants(now), patient_id=patient.id, professional_id=professional.id,
        ).update(revoked_at=now, revoked_reason=GrantEndReason.REVOKED)
        grant = await Grant.create(
            patient_id=patient.id, professional_id=professional.id,
            sections=encode_sections(chosen), write=write, created_at=now, expires_at=end,
            created_by_id=by_account_id,
        )
    return grant, []


async def revoke_grant(grant: Grant) -> list[Problem]:
    now = clock.now()
    if not grant_facts(grant).live_at(now):
        return [Problem("grantId", "GRANT_ALREADY_ENDED")]
    grant.revoked_at = now
    grant.revoked_reason = GrantEndReason.REVOKED
    await grant.save(update_fields=["revoked_at", "revoked_reason"])
    return []


async def designate_treating_doctor(
    patient: Patient, professional_id: int
) -> tuple[TreatingDoctor | None, list[Problem]]:
    """Make this physician the treating doctor, replacing the previous one."""
    problems: list[Problem] = []
    professional = await _professional(professional_id, problems)
    if professional is not None and professional.profession != Profession.PHYSICIAN.value:
        problems.append(Problem("professionalId", "NOT_A_PHYSICIAN"))
    _refuse_without_account(professional, problems)
    await _refuse_if_blocked(patient, professional, problems)
    if problems or professional is None:
        return None, problems
    designation, _ = await TreatingDoctor.update_or_create(
        defaults={"professional_id": professional.id, "designated_at": clock.now()},
        patient_id=patient.id,
    )
    return designation, []


async def remove_treating_doctor(patient: Patient) -> list[Problem]:
    if not await TreatingDoctor.filter(patient_id=patient.id).delete():
        return [Problem("patientId", "NO_TREATING_DOCTOR")]
    return []


async def block_professional(
    patient: Patient, professional_id: int
) -> tuple[Block | None, list[Problem]]:
    """Block a professional: ends their grants and their treating-doctor designation.

    Nothing comes back when the block is lifted: the patient grants again, knowingly. Each
    grant ended here says why (``GrantEndReason.BLOCKED``) in the patient's history.
    Idempotent. The caller's transaction holds the block and these ends together.
    """
    problems: list[Problem] = []
    professional = await _professional(professional_id, problems)
    if professional is None:
        return None, problems
    now = clock.now()
    block, _ = await Block.get_or_create(
        defaults={"created_at": now},
        patient_id=patient.id, professional_id=professional.id,
    )
    await Grant.filter(
        live_grants(now), patient_id=patient.id, professional_id=professional.id,
    ).update(revoked_at=now, revoked_reason=GrantEndReason.BLOCKED)
    await TreatingDoctor.filter(patient_id=patient.id, professional_id=professional.id).delete()
    return block, []


async def unblock_professional(patient: Patient, professional_id: int) -> list[Problem]:
    """Lift a block. It restores no grant and no designation: they ended with the block."""
    problems: list[Problem] = []
    professional = await _professional(professional_id, problems)
    if professional is None:
        return problems
    if not await Block.filter(patient_id=patient.id, professional_id=professional.id).delete():
        return [Problem("professionalId", "NOT_BLOCKED")]
    return []


async def emergency_opposed(patient: Patient) -> bool:
    return await ConsentSettings.exists(patient_id=patient.id, emergency_opposed=True)


async def set_emergency_opposition(patient: Patient, opposed: bool) -> None:
    await ConsentSettings.update_or_create(
        defaults={"emergency_opposed": opposed, "updated_at": clock.now()},
        patient_id=patient.id,
    )
