"""Demo data: a few patients and professionals to try Carnet with. Idempotent.

The root of the demo: it creates the people of ``api.identity.demo``, then runs each
domain's part of their stories (records, consent, access history, messages, the app), in
that order. Domain demos import nothing above their own layer; this module imports them.

Every demo account uses the same password; the README lists them. Demo
professionals have fixed TOTP keys so `carnet totp-code EMAIL` can print a code.
The directory also holds a few dozen professionals without accounts, loaded from
``api/identity/data/demo_directory.csv`` through the same code as `carnet directory
import`. Their names are made up, and their RPPS numbers start with 99 (real ones are
issued from 10000000000 upwards) and fail the Luhn check real numbers pass, so none can
be a real professional's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from api.audit import demo as history_demo
from api.consent.directory_import import ImportSummary, import_directory
from api.identity.demo import DEMO_PASSWORD, PATIENTS, PROFESSIONALS
from api.identity.ins import nir_key
from api.identity.models import (
    Account,
    AccountStatus,
    Guardianship,
    Patient,
    Professional,
    Role,
    SecondFactor,
)
from api.identity.passwords import hash_password
from api.messaging import demo as messaging_demo
from api.oauth import demo as oauth_demo
from api.records.directives import demo as directives_demo
from api.records.documents import demo as documents_demo
from api.records.entries import demo as entries_demo
from api.records.measurements import demo as measurements_demo
from api.settings import Settings
from api.sharing import demo as consent_demo

__all__ = ["DEMO_DIRECTORY", "DEMO_PASSWORD", "PATIENTS", "PROFESSIONALS", "load_demo",
           "load_directory", "load_records"]
DEMO_DIRECTORY = Path(__file__).parent / "identity" / "data" / "demo_directory.csv"


async def _account(email: str, role: Role, password_hash: str, **extra: Any) -> Account:
    account = await Account.filter(email=email).first()
    if account is None:
        account = await Account.create(
            email=email, role=role, status=AccountStatus.ACTIVE, password_hash=password_hash,
            **extra,
        )
    return account


async def load_demo() -> dict[str, int]:
    """Create what is missing; running it twice changes nothing."""
    password_hash = await hash_password(DEMO_PASSWORD)
    created = {"patients": 0, "professionals": 0}
    async with in_transaction():
        for person in PATIENTS:
            if await Patient.exists(ins_nir=person.nir):
                continue
            account = None
            if person.email:
                account = await _account(person.email, Role.PATIENT, password_hash)
            patient = await Patient.create(
                account=account, ins_nir=person.nir, ins_key=nir_key(person.nir),
                birth_name=person.birth_name, first_names=person.first_names,
                birth_date=person.birth_date, sex=person.sex, birthplace_insee=person.birthplace,
                contact_email=person.email,
            )
            if person.guardian_email:
                guardian = await Account.get(email=person.guardian_email)
                await Guardianship.create(guardian=guardian, patient=patient)
            created["patients"] += 1
        for pro in PROFESSIONALS:
            if await Professional.exists(rpps=pro.rpps):
                continue
            account = await _account(
                pro.email, Role.PROFESSIONAL, password_hash,
                second_factor=SecondFactor.TOTP, totp_secret=pro.totp_secret,
            )
            await Professional.create(
                account=account, rpps=pro.rpps, last_name=pro.last_name,
                first_name=pro.first_name, profession=pro.profession, specialty=pro.specialty,
                practice_name=pro.practice, practice_city=pro.city, practice_postcode=pro.postcode,
            )
            created["professionals"] += 1
    return created


async def load_directory() -> ImportSummary:
    """The professionals without accounts; a second run finds them unchanged."""
    problems: list[str] = []
    with DEMO_DIRECTORY.open(encoding="utf-8-sig", newline="") as stream:
        summary = await import_directory(stream, problems.append)
    if problems:  # the file ships with Carnet: a bad row is a bug
        raise ValueError(f"{DEMO_DIRECTORY.name}: {'; '.join(problems)}")
    return summary


async def load_records(settings: Settings) -> None:
    """Fill each demo person's record (each section's loader skips what exists), then the
    sharing: grants, a treating doctor, a block, a past emergency access; then the access
    history of the visits they allowed; then two conversations of Camille with her
    professionals; then the demo app, connected by Camille."""
    for person in PATIENTS:
        patient = await Patient.get(ins_nir=person.nir)
        keeper = await Account.get(email=person.guardian_email or person.email)
        await entries_demo.load(patient, keeper.id)
        await measurements_demo.load(patient, keeper.id)
        await directives_demo.load(patient, keeper.id)
        await documents_demo.load(patient, keeper.id, settings)
    await consent_demo.load()
    await history_demo.load()
    await messaging_demo.load(settings)
    await oauth_demo.load()
