"""Seeding a benchmark database: the demo people, then many more patients, in bulk.

The demo records (``api.demo``) give the patient every scenario reads: Camille, whose record
holds about twenty realistic entries across the sections of the summary, and whose treating
doctor is Dr Bernard. Then ``extra`` synthetic patients are added around them, each with a
copy of Camille's entries (so the tables hold ``extra`` times her rows, and the hot queries
must find her rows among them), with ``COPY`` on PostgreSQL and ``executemany`` on SQLite,
a progress line on stderr. Finally one session per viewer is opened, and a CSRF pair made.
"""

from __future__ import annotations

import base64
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tortoise import Tortoise, connections

from api.db import apply_migrations, open_database
from api.demo import load_demo, load_directory, load_records
from api.identity.ins import nir_key
from api.identity.models import Account, AccountStatus, Patient, Role, SessionStage
from api.identity.patient_keys import key_to_write, master, wrap
from api.identity.sealed import SealedModel, new_seal_id, sealing_aad
from api.identity.sealing import new_data_key, seal
from api.identity.sessions import start_session
from api.records.directives.models import Directives
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.measurements.models import Measurement
from api.settings import Settings

CAMILLE_NIR = "2951099126111"
CAMILLE = "camille@demo.carnet.invalid"
BERNARD = "dr.bernard@demo.carnet.invalid"
# The sections copied to every synthetic patient (Camille's rows, patient id replaced).
ENTRY_TABLES = ("allergy", "treatment", "history_entry", "vaccination", "measurement",
                "directives")
# Their free text is sealed under each patient's own key (api/identity/sealed.py): each copy
# is sealed again, for its patient and its own seal id.
SEALED_MODELS: dict[str, type[SealedModel]] = {
    model._meta.db_table: model
    for model in (Allergy, Treatment, HistoryEntry, Vaccination, Measurement, Directives)}
BATCH = 5000
# Professionals who sign in during the sign-in scenario (one account each: the throttle
# rightly refuses many attempts at one account at once). Their e-mail is SIGNIN_EMAIL % n.
SIGNIN_ACCOUNTS = 32
SIGNIN_EMAIL = "signin-%d@bench.invalid"


@dataclass(frozen=True)
class Viewer:
    session: str  # the session cookie
    csrf_cookie: str
    csrf_header: str


@dataclass(frozen=True)
class LargeRecord:
    """A patient with many entries, and a session of their own (they own the record)."""

    patient_id: int
    entries: int
    owner: Viewer


@dataclass(frozen=True)
class Seeded:
    patient_id: int  # Camille
    patients: int
    entry_rows: int
    professional: Viewer  # Dr Bernard, Camille's treating doctor
    owner: Viewer  # Camille
    seconds: float
    # "export": 10,000 measurements; "memory": 20,000 entries across five sections.
    large: dict[str, LargeRecord] = field(default_factory=dict)


# The large records: {name: {table: rows}}, the rows copied from Camille's, cycled.
LARGE_RECORDS: dict[str, dict[str, int]] = {
    "export": {"measurement": 10_000},
    "memory": {table: 4_000 for table in ("allergy", "treatment", "history_entry",
                                          "vaccination", "measurement")},
}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie and a masked header value that matches it (api.security.csrf)."""
    secret, pad = secrets.token_bytes(32), secrets.token_bytes(32)
    return _b64(secret), _b64(pad + bytes(a ^ b for a, b in zip(pad, secret, strict=True)))


def _progress(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    rate = done / max(time.monotonic() - started, 1e-6)
    sys.stderr.write(f"\r  {label:<16} [{'#' * filled}{'.' * (width - filled)}] "
                     f"{done:>9,}/{total:,} ({rate:,.0f}/s)")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


async def _columns(client: Any, table: str) -> list[str]:
    if client.capabilities.dialect == "postgres":
        rows = await client.execute_query_dict(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
            "ORDER BY ordinal_position", [table])
        return [row["column_name"] for row in rows]
    rows = await client.execute_query_dict(f'PRAGMA table_info("{table}")')
    return [row["name"] for row in rows]


async def _bulk_insert(client: Any, table: str, columns: Sequence[str],
                       rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    if client.capabilities.dialect == "postgres":
        async with client.acquire_connection() as connection:
            await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    marks = ",".join("?" for _ in columns)
    names = ",".join(f'"{c}"' for c in columns)
    await client.execute_many(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608
                              [list(row) for row in rows])


async def _next_id(client: Any, table: str) -> int:
    rows = await client.execute_query_dict(f'SELECT MAX("id") AS "m" FROM "{table}"')  # noqa: S608
    return int(rows[0]["m"] or 0) + 1


async def add_patients(extra: int, template_id: int,
                       progress: Callable[[str, int, int, float], None] = _progress,
                       rows_per_patient: int | None = None) -> int:
    """``extra`` patients with a copy of the template's entries; returns the rows added.

    ``rows_per_patient`` copies only that many of the template's rows to each (taken from
    every table in turn): the million-patient database holds about nine entries a patient,
    as a national record does on average, not the hundred and twenty of the template.
    """
    client = connections.get("default")
    postgres = client.capabilities.dialect == "postgres"
    first = await _next_id(client, "patient")
    now = datetime.now(UTC)
    patient_columns = ["id", "ins_nir", "ins_key", "birth_name", "first_names", "birth_date",
                       "sex", "birthplace_insee", "created_at"]
    templates: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    clear: dict[str, dict[str | None, SealedModel]] = {}
    wrapping = master()
    for table in ENTRY_TABLES:
        columns = [c for c in await _columns(client, table) if c != "id"]
        names = ",".join(f'"{c}"' for c in columns)
        mark = "$1" if postgres else "?"
        found = await client.execute_query_dict(
            f'SELECT {names} FROM "{table}" WHERE "patient_id" = {mark}',  # noqa: S608
            [template_id])
        templates[table] = (columns, [tuple(row[c] for c in columns) for row in found])
        clear[table] = {row.seal_id: row for row in
                        await SEALED_MODELS[table].filter(patient_id=template_id)}
    if rows_per_patient is not None:
        templates = _share_of(templates, rows_per_patient)
    per_patient = sum(len(rows) for _, rows in templates.values())
    started = time.monotonic()
    added = 0
    for start in range(0, extra, BATCH):
        ids = range(first + start, first + min(start + BATCH, extra))
        patients = []
        for patient_id in ids:
            # Sex, year and month of birth, then the id: unique, and no demo person's.
            nir = f"{1 + patient_id % 2}{30 + patient_id % 70:02d}{1 + patient_id % 12:02d}" \
                  f"{patient_id:08d}"
            patients.append((patient_id, nir, nir_key(nir), f"BENCH{patient_id}", "Alex Marie",
                             date(1930 + patient_id % 70, 1 + patient_id % 12, 1),
                             "MF"[patient_id % 2], "75056", now))
        await _bulk_insert(client, "patient", patient_columns, patients)
        keys = {patient_id: new_data_key() for patient_id in ids}
        await _bulk_insert(client, "patient_key",
                           ["patient_id", "wrapped", "master_id", "created_at"],
                           [(patient_id, wrap(wrapping.key, patient_id, key), wrapping.id, now)
                            for patient_id, key in keys.items()])
        for table, (columns, rows) in templates.items():
            copies = [_copy(table, columns, row, clear[table], patient_id, keys[patient_id])
                      for patient_id in ids for row in rows]
            await _bulk_insert(client, table, columns, copies)
            added += len(copies)
        progress("patients", start + len(ids), extra, started)
    if postgres and extra:
        await client.execute_script(
            "SELECT setval(pg_get_serial_sequence('patient', 'id'), "
            "(SELECT MAX(id) FROM patient)); ANALYZE;")
    return added if per_patient else 0


def _share_of(templates: dict[str, tuple[list[str], list[tuple[Any, ...]]]], count: int
              ) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """``count`` of the template rows, taken from each table in turn."""
    kept: dict[str, list[tuple[Any, ...]]] = {table: [] for table in templates}
    taken = 0
    while taken < count and any(len(kept[t]) < len(templates[t][1]) for t in templates):
        for table, (_, rows) in templates.items():
            if taken < count and len(kept[table]) < len(rows):
                kept[table].append(rows[len(kept[table])])
                taken += 1
    return {table: (columns, kept[table]) for table, (columns, _) in templates.items()}


def _copy(table: str, columns: list[str], row: tuple[Any, ...],
          clear: dict[str | None, SealedModel], patient_id: int, key: bytes) -> tuple[Any, ...]:
    """A template row for another patient: its free text sealed for them, a new seal id."""
    values = dict(zip(columns, row, strict=True))
    original = clear[values["seal_id"]]
    seal_id = new_seal_id()
    values.update(patient_id=patient_id, seal_id=seal_id)
    for column in SEALED_MODELS[table]._columns():
        text = getattr(original, column)
        values[column] = None if text is None else seal(
            key, text, sealing_aad(table, column, patient_id, seal_id))
    return tuple(values[column] for column in columns)


async def add_large_record(settings: Settings, name: str, template_id: int,
                           sizes: dict[str, int]) -> LargeRecord:
    """A new patient with an account, whose record holds ``sizes[table]`` copies of the
    template's rows of each table (cycled, sealed for them), written in bulk."""
    client = connections.get("default")
    postgres = client.capabilities.dialect == "postgres"
    account, _ = await Account.get_or_create(
        email=f"large-{name}@bench.invalid",
        defaults={"role": Role.PATIENT, "status": AccountStatus.ACTIVE,
                  "password_hash": "!"})  # no password: no sign-in, a session is made below
    patient = await Patient.get_or_none(account_id=account.id)
    if patient is None:
        number = sum(map(ord, name)) % 1000
        nir = f"2850575120{number:03d}"
        patient = await Patient.create(account=account, ins_nir=nir, ins_key=nir_key(nir),
                                       birth_name=f"GRAND{name.upper()}",
                                       first_names="Claude", birth_date=date(1985, 5, 1),
                                       sex="F", birthplace_insee="75056")
        key = await key_to_write(patient.id)
        for table, count in sizes.items():
            columns = [c for c in await _columns(client, table) if c != "id"]
            names = ",".join(f'"{c}"' for c in columns)
            mark = "$1" if postgres else "?"
            found = await client.execute_query_dict(
                f'SELECT {names} FROM "{table}" WHERE "patient_id" = {mark} '  # noqa: S608
                'ORDER BY "id"', [template_id])
            rows = [tuple(row[c] for c in columns) for row in found]
            clear = {row.seal_id: row for row in
                     await SEALED_MODELS[table].filter(patient_id=template_id)}
            started = time.monotonic()
            for start in range(0, count, BATCH):
                batch = [_copy(table, columns, rows[n % len(rows)], clear, patient.id, key)
                         for n in range(start, min(start + BATCH, count))]
                await _bulk_insert(client, table, columns, batch)
                _progress(f"{name}: {table}"[:16], start + len(batch), count, started)
        if postgres:
            await client.execute_script("ANALYZE;")
    return LargeRecord(patient.id, sum(sizes.values()), await _viewer_of(account, settings))


async def _signin_accounts() -> None:
    """Professional accounts with the demo password and an authenticator (no e-mail code)."""
    bernard = await Account.get(email=BERNARD)
    for n in range(SIGNIN_ACCOUNTS):
        await Account.get_or_create(
            email=SIGNIN_EMAIL % n,
            defaults={"role": bernard.role, "status": bernard.status,
                      "password_hash": bernard.password_hash,
                      "second_factor": bernard.second_factor,
                      "totp_secret": bernard.totp_secret})


async def _viewer(settings: Settings, email: str) -> Viewer:
    return await _viewer_of(await Account.get(email=email), settings)


async def _viewer_of(account: Account, settings: Settings) -> Viewer:
    token, _ = await start_session(settings.secret_key, account, SessionStage.ACTIVE, "bench")
    cookie, header = csrf_pair()
    return Viewer(token, cookie, header)



async def seed(settings: Settings, extra_patients: int, large: bool = True) -> Seeded:
    """Migrate, load the demo, add the synthetic patients, open the two sessions; with
    `large`, the large records too (``LARGE_RECORDS``)."""
    started = time.monotonic()
    await apply_migrations(settings, quiet=True)
    await open_database(settings)
    try:
        if not await Patient.exists(ins_nir=CAMILLE_NIR):
            await load_demo()
            await load_directory()
            await load_records(settings)
        camille = await Patient.get(ins_nir=CAMILLE_NIR)
        await _signin_accounts()
        rows = await add_patients(extra_patients, camille.id)
        records = {name: await add_large_record(settings, name, camille.id, sizes)
                   for name, sizes in LARGE_RECORDS.items()} if large else {}
        professional = await _viewer(settings, BERNARD)
        owner = await _viewer(settings, CAMILLE)
        total = await Patient.all().count()
    finally:
        await Tortoise.close_connections()
    return Seeded(camille.id, total, rows, professional, owner, time.monotonic() - started,
                  records)

