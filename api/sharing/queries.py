"""Consent reads: opening a record, a professional's patients, the patient's sharing pages."""

from __future__ import annotations

from datetime import date

import strawberry

from api import clock
from api.consent import lookup
from api.consent.directory import DirectorySearch, offset_cursor, search_directory
from api.consent.guard import managed_patient, reachable_patient
from api.consent.handles import issue_handle
from api.consent.models import Block, EmergencyAccess, Grant, Notification, TreatingDoctor
from api.consent.permissions import reach, viewer_facts
from api.consent.policy import shared_records_filter
from api.consent.relation_sql import shared_condition
from api.consent.sections import Action, Profession, Refusal
from api.consent.services import emergency_opposed
from api.graphql.common import Page, decode_number_cursor, encode_cursor, page_of, page_size
from api.graphql.context import Info
from api.graphql.errors import ConsentRequired
from api.identity.models import Patient
from api.identity.types import ProfessionalType
from api.records.types import PatientType
from api.sharing import my_patients as shared_records
from api.sharing.emergency import MyEmergencyAccessType, my_open_accesses
from api.sharing.types import (
    BlockedProfessionalType,
    EmergencyAccessType,
    GrantType,
    NotificationType,
    PatientLookupType,
    ProfessionEnum,
    TreatingDoctorType,
)


def _refuse_apps(info: Info, what: str) -> None:
    """No scope covers this: it is about the person's every record and relation."""
    if info.context.app is not None:
        raise ConsentRequired(f"An app cannot read the person's {what}.",
                              reason=Refusal.SCOPE_MISSING.value)


def _by_id(item: object) -> str:
    return encode_cursor(getattr(item, "id"))  # noqa: B009 - strawberry types and models alike


@strawberry.type
class ConsentQuery:
    @strawberry.field(description="A record the viewer has, or had, a relation to. NOT_FOUND "
                      "otherwise; each section then answers by the patient's consent.")
    async def patient(self, info: Info, id: strawberry.ID) -> PatientType | None:
        return PatientType.from_model(await reachable_patient(info, id))

    @strawberry.field(description="For a professional: the patients who gave them a current "
                      "grant or chose them as treating doctor, in the order they came.")
    async def patients(self, info: Info, first: int | None = None,
                       after: str | None = None) -> Page[PatientType] | None:
        # The policy's rule (``shares_record``) over every patient, filtered in SQL.
        viewer = await viewer_facts(info.context)
        query = Patient.filter(shared_condition(shared_records_filter(viewer, clock.now())))
        size, last = page_size(first), decode_number_cursor(after)
        total = await query.count()
        page = query.filter(id__gt=last) if last is not None else query
        rows = await page.order_by("id").limit(size + 1)
        return page_of([PatientType.from_model(p) for p in rows], size, total, _by_id)

    @strawberry.field(description="For a professional: the records shared with them now (a "
                      "current grant or the treating-doctor designation), with what each lets "
                      "them do; the ones they opened most recently first, then those never "
                      "opened, the most recently shared first.")
    async def my_patients(self, info: Info, first: int | None = None, after: str | None = None
                          ) -> Page[shared_records.SharedRecordType] | None:
        return await shared_records.my_patients(info, first, after)

    @strawberry.field(description="What the viewer may do in this record, section by section, "
                      "as the policy decides it now. NOT_FOUND for a record out of reach.")
    async def shared_record(self, info: Info, patient_id: strawberry.ID
                            ) -> shared_records.SharedRecordType | None:
        patient = await reachable_patient(info, patient_id)
        return await shared_records.one_shared_record(info, patient)

    @strawberry.field(description="For a professional: the patient with exactly this INS "
                      "(15 characters) and birth date: a handle to deposit a document, and the "
                      "record only if the viewer has a relation to it. NOT_FOUND otherwise, "
                      "whatever the reason; after 20 misses, TOO_MANY_LOOKUPS (wait up to an "
                      "hour). Each success is in the patient's access history.")
    async def find_patient(self, info: Info, ins: str,
                           birth_date: date) -> PatientLookupType | None:
        patient = await lookup.find_patient(info, ins, birth_date)
        account_id = info.context.require_viewer().account_id
        handle = await issue_handle(info.context.settings.secret_key, patient, account_id)
        # Like ``patient(id:)``: a relation, even an ended one, knows the record exists.
        reached = not (await reach(info, patient)).not_found
        return PatientLookupType(handle=strawberry.ID(handle),
                                 patient=PatientType.from_model(patient) if reached else None)

    @strawberry.field(description="Every access the patient gave, current and past, newest "
                      "first. Only the patient and their legal representatives may ask.")
    async def grants(self, info: Info, patient_id: strawberry.ID, first: int | None = None,
                     after: str | None = None) -> Page[GrantType] | None:
        patient = await managed_patient(info, patient_id, Action.READ)
        size, last = page_size(first), decode_number_cursor(after)
        query = Grant.filter(patient_id=patient.id)
        total = await query.count()
        page = query.filter(id__lt=last) if last is not None else query
        rows = await page.select_related("professional").order_by("-id").limit(size + 1)
        now = clock.now()
        return page_of([GrantType.from_model(g, now) for g in rows], size, total, _by_id)

    @strawberry.field(description="The patient's treating doctor, if they chose one.")
    async def treating_doctor(self, info: Info,
                              patient_id: strawberry.ID) -> TreatingDoctorType | None:
        patient = await managed_patient(info, patient_id, Action.READ)
        designation = await TreatingDoctor.filter(patient_id=patient.id).select_related(
            "professional").first()
        return TreatingDoctorType.from_model(designation) if designation else None

    @strawberry.field(description="The professionals the patient blocked.")
    async def blocked_professionals(self, info: Info,
                                    patient_id: strawberry.ID
                                    ) -> list[BlockedProfessionalType] | None:
        patient = await managed_patient(info, patient_id, Action.READ)
        blocks = await Block.filter(patient_id=patient.id).select_related(
            "professional").order_by("id").limit(200)
        return [BlockedProfessionalType.from_model(b) for b in blocks]

    @strawberry.field(description="Whether the patient opposed emergency (break-glass) access.")
    async def emergency_access_opposed(self, info: Info,
                                       patient_id: strawberry.ID) -> bool | None:
        return await emergency_opposed(await managed_patient(info, patient_id, Action.READ))

    @strawberry.field(description="Break-glass accesses to the record, newest first.")
    async def emergency_accesses(self, info: Info, patient_id: strawberry.ID,
                                 first: int | None = None,
                                 after: str | None = None
                                 ) -> Page[EmergencyAccessType] | None:
        patient = await managed_patient(info, patient_id, Action.READ)
        size, last = page_size(first), decode_number_cursor(after)
        query = EmergencyAccess.filter(patient_id=patient.id)
        total = await query.count()
        page = query.filter(id__lt=last) if last is not None else query
        rows = await page.select_related("professional").order_by("-id").limit(size + 1)
        now = clock.now()
        return page_of([EmergencyAccessType.from_model(a, now) for a in rows], size, total,
                       _by_id)

    @strawberry.field(description="The emergency accesses the viewer opened that are still "
                      "open, with the time left (a professional's own list).")
    async def my_emergency_accesses(self, info: Info) -> list[MyEmergencyAccessType]:
        return await my_open_accesses(info.context.require_viewer().account_id)

    @strawberry.field(description="The signed-in viewer's notifications, newest first.")
    async def notifications(self, info: Info, first: int | None = None, after: str | None = None,
                            unread_only: bool = False) -> Page[NotificationType] | None:
        account_id = info.context.require_viewer().account_id
        _refuse_apps(info, "notifications")
        size, last = page_size(first), decode_number_cursor(after)
        query = Notification.filter(recipient_id=account_id)
        if unread_only:
            query = query.filter(read_at__isnull=True)
        total = await query.count()
        page = query.filter(id__lt=last) if last is not None else query
        rows = await page.order_by("-id").limit(size + 1)
        language = info.context.language
        return page_of([NotificationType.from_model(n, language) for n in rows], size, total,
                       _by_id)

    @strawberry.field(description="How many of the viewer's notifications are unread.")
    async def unread_notification_count(self, info: Info) -> int | None:
        account_id = info.context.require_viewer().account_id
        _refuse_apps(info, "notifications")
        return await Notification.filter(recipient_id=account_id, read_at__isnull=True).count()

    @strawberry.field(description="The directory of professionals, to share the record. "
                      "Criteria combine; give one at least. `search`: every word (2 letters "
                      "at least in all) starts a word of the name, accents and case ignored; "
                      "`rpps`: the number or its first digits; `city`: the city or its "
                      "start. `onCarnet` tells who has an account (only they can be "
                      "granted access).")
    async def professionals(
        self, info: Info, search: str = "", rpps: str | None = None,
        profession: ProfessionEnum | None = None,  # type: ignore[valid-type]
        city: str | None = None, first: int | None = None, after: str | None = None,
    ) -> Page[ProfessionalType] | None:
        info.context.require_viewer()
        size = page_size(first)
        criteria = DirectorySearch(name=search, rpps=rpps or "", city=city or "",
                                   profession=Profession(profession) if profession else None)
        rows, total, offset = await search_directory(criteria, size, after)
        items = [ProfessionalType.from_model(p) for p in rows]
        positions = {id(item): offset + n + 1 for n, item in enumerate(items)}
        return page_of(items, size, total, lambda item: offset_cursor(positions[id(item)]))
