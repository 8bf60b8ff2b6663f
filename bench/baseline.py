"""The baseline: the professional's summary by hand, the practical limit of this stack.

A plain Starlette endpoint that answers ``POST /graphql`` with the JSON that
``web/operations/summary.graphql`` (``RecordSummary``) gives through Carnet, built with
hand-written SQL and ``json.dumps``, with the same checks: the session cookie (one
statement, the same digest), the CSRF token (``api.security.csrf``), and the viewer's
relation to the record (owner, or a professional who is the treating doctor or holds a
grant covering the summary's sections, and is not blocked). ``/audited`` also writes the
access event: the chain's lock (PostgreSQL), its end, the event and its sealed head, in one
transaction, hashed and sealed as ``api.audit`` does.

Nine statements a request (session, relation, patient, four sections with their counts,
directives, the latest measurements), four more with the event; one more, the patient's
wrapped data key, when it is not cached (as long as Carnet caches it). The free text is
sealed per patient (``api/identity/sealed.py``): the baseline unwraps the patient's key
and opens each sealed column itself with ``api.identity``'s AES-GCM functions, as Carnet's
row hooks do after a read. The formatting of values
(labels, units, numbers) reuses Carnet's own pure functions: only the data access and the
GraphQL machinery are left out. Lives only in ``bench/``: nothing in the application uses it.

``bench.run`` serves it with ``uvicorn bench.baseline:create_app --factory`` and the same
environment (DATABASE_URL, SECRET_KEY) as the app.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.audit.chain import GENESIS_HASH, EventContent, event_hash
from api.audit.seal import key_for, seal
from api.consent.sections import Section
from api.identity import patient_keys, sealed, sealing
from api.identity.sessions import IDLE_TIMEOUT, token_digest
from api.interop import terminology
from api.records.entries.validation import is_current, today
from api.records.measurements import kinds, services
from api.records.measurements.bmi import pairs
from api.records.measurements.messages import format_number
from api.security import csrf
from api.settings import Settings

LANGUAGE = "fr"
SUMMARY_SECTIONS = frozenset({Section.IDENTITY, Section.ALLERGIES, Section.TREATMENTS,
                              Section.HISTORY, Section.VACCINATIONS, Section.DIRECTIVES,
                              Section.MEASUREMENTS})
SHOWN_KINDS = ("weight", "height", "blood_pressure", "heart_rate", "glucose", "spo2")
ALIASES = {"blood_pressure": "blood_pressure", "heart_rate": "heart_rate", "spo2": "spo2",
           "glucose": "glucose", "weight": "weight", "height": "height"}
PAGE = 100

_SESSION = ('SELECT "s"."account_id","s"."stage","s"."revoked_at","s"."absolute_expires_at",'
            '"s"."last_seen_at","a"."role" FROM "session" "s" JOIN "account" "a" '
            'ON "a"."id"="s"."account_id" WHERE "s"."token_hash"=?')
_RELATION = ('SELECT "pro"."id","pro"."profession","pro"."first_name","pro"."last_name",'
             '(SELECT COUNT(*) FROM "consent_treating_doctor" "t" WHERE "t"."patient_id"=? '
             'AND "t"."professional_id"="pro"."id") AS "treating",'
             '(SELECT COUNT(*) FROM "consent_block" "b" WHERE "b"."patient_id"=? '
             'AND "b"."professional_id"="pro"."id") AS "blocked",'
             '(SELECT MAX("g"."sections") FROM "consent_grant" "g" WHERE "g"."patient_id"=? '
             'AND "g"."professional_id"="pro"."id" AND "g"."revoked_at" IS NULL '
             'AND "g"."expires_at">?) AS "granted" '
             'FROM "professional" "pro" WHERE "pro"."account_id"=?')
_PATIENT = ('SELECT "id","account_id","ins_nir","ins_key","birth_name","first_names",'
            '"used_name","birth_date","sex","phone" FROM "patient" WHERE "id"=?')
_KEY = 'SELECT "wrapped","master_id","destroyed_at" FROM "patient_key" WHERE "patient_id"=?'
_ALLERGIES = ('SELECT "id","seal_id","substance","reaction","severity","criticality",'
              'COUNT(*) OVER () AS "total" FROM "allergy" WHERE "patient_id"=? '
              'ORDER BY "id" DESC LIMIT ?')
_TREATMENTS = ('SELECT "id","seal_id","medication","dose","route","start_date","end_date",'
               'COUNT(*) OVER () AS "total" FROM "treatment" WHERE "patient_id"=? '
               'ORDER BY COALESCE("start_date",?) DESC,"id" DESC LIMIT ?')
_HISTORY = ('SELECT "id","seal_id","kind","code","text","status","onset_date",'
            '"onset_precision","resolution_date","relative",COUNT(*) OVER () AS "total" '
            'FROM "history_entry" WHERE "patient_id"=? '
            'ORDER BY COALESCE("onset_date",?) DESC,"id" DESC LIMIT ?')
_VACCINATIONS = ('SELECT "id","vaccine_code","date","date_precision",COUNT(*) OVER () AS "total" '
                 'FROM "vaccination" WHERE "patient_id"=? '
                 'ORDER BY COALESCE("date",?) DESC,"id" DESC LIMIT ?')
_DIRECTIVES = ('SELECT "seal_id","advance_directives","organ_donation","organ_donation_limits",'
               '"last_confirmed_at","trusted_person_name","trusted_person_relation",'
               '"trusted_person_phone","trusted_person_email" FROM "directives" '
               'WHERE "patient_id"=?')
# The sealed columns the summary shows, per table (api/identity/sealed.py).
SEALED = {"allergy": ("substance", "reaction"), "treatment": ("medication", "dose", "route"),
          "history_entry": ("text",),
          "directives": ("advance_directives", "organ_donation_limits", "trusted_person_name",
                         "trusted_person_relation", "trusted_person_phone",
                         "trusted_person_email")}
_LATEST = ('SELECT "kind","value","value2","measured_at" FROM (SELECT "kind","value","value2",'
           '"measured_at",ROW_NUMBER() OVER (PARTITION BY "kind" ORDER BY "measured_at" DESC,'
           '"id" DESC) AS "n" FROM "measurement" WHERE "patient_id"=? AND "kind" IN '
           "('weight','height','blood_pressure','heart_rate','glucose','spo2')) AS \"m\" "
           'WHERE "n"=1')
_LOCK = "SELECT pg_advisory_xact_lock(1635083380, ?)"
_END = ('SELECT "e"."sequence","e"."hash" FROM "access_event" "e" WHERE "e"."patient_id"=? '
        'ORDER BY "e"."sequence" DESC LIMIT 1')
_INSERT = ('INSERT INTO "access_event" ("sequence","occurred_at","viewer_account_id",'
           '"viewer_professional_id","viewer_name","viewer_profession","basis","sections",'
           '"actions","emergency","request_kind","detail","prev_hash","hash","patient_id") '
           'VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)')
_HEAD = ('INSERT INTO "access_chain_head" ("patient_id","sequence","hash","seal") '
         'VALUES (?,?,?,?) ON CONFLICT ("patient_id") DO UPDATE SET '
         '"sequence"=excluded."sequence","hash"=excluded."hash","seal"=excluded."seal"')
_ADD_MEASUREMENT = ('INSERT INTO "measurement" ("patient_id","kind","value","value2","unit",'
                   '"measured_at","note","seal_id","created_at","created_by_id","updated_at",'
                   '"updated_by_id","imported","imported_as") '
                   'VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING "id"')
_JOURNAL_LOCK = "SELECT pg_advisory_xact_lock(1937337955, ?)"  # api.sync.journal's namespace
_CHANGE = ('INSERT INTO "sync_change" ("patient_id","section","item_id","kind","occurred_at",'
           '"created_by_id","category","type_code","hidden_from_professionals",'
           '"held_back_until","confidential_for_minor") VALUES (?,?,?,?,?,?,?,?,?,?,?)')
UNDATED = date(1, 1, 1)
# Seconds a SQLite statement waits for the other process's write lock before it fails.
BUSY_TIMEOUT = 30.0


def _numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$n``."""
    parts = sql.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


class Database:
    """Statements on one connection per request: an asyncpg pool, or one SQLite connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = not url.startswith("sqlite")
        self.pool: Any = None
        self.sqlite: Any = None
        # SQLite: one connection, so one transaction at a time on it.
        self.writing = asyncio.Lock()

    async def open(self) -> None:
        if self.postgres:
            import asyncpg

            dsn = self.url.replace("postgres://", "postgresql://", 1)
            self.pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10)
        else:
            import aiosqlite

            # Carnet writes the same file from its own process, and takes the write lock at
            # the start of each transaction (BEGIN IMMEDIATE, api/sqlite_client.py): while it
            # finishes the requests of the variant measured before this one, the baseline's
            # BEGIN IMMEDIATE waits for the lock instead of failing with "database is
            # locked" after sqlite3's default 5 seconds.
            self.sqlite = await aiosqlite.connect(
                self.url.removeprefix("sqlite://").split("?")[0], timeout=BUSY_TIMEOUT)
            self.sqlite.row_factory = _row_factory
            await self.sqlite.execute("PRAGMA journal_mode=WAL")

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        if self.sqlite is not None:
            await self.sqlite.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        if self.postgres:
            async with self.pool.acquire() as raw:
                yield Connection(raw, True)
        else:
            yield Connection(self.sqlite, False)


def _row_factory(cursor: Any, row: Sequence[Any]) -> dict[str, Any]:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


class Connection:
    def __init__(self, raw: Any, postgres: bool) -> None:
        self.raw = raw
        self.postgres = postgres

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        if self.postgres:
            return [dict(row) for row in await self.raw.fetch(_numbered(sql), *args)]
        async with self.raw.execute(sql, args) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, *args: Any) -> None:
        if self.postgres:
            await self.raw.execute(_numbered(sql), *args)
        else:
            await self.raw.execute(sql, args)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self.postgres:
            async with self.raw.transaction():
                yield
        else:
            await self.raw.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self.raw.rollback()
                raise
            await self.raw.commit()


def _instant(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _enum(value: str | None) -> str | None:
    return None if value is None else value.upper()


def _measurement(row: dict[str, Any]) -> dict[str, Any]:
    spec = kinds.SPECS[row["kind"]]
    shown = format_number(Decimal(str(row["value"])), LANGUAGE)
    if row["value2"] is not None:
        shown = f"{shown}/{format_number(Decimal(str(row['value2'])), LANGUAGE)}"
    return {"displayValue": f"{shown} {spec.display_unit(LANGUAGE)}",
            "measuredAt": _iso(_instant(row["measured_at"]))}


def _bmi(latest: dict[str, dict[str, Any]], birth_date: date) -> dict[str, float] | None:
    weight, height = latest.get("weight"), latest.get("height")
    if weight is None or height is None:
        return None
    w = SimpleNamespace(measured_at=_instant(weight["measured_at"]))
    h = SimpleNamespace(measured_at=_instant(height["measured_at"]))
    if not pairs(w, h, birth_date):  # type: ignore[arg-type]
        return None
    try:
        value = terminology.compute_bmi(float(weight["value"]), float(height["value"]))
    except ValueError:
        return None
    if terminology.validate_value("bmi", value) is not None:
        return None
    return {"value": value}


def _display_name(patient: dict[str, Any]) -> str:
    first = patient["first_names"].split(" ")[0] if patient["first_names"] else ""
    return f"{first} {patient['used_name'] or patient['birth_name']}".strip()


def _page(rows: list[dict[str, Any]], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"totalCount": rows[0]["total"] if rows else 0, "items": items}


class Unreadable(Exception):
    """The record's key was destroyed, or a sealed value does not open."""


class Keys:
    """Each patient's data key, unwrapped by hand from ``patient_key`` under the master key,
    kept as long as Carnet keeps its own (``api.identity.patient_keys.CACHE_SECONDS``)."""

    def __init__(self, master_key: bytes) -> None:
        self.master_key = master_key
        self.master_id = patient_keys.fingerprint(master_key)
        self.cache: dict[int, tuple[bytes | None, float]] = {}

    async def get(self, connection: Connection, patient_id: int) -> bytes | None:
        cached = self.cache.get(patient_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        rows = await connection.rows(_KEY, patient_id)
        key = None
        if rows and rows[0]["destroyed_at"] is None:
            if rows[0]["master_id"] != self.master_id:
                raise Unreadable(f"patient {patient_id}: key wrapped under another master key")
            key = patient_keys.unwrap(self.master_key, patient_id, bytes(rows[0]["wrapped"]))
        self.cache[patient_id] = (key, time.monotonic() + patient_keys.CACHE_SECONDS)
        return key


def open_sealed(table: str, rows: list[dict[str, Any]], patient_id: int,
                key: bytes | None) -> list[dict[str, Any]]:
    """The rows with their sealed columns opened in place (AES-GCM, bound to table, column,
    patient and seal id), as Carnet's row hooks do after a read."""
    for row in rows:
        if row["seal_id"] is None:  # written before sealing, not yet sealed by migrate
            continue
        for column in SEALED[table]:
            if row[column] is None:
                continue
            if key is None:
                raise Unreadable(f"patient {patient_id}: no key")
            try:
                row[column] = sealing.open_(key, row[column], sealed.sealing_aad(
                    table, column, patient_id, row["seal_id"]))
            except sealing.SealBroken as exc:
                raise Unreadable(str(exc)) from None
    return rows


async def summary(connection: Connection, patient: dict[str, Any], key: bytes | None
                  ) -> dict[str, Any]:
    """``RecordSummary``'s data for this patient, in seven statements (eight when the
    patient's key is not cached)."""
    pid = patient["id"]
    allergies = open_sealed("allergy", await connection.rows(_ALLERGIES, pid, PAGE), pid, key)
    treatments = open_sealed("treatment", await connection.rows(
        _TREATMENTS, pid, UNDATED, PAGE), pid, key)
    history = open_sealed("history_entry", await connection.rows(
        _HISTORY, pid, UNDATED, PAGE), pid, key)
    vaccinations = await connection.rows(_VACCINATIONS, pid, UNDATED, PAGE)
    directives = open_sealed("directives", await connection.rows(_DIRECTIVES, pid), pid, key)
    latest = {row["kind"]: row for row in await connection.rows(_LATEST, pid)}
    on = today()
    birth_date = _day(patient["birth_date"])
    assert birth_date is not None
    record: dict[str, Any] = {
        "id": str(pid),
        "displayName": _display_name(patient),
        "identity": {"insNir": patient["ins_nir"], "insKey": patient["ins_key"],
                     "birthName": patient["birth_name"], "firstNames": patient["first_names"],
                     "usedName": patient["used_name"], "birthDate": birth_date.isoformat(),
                     "sex": patient["sex"], "phone": patient["phone"]},
        "allergies": _page(allergies, [
            {"id": str(r["id"]), "substance": r["substance"], "reaction": r["reaction"],
             "severity": _enum(r["severity"]), "criticality": _enum(r["criticality"])}
            for r in allergies]),
        "treatments": _page(treatments, [
            {"id": str(r["id"]), "medication": r["medication"], "dose": r["dose"],
             "route": r["route"], "startDate": _iso(_day(r["start_date"])),
             "current": is_current(_day(r["start_date"]), _day(r["end_date"]), on)}
            for r in treatments]),
        "history": _page(history, [
            {"id": str(r["id"]), "kind": _enum(r["kind"]), "label": _history_label(r),
             "status": _enum(r["status"]), "onsetDate": _iso(_day(r["onset_date"])),
             "onsetPrecision": _enum(r["onset_precision"]) if r["onset_date"] else None,
             "resolutionDate": _iso(_day(r["resolution_date"])),
             "relative": _enum(r["relative"])}
            for r in history]),
        "vaccinations": _page(vaccinations, [
            {"id": str(r["id"]), "vaccineCode": r["vaccine_code"],
             "date": _iso(_day(r["date"])), "datePrecision": _enum(r["date_precision"]),
             "vaccine": _vaccine(r["vaccine_code"])}
            for r in vaccinations]),
        "directives": _directives(directives[0] if directives else None),
    }
    for kind in SHOWN_KINDS:
        row = latest.get(kind)
        record[ALIASES[kind]] = {"items": [_measurement(row)] if row else []}
    record["computedBmi"] = _bmi(latest, birth_date)
    kinds_list = [{"kind": spec.key.upper(), "label": spec.label(LANGUAGE)}
                  for spec in kinds.all_specs()]
    return {"measurementKinds": kinds_list, "patient": record}


def _history_label(row: dict[str, Any]) -> str:
    concept = (terminology.lookup(terminology.System.ICD10, row["code"])
               if row["code"] else None)
    return concept.label(LANGUAGE) if concept is not None else (row["text"] or "")


def _vaccine(code: str) -> dict[str, str] | None:
    concept = terminology.vaccine(code)
    return {"label": concept.label(LANGUAGE)} if concept is not None else None


def _directives(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    trusted = None
    if row["trusted_person_name"]:
        trusted = {"name": row["trusted_person_name"],
                   "relation": row["trusted_person_relation"],
                   "phone": row["trusted_person_phone"], "email": row["trusted_person_email"]}
    return {"advanceDirectives": row["advance_directives"],
            "organDonation": _enum(row["organ_donation"]),
            "organDonationLimits": row["organ_donation_limits"],
            "lastConfirmedAt": _iso(_instant(row["last_confirmed_at"])),
            "trustedPerson": trusted}


def _stored(connection: Connection) -> Any:
    """Values as each database takes them: objects for asyncpg, text for SQLite (as
    Tortoise's SQLite adapters write decimals and instants)."""
    def text(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat(" ")
        return None if value is None else str(value)

    return (lambda value: value) if connection.postgres else text


def _user_errors(problems: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"data": {"addMeasurement": {"measurement": None,
                                                     "userErrors": problems}}})


def _refused(message: str, code: str, status: int = 200) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message,
                                                   "extensions": {"code": code}}]},
                        status_code=status)


class Baseline:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.database = Database(settings.database_url)
        self.key = key_for(settings.secret_key)
        self.keys = Keys(settings.data_master_key)

    async def viewer(self, connection: Connection, request: Request) -> dict[str, Any] | None:
        token = request.cookies.get("carnet_session")
        if not token or len(token) > 100:
            return None
        rows = await connection.rows(_SESSION, token_digest(self.settings.secret_key, token))
        if not rows:
            return None
        session = rows[0]
        now = datetime.now(UTC)
        if (session["stage"] != "active" or session["revoked_at"] is not None
                or now >= _instant(session["absolute_expires_at"])  # type: ignore[operator]
                or now - _instant(session["last_seen_at"]) >= IDLE_TIMEOUT):  # type: ignore[operator]
            return None
        return session

    async def answer(self, request: Request, audited: bool) -> Response:
        if not csrf.token_matches(request, request.headers.get(csrf.HEADER)):
            return _refused("CSRF token missing or wrong.", "CSRF", 403)
        body = json.loads(await request.body())
        if body.get("operationName") == "AddMeasurement":
            return await self.add_measurement(request, body)
        try:
            patient_id = int(body["variables"]["id"])
        except (KeyError, TypeError, ValueError):
            return _refused("Bad id.", "BAD_ID")
        async with self.database.connection() as connection:
            viewer = await self.viewer(connection, request)
            if viewer is None:
                return _refused("Sign in first.", "UNAUTHENTICATED")
            patients = await connection.rows(_PATIENT, patient_id)
            if not patients:
                return _refused("No such patient.", "NOT_FOUND")
            patient = patients[0]
            account_id = viewer["account_id"]
            professional = None
            if patient["account_id"] != account_id:
                professional = await self.relation(connection, account_id, patient_id)
                if professional is None:
                    return _refused("No such patient.", "NOT_FOUND")
            try:
                data = await summary(connection, patient,
                                     await self.keys.get(connection, patient_id))
            except Unreadable:
                return _refused("This record's data cannot be read.", "RECORD_UNREADABLE")
            if audited and professional is not None:
                async with self.database.writing:
                    await self.write_event(connection, patient_id, account_id, professional)
        return Response(json.dumps({"data": data}, ensure_ascii=False),
                        media_type="application/json")

    async def add_measurement(self, request: Request, body: dict[str, Any]) -> Response:
        """``AddMeasurement`` (web/operations/measurements.graphql) by the record's owner:
        the session, the owner relation, Carnet's own checks of the reading, then in one
        transaction the row (its note sealed) and the change journal's row, as
        ``api.records.measurements.services.add_measurement`` writes them. The owner's
        accesses are not written to the access history, by Carnet either."""
        try:
            given = body["variables"]["input"]
            patient_id = int(given["patientId"])
            kind = services.kind_from_input(str(given["kind"]))
            reading = services.Reading(
                value=float(given["value"]),
                value2=None if given.get("value2") is None else float(given["value2"]),
                measured_at=datetime.fromisoformat(given["measuredAt"]),
                note=given.get("note"))
        except (KeyError, TypeError, ValueError):
            return _refused("Bad input.", "BAD_USER_INPUT")
        async with self.database.connection() as connection:
            viewer = await self.viewer(connection, request)
            if viewer is None:
                return _refused("Sign in first.", "UNAUTHENTICATED")
            patients = await connection.rows(_PATIENT, patient_id)
            if not patients or patients[0]["account_id"] != viewer["account_id"]:
                return _refused("No such patient.", "NOT_FOUND")  # professionals: not here
            if kind is None:
                return _user_errors([{"field": "kind", "code": "UNKNOWN_KIND"}])
            problems = services.check_reading(kind, reading, _day(patients[0]["birth_date"]))
            if problems:
                return _user_errors([{"field": p.field, "code": p.code} for p in problems])
            value = services.to_decimal(kind, reading.value)
            value2 = None if reading.value2 is None else services.to_decimal(kind,
                                                                             reading.value2)
            note = services.clean_note(reading.note)
            author = viewer["account_id"]
            async with self.database.writing, connection.transaction():
                seal_id = sealed.new_seal_id()
                if note is not None:
                    key = await self.keys.get(connection, patient_id)
                    if key is None:
                        return _refused("This record was erased.", "RECORD_UNREADABLE")
                    note = sealing.seal(key, note, sealed.sealing_aad(
                        "measurement", "note", patient_id, seal_id))
                now = datetime.now(UTC)
                stored = _stored(connection)
                rows = await connection.rows(
                    _ADD_MEASUREMENT, patient_id, kind.key, stored(value), stored(value2),
                    kind.ucum, stored(reading.measured_at.astimezone(UTC)), note, seal_id,
                    stored(now), author, stored(now), author, False, None)
                entry_id = rows[0]["id"]
                if connection.postgres:
                    await connection.rows(_JOURNAL_LOCK, patient_id)
                await connection.execute(
                    _CHANGE, patient_id, "measurements", entry_id, "created", stored(now),
                    author, None, None, False, None, False)
        shown = format_number(value, LANGUAGE)
        if value2 is not None:
            shown = f"{shown}/{format_number(value2, LANGUAGE)}"
        data = {"addMeasurement": {"measurement": {
            "id": str(entry_id), "kind": kind.key.upper(),
            "displayValue": f"{shown} {kind.display_unit(LANGUAGE)}"}, "userErrors": []}}
        return Response(json.dumps({"data": data}, ensure_ascii=False),
                        media_type="application/json")

    async def relation(self, connection: Connection, account_id: int, patient_id: int
                       ) -> dict[str, Any] | None:
        rows = await connection.rows(_RELATION, patient_id, patient_id, patient_id,
                                     datetime.now(UTC), account_id)
        if not rows or rows[0]["blocked"]:
            return None
        row = rows[0]
        granted = {part for part in (row["granted"] or "").split(",") if part}
        if row["treating"]:
            row["basis"] = "treating_doctor"
        elif {s.value for s in SUMMARY_SECTIONS} <= granted:
            row["basis"] = "grant"
        else:
            return None
        return row

    async def write_event(self, connection: Connection, patient_id: int, account_id: int,
                          professional: dict[str, Any]) -> None:
        async with connection.transaction():
            if connection.postgres:
                await connection.rows(_LOCK, patient_id)
            ends = await connection.rows(_END, patient_id)
            sequence = (ends[0]["sequence"] if ends else 0) + 1
            prev_hash = ends[0]["hash"] if ends else GENESIS_HASH
            moment = datetime.now(UTC)
            content = EventContent(
                patient_id=patient_id, sequence=sequence, occurred_at=moment,
                viewer_account_id=account_id, viewer_professional_id=professional["id"],
                viewer_name=f"{professional['first_name']} {professional['last_name']}",
                viewer_profession=professional["profession"], basis=professional["basis"],
                sections=",".join(sorted(s.value for s in SUMMARY_SECTIONS)), actions="read",
                emergency=False, request_kind="graphql", detail="")
            digest = event_hash(content, prev_hash)
            stored = moment if connection.postgres else str(moment)
            await connection.execute(
                _INSERT, sequence, stored, account_id, content.viewer_professional_id,
                content.viewer_name, content.viewer_profession, content.basis,
                content.sections, content.actions, False, content.request_kind, "",
                prev_hash, digest, patient_id)
            await connection.execute(_HEAD, patient_id, sequence, digest,
                                     seal(self.key, patient_id, sequence, digest))


def create_app() -> Starlette:
    settings = Settings.from_env()
    baseline = Baseline(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await baseline.database.open()
        try:
            yield
        finally:
            await baseline.database.close()

    async def plain(request: Request) -> Response:
        return await baseline.answer(request, audited=False)

    async def audited(request: Request) -> Response:
        return await baseline.answer(request, audited=True)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/graphql", plain, methods=["POST"]),
                             Route("/audited", audited, methods=["POST"]),
                             Route("/healthz", healthz)],
                     lifespan=lifespan)

