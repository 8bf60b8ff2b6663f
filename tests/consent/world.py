"""Random worlds for the consent property test: how to draw them and how to store them.

A world is drawn as a `reference_model.World` (indices only), then written to the database
with direct inserts (no mutations: building stays fast). `Built` maps indices to rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from tortoise import Tortoise, connections

from api.consent.models import (
    Block,
    ConsentSettings,
    EmergencyAccess,
    Grant,
    TreatingDoctor,
    encode_sections,
)
from api.consent.sections import Section
from api.identity.ins import nir_key
from api.identity.models import Account, AccountStatus, Guardianship, Patient, Professional, Role
from api.records.directives.models import Directives
from api.records.documents.models import Document
from api.records.entries.models import (
    Allergy,
    HistoryEntry,
    HistoryKind,
    HistoryStatus,
    Treatment,
    Vaccination,
)
from api.records.measurements.models import Measurement
from api.settings import Settings
from tests.consent.reference_model import (
    EMERGENCY_PROFESSIONS,
    ENTRY_SECTIONS,
    SECTIONS,
    DocumentSpec,
    EmergencySpec,
    EntrySpec,
    GrantSpec,
    PatientSpec,
    Person,
    World,
)
from tests.factories import fresh_nir

# The instant the world is looked at first; every row was written ten days before.
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WRITTEN_AT = NOW - timedelta(days=10)
PROFESSIONS = ("physician", "emergency_physician", "samu_regulator", "dentist", "midwife",
               "nurse", "physiotherapist", "pharmacist")
# (LOINC type, category): ordinary types, the sensitive ones the matrix singles out, and
# the few a pharmacist reads outside its categories.
DOCUMENT_TYPES = (
    ("11488-4", "report"), ("11502-2", "report"), ("18748-4", "imaging"),
    ("57833-6", "prescription"), ("60593-1", "dispensing"), ("18776-5", "care_plan"),
    ("80565-5", "administered_treatment"), ("89601-9", "certificate"),
    ("87273-9", "certificate"), ("51855-5", "patient_document"), ("68599-0", "summary"),
    ("83901-9", "report"), ("75496-0", "report"), ("68817-6", "report"),
    ("56445-0", "summary"), ("85208-7", "report"),
)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
GRANT_ENDS = (-DAY, HOUR, 4 * HOUR, DAY, 30 * DAY)
EMERGENCY_OPENED = (timedelta(0), -HOUR, -(4 * HOUR - timedelta(minutes=1)), -5 * HOUR)
EMERGENCY_LENGTH = 4 * HOUR  # the default break-glass duration
HELD_BACK = (None, None, -DAY, 2 * HOUR, DAY, 30 * DAY)
# Days from NOW's date to the minor's 18th birthday (-3: already an adult).
BIRTHDAYS = (-3, 1, 2, 40, 2000)
# Instants always on offer, so every world is looked at as often.
SPARE_INSTANTS = (timedelta(seconds=1), 7 * DAY, 60 * DAY, 400 * DAY, 6 * 365 * DAY)
PATIENTS, PROFESSIONALS = 3, 5
MINOR = 2  # patients 0 and 1 are adults with an account; patient 2 is a minor


def _birthday(days: int) -> datetime:
    day = NOW.date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


patient_index = st.integers(0, PATIENTS - 1)
professional_index = st.integers(0, PROFESSIONALS - 1)


def grants_to(patient: int, professional: int) -> st.SearchStrategy[list[GrantSpec]]:
    """Usually none or one; sometimes an ended grant next to the current one."""
    return st.lists(st.builds(
        GrantSpec, patient=st.just(patient), professional=st.just(professional),
        sections=st.frozensets(st.sampled_from(SECTIONS), min_size=1), write=st.booleans(),
        expires_at=st.sampled_from(GRANT_ENDS).map(NOW.__add__),
        revoked_at=st.sampled_from((None, None, NOW - HOUR)),
    ), max_size=2)


def _document(drawn: tuple[int, tuple[str, str], Person | None, bool, timedelta | None, bool]
              ) -> DocumentSpec:
    patient, (type_code, category), author, hidden, held_back, confidential = drawn
    until = None if held_back is None else NOW + held_back
    return DocumentSpec(patient, type_code, category, author, hidden, until, confidential)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    # Professional 0 may break the glass, professional 1 may be a treating doctor.
    professions = (draw(st.sampled_from(PROFESSIONS[1:3])), "physician",
                   *draw(st.lists(st.sampled_from(PROFESSIONS), min_size=3, max_size=3)))
    physicians = [j for j, p in enumerate(professions) if p == "physician"]
    minor_has_account = draw(st.booleans())
    patients = tuple(
        PatientSpec(
            has_account=i != MINOR or minor_has_account,
            eighteenth_birthday=(_birthday(draw(st.sampled_from(BIRTHDAYS))) if i == MINOR
                                 else datetime(1998, 1, 1, tzinfo=UTC)),
            guardians=(draw(st.frozensets(st.sampled_from((0, 1)))) if i == MINOR
                       else frozenset()),
            treating_doctor=draw(st.none() | st.sampled_from(physicians)),
            emergency_opposed=draw(st.sampled_from((False, False, True))),
            has_directives=draw(st.booleans()),
            measurements=draw(st.integers(0, 2)),
        )
        for i in range(PATIENTS)
    )
    # Each emergency professional may have broken the glass for each patient.
    opened = st.none() | st.sampled_from(EMERGENCY_OPENED)
    emergencies = tuple(
        EmergencySpec(i, j, NOW + delta, NOW + delta + EMERGENCY_LENGTH)
        for i in range(PATIENTS) for j, profession in enumerate(professions)
        if profession in EMERGENCY_PROFESSIONS and (delta := draw(opened)) is not None
    )
    authors: list[Person | None] = [("patient", i) for i, p in enumerate(patients)
                                    if p.has_account]
    authors += [("pro", j) for j in range(PROFESSIONALS)] + [None]
    documents = draw(st.lists(st.tuples(
        patient_index, st.sampled_from(DOCUMENT_TYPES), st.sampled_from(authors),
        st.booleans(), st.sampled_from(HELD_BACK), st.booleans(),
    ).map(_document), min_size=2, max_size=12))
    return World(
        patients=patients,
        professions=professions,
        grants=tuple(grant for i in range(PATIENTS) for j in range(PROFESSIONALS)
                     for grant in draw(grants_to(i, j))),
        emergencies=emergencies,
        blocks=draw(st.frozensets(st.tuples(patient_index, professional_index), max_size=3)),
        documents=tuple(documents),
        entries=tuple(draw(st.lists(st.builds(
            EntrySpec, patient=patient_index, section=st.sampled_from(ENTRY_SECTIONS),
            confidential=st.booleans()), max_size=10))),
    )


def candidate_instants(world: World) -> list[datetime]:
    """Instants worth looking at: just before and at each change, and a few spare ones."""
    changes = [g.expires_at for g in world.grants] + [e.expires_at for e in world.emergencies]
    changes += [d.held_back_until for d in world.documents if d.held_back_until is not None]
    changes += [p.eighteenth_birthday for p in world.patients]
    moments = {t + delta for t in changes for delta in (-timedelta(seconds=1), timedelta(0))}
    moments |= {NOW + delta for delta in SPARE_INSTANTS}
    return sorted(t for t in moments if t > NOW)


@dataclass
class Built:
    """The rows of a world: who signs in as whom, and the ids of patients and items."""

    accounts: dict[Person, Account]
    patient_ids: list[int]
    document_ids: list[int]
    entry_ids: list[int]


async def empty_database(settings: Settings) -> None:
    tables = [model._meta.db_table for app in Tortoise.apps.values() for model in app.values()]
    conn = connections.get("default")
    if settings.is_sqlite:
        await conn.execute_script("PRAGMA foreign_keys=OFF;"
                                  + "".join(f'DELETE FROM "{t}";' for t in tables)
                                  + "PRAGMA foreign_keys=ON;")
    else:
        await conn.execute_script("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                  + " RESTART IDENTITY CASCADE;")


def _stamp(author: Account | None) -> dict[str, Any]:
    author_id = author.id if author else None
    return {"created_at": WRITTEN_AT, "updated_at": WRITTEN_AT,
            "created_by_id": author_id, "updated_by_id": author_id}


async def _account(role: Role, n: int) -> Account:
    return await Account.create(email=f"world{n}@test.invalid", role=role,
                                status=AccountStatus.ACTIVE)


async def build(world: World) -> Built:
    accounts: dict[Person, Account] = {}
    patients: list[Patient] = []
    for i, spec in enumerate(world.patients):
        owner = await _account(Role.PATIENT, i) if spec.has_account else None
        if owner is not None:
            accounts[("patient", i)] = owner
        birthday = spec.eighteenth_birthday.date()
        nir = fresh_nir()
        patients.append(await Patient.create(
            account=owner, ins_nir=nir, ins_key=nir_key(nir), birth_name=f"PATIENT{i}",
            first_names="Camille", birth_date=date(birthday.year - 18, birthday.month,
                                                    birthday.day),
            sex="F", birthplace_insee="75056"))
    pros: list[Professional] = []
    for j, profession in enumerate(world.professions):
        account = await _account(Role.PROFESSIONAL, 100 + j)
        accounts[("pro", j)] = account
        pros.append(await Professional.create(account=account, rpps=f"9{j:010d}",
                                              last_name=f"PRO{j}", first_name="Dominique",
                                              profession=profession))
    for i, spec in enumerate(world.patients):
        patient = patients[i]
        for guardian in spec.guardians:
            await Guardianship.create(guardian=accounts[("patient", guardian)], patient=patient)
        if spec.treating_doctor is not None:
            await TreatingDoctor.create(patient=patient, professional=pros[spec.treating_doctor],
                                        designated_at=WRITTEN_AT)
        if spec.emergency_opposed:
            await ConsentSettings.create(patient=patient, emergency_opposed=True,
                                         updated_at=WRITTEN_AT)
        if spec.has_directives:
            await Directives.create(patient=patient, advance_directives="Pas d'acharnement.",
                                    **_stamp(None))
        for n in range(spec.measurements):
            await Measurement.create(patient=patient, kind="weight", value=Decimal(70 + n),
                                     unit="kg", measured_at=WRITTEN_AT, **_stamp(None))
    for grant in world.grants:
        await Grant.create(
            patient=patients[grant.patient], professional=pros[grant.professional],
            sections=encode_sections({Section(s) for s in grant.sections}), write=grant.write,
            created_at=WRITTEN_AT, expires_at=grant.expires_at, revoked_at=grant.revoked_at)
    for access in world.emergencies:
        await EmergencyAccess.create(
            patient=patients[access.patient], professional=pros[access.professional],
            reason="Unconscious, no relative reachable", opened_at=access.opened_at,
            expires_at=access.expires_at)
    for patient_index, professional_index in world.blocks:
        await Block.create(patient=patients[patient_index], professional=pros[professional_index],
                           created_at=WRITTEN_AT)
    document_ids = []
    for n, doc in enumerate(world.documents):
        author = accounts.get(doc.author) if doc.author else None
        row = await Document.create(
            patient=patients[doc.patient], title=f"Document {n}", type_code=doc.type_code,
            category=doc.category, content_type="application/pdf", size_bytes=10,
            sha256="0" * 64, storage_key=f"{n:032x}", document_date=date(2025, 1, 1 + n),
            hidden_from_professionals=doc.hidden, held_back_until=doc.held_back_until,
            confidential_for_minor=doc.confidential, **_stamp(author))
        document_ids.append(row.id)
    entry_ids = [(await _entry(patients[e.patient], e)).id for e in world.entries]
    return Built(accounts, [p.id for p in patients], document_ids, entry_ids)


async def _entry(patient: Patient, entry: EntrySpec
                 ) -> HistoryEntry | Allergy | Treatment | Vaccination:
    common = {"patient": patient, "confidential_for_minor": entry.confidential, **_stamp(None)}
    if entry.section == "history":
        return await HistoryEntry.create(kind=HistoryKind.CONDITION, text="Asthme",
                                         status=HistoryStatus.ACTIVE, **common)
    if entry.section == "allergies":
        return await Allergy.create(substance="Pénicilline", **common)
    if entry.section == "treatments":
        return await Treatment.create(medication="Paracétamol", **common)
    return await Vaccination.create(vaccine_code="dtp", date=date(2020, 1, 1), **common)


def item_query(built: Built, world: World) -> tuple[str, dict[str, tuple[str, int, int]]]:
    """One query asking every document and allergy by id, with an alias each."""
    fields: dict[str, tuple[str, int, int]] = {}  # alias -> (field, patient, index)
    for n, document in enumerate(world.documents):
        fields[f"d{n}"] = ("document", document.patient, n)
    for n, entry in enumerate(world.entries):
        if entry.section == "allergies":
            fields[f"a{n}"] = ("allergy", entry.patient, n)
    ids = {"document": built.document_ids, "allergy": built.entry_ids}
    body = " ".join(f'{alias}: {name}(id: "{ids[name][n]}") {{ id }}'
                    for alias, (name, _, n) in fields.items())
    return f"query Items {{ __typename {body} }}", fields


# The smallest world where the implementation and the model disagree: an emergency physician
# with a live grant on allergies only, and an open break-glass access, reads the documents
# section (through break-glass) but not the document the patient hid.
CONCEALMENT_WORLD = World(
    patients=tuple(
        PatientSpec(has_account=True, eighteenth_birthday=datetime(1998, 1, 1, tzinfo=UTC),
                    guardians=frozenset(), treating_doctor=None, emergency_opposed=False,
                    has_directives=False, measurements=0)
        for _ in range(PATIENTS)),
    professions=("emergency_physician", "physician", "nurse", "nurse", "nurse"),
    grants=(GrantSpec(0, 0, frozenset({"allergies"}), False, NOW + timedelta(days=1), None),),
    emergencies=(EmergencySpec(0, 0, NOW - timedelta(hours=1), NOW + timedelta(hours=3)),),
    documents=(DocumentSpec(0, "11488-4", "report", ("patient", 0), True, None, False),),
)
