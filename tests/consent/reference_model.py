"""An independent reference model of "who sees what" (PRODUCT.md), for the property test.

Written from the product rules alone, as plainly as possible; it imports nothing from the
consent engine. It reads the profession matrix (``api/consent/matrix.toml``) because the
matrix is data: the rules say effective rights are "grant ∩ matrix".

A world is described with indices (patient 0, professional 3, ...), not database ids; the
test maps them. Where the implementation made a documented choice the product text leaves
open, the model makes the same choice and says so in a comment marked CHOICE.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

SECTIONS = ("identity", "history", "allergies", "treatments", "vaccinations", "measurements",
            "directives", "documents")
ENTRY_SECTIONS = ("history", "allergies", "treatments", "vaccinations")
EMERGENCY_PROFESSIONS = frozenset({"emergency_physician", "samu_regulator"})
MATRIX_FILE = Path(__file__).resolve().parents[2] / "api" / "consent" / "matrix.toml"
MATRIX: dict[str, dict[str, list[str]]] = tomllib.loads(MATRIX_FILE.read_text("utf-8"))

# Someone who signs in: ("patient", i) is the account of patient i, ("pro", j) professional j.
Person = tuple[str, int]


@dataclass(frozen=True)
class PatientSpec:
    has_account: bool
    eighteenth_birthday: datetime
    guardians: frozenset[int]  # patients whose accounts are this patient's parents
    treating_doctor: int | None  # a professional
    emergency_opposed: bool
    has_directives: bool
    measurements: int


@dataclass(frozen=True)
class GrantSpec:
    patient: int
    professional: int
    sections: frozenset[str]
    write: bool
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class EmergencySpec:
    patient: int
    professional: int
    opened_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class DocumentSpec:
    patient: int
    type_code: str
    category: str
    author: Person | None
    hidden: bool
    held_back_until: datetime | None
    confidential: bool


@dataclass(frozen=True)
class EntrySpec:
    patient: int
    section: str  # one of ENTRY_SECTIONS
    confidential: bool


@dataclass(frozen=True)
class World:
    patients: tuple[PatientSpec, ...]
    professions: tuple[str, ...]
    grants: tuple[GrantSpec, ...] = ()
    emergencies: tuple[EmergencySpec, ...] = ()
    blocks: frozenset[tuple[int, int]] = frozenset()  # (patient, professional)
    documents: tuple[DocumentSpec, ...] = ()
    entries: tuple[EntrySpec, ...] = ()

    def viewers(self) -> list[Person]:
        owners = [("patient", i) for i, p in enumerate(self.patients) if p.has_account]
        return owners + [("pro", j) for j in range(len(self.professions))]


@dataclass(frozen=True)
class Way:
    """One reason to see the record: the sections it reads and writes, which items it shows."""

    read: frozenset[str]
    write: frozenset[str]
    shows_document: Callable[[DocumentSpec], bool]
    shows_entry: Callable[[EntrySpec], bool] = lambda entry: True


@dataclass(frozen=True)
class Access:
    """What one viewer may do with one patient's record at one instant."""

    found: bool
    read: frozenset[str] = frozenset()
    write: frozenset[str] = frozenset()
    documents: frozenset[int] = frozenset()  # indices into World.documents
    entries: dict[str, frozenset[int]] = field(default_factory=dict)  # into World.entries


NOT_FOUND = Access(found=False)
EVERYTHING = frozenset(SECTIONS)


def matrix_shows(profession: str, document: DocumentSpec) -> bool:
    row = MATRIX[profession]
    if document.type_code in row["never_read_types"]:
        return False
    return (document.category in row["document_categories"]
            or document.type_code in row["also_read_types"])


def _patient_ways(world: World, viewer: Person, patient: int, now: datetime
                  ) -> tuple[list[Way], bool]:
    spec = world.patients[patient]
    ways: list[Way] = []
    known = False
    # The patient sees everything except what a professional holds back until a date.
    def not_held_back(d: DocumentSpec) -> bool:
        return d.held_back_until is None or d.held_back_until <= now

    if viewer == ("patient", patient) and spec.has_account:
        ways.append(Way(EVERYTHING, EVERYTHING, not_held_back))
    if viewer[1] in spec.guardians:
        # CHOICE: a parent whose child turned 18 still "knows" the record: its sections are
        # forbidden, the record is not concealed. The 18th birthday starts at 00:00 UTC.
        known = True
        if now < spec.eighteenth_birthday:
            ways.append(Way(EVERYTHING, EVERYTHING,
                            lambda d: not_held_back(d) and not d.confidential,
                            lambda e: not e.confidential))
    return ways, known


def _professional_ways(world: World, professional: int, patient: int, now: datetime
                       ) -> tuple[list[Way], bool]:
    profession = world.professions[professional]
    row = MATRIX[profession]
    may_read, may_write = frozenset(row["read"]), frozenset(row["write"])
    spec = world.patients[patient]
    me: Person = ("pro", professional)
    ways: list[Way] = []
    known = False

    def unhidden(d: DocumentSpec) -> bool:  # hidden from professionals, except its author
        return matrix_shows(profession, d) and (not d.hidden or d.author == me)

    if spec.treating_doctor == professional:
        # CHOICE: the treating doctor also writes what the matrix lets the profession write.
        ways.append(Way(may_read, may_write, lambda d: matrix_shows(profession, d)))
    grants = [g for g in world.grants if (g.patient, g.professional) == (patient, professional)]
    # CHOICE: an expired or revoked grant still makes the record known (forbidden, not
    # concealed): the professional already knew the patient.
    known = known or bool(grants)
    live = [g for g in grants
            if now < g.expires_at and (g.revoked_at is None or now < g.revoked_at)]
    if live:
        read = frozenset().union(*(g.sections for g in live)) & may_read
        write = frozenset().union(*(g.sections for g in live if g.write)) & may_write
        ways.append(Way(read, write, unhidden))
    accesses = [e for e in world.emergencies
                if (e.patient, e.professional) == (patient, professional)]
    # CHOICE: like a grant, a closed (or opposed) break-glass access keeps the record known.
    known = known or bool(accesses)
    if (profession in EMERGENCY_PROFESSIONS and not spec.emergency_opposed
            and any(e.opened_at <= now < e.expires_at for e in accesses)):
        ways.append(Way(may_read, frozenset(), unhidden))
    return ways, known


def access(world: World, viewer: Person, patient: int, now: datetime) -> Access:
    """The reference answer: is the record found, which sections, which items."""
    kind, index = viewer
    if kind == "pro":
        if (patient, index) in world.blocks:
            return NOT_FOUND  # a block beats every other rule, and hides the record
        ways, known = _professional_ways(world, index, patient, now)
    else:
        ways, known = _patient_ways(world, viewer, patient, now)
    if not ways and not known:
        return NOT_FOUND
    read = frozenset().union(*(w.read for w in ways))
    write = frozenset().union(*(w.write for w in ways))
    documents = frozenset(
        i for i, d in enumerate(world.documents)
        if d.patient == patient
        and any("documents" in w.read and w.shows_document(d) for w in ways)
    )
    entries = {
        section: frozenset(
            i for i, e in enumerate(world.entries)
            if e.patient == patient and e.section == section
            and any(section in w.read and w.shows_entry(e) for w in ways)
        )
        for section in ENTRY_SECTIONS
    }
    return Access(True, read, write, documents, entries)
