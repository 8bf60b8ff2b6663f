"""Loading the facts the policy decides on, once per request and patient.

This is the only place that turns database rows into `ViewerFacts` and `Rights`;
`policy.decide` then answers every question about them without I/O. Loading the rights on
N patients costs the same fixed number of statements as on one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from api import clock
from api.consent.facts import AppFacts, EmergencyFacts, GrantFacts, Rights, ViewerFacts
from api.consent.models import Grant, decode_sections
from api.consent.sections import EXPORT_SCOPE, Action, Profession, Section
from api.graphql.viewer import AppIdentity, Viewer
from api.identity.models import Patient, Professional, Role


def eighteenth_birthday(birth_date: date) -> datetime:
    try:
        day = birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born on 29 February
        day = date(birth_date.year + 18, 3, 1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def owner_account_id(patient: Patient) -> int | None:
    """The account that owns the record; None for a child managed by a parent."""
    return patient.account_id


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
    """The app's scopes (``allergies.read``..., ``fhir.export``) as the policy reads them."""
    scopes: set[tuple[Section, Action]] = set()
    for scope in app.scopes:
        if scope == EXPORT_SCOPE:
            continue
        section, _, action = scope.partition(".")
        try:
            scopes.add((Section(section), Action(action)))
        except ValueError:  # an unknown scope gives nothing
            continue
    return AppFacts(frozenset(scopes), export=EXPORT_SCOPE in app.scopes)


async def load_rights(viewer: Viewer, patient: Patient) -> Rights:
    """Everything that links this viewer (and the app acting for them) to this patient."""
    return (await load_rights_many(viewer, [patient]))[patient.id]


# The facts about (viewer, patients) in one statement: one branch per kind of relation.
# Column meanings by kind: "text" the profession or a grant's sections, "at" and "until"
# a grant's expiry and revocation or a break-glass opening and expiry, "flag" a grant's
# write, "number" the row id (to keep grants and accesses in their order), "first_name" and
# "last_name" the professional's (the access history writes them in each event).
_FACTS_BRANCHES = (
    # Typed NULLs: PostgreSQL resolves a UNION's column types branch by branch.
    ('SELECT \'professional\' AS "kind",CAST(NULL AS INTEGER) AS "patient_id",'
     '"profession" AS "text",CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS "at",'
     'CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS "until",CAST(NULL AS BOOLEAN) AS "flag",'
     '"id" AS "number","first_name" AS "first_name","last_name" AS "last_name" '
     'FROM "professional" WHERE "account_id"={account}'),
    ('SELECT \'guardian\',"patient_id",NULL,NULL,NULL,NULL,"id",NULL,NULL FROM "guardianship" '
     'WHERE "guardian_id"={account} AND "patient_id" {ids}'),
    ('SELECT \'grant\',"g"."patient_id","g"."sections","g"."expires_at","g"."revoked_at",'
     '"g"."write","g"."id",NULL,NULL FROM "consent_grant" "g" JOIN "professional" "p" ON '
     '"p"."id"="g"."professional_id" WHERE "p"."account_id"={account} '
     'AND "g"."patient_id" {ids}'),
    ('SELECT \'treating\',"t"."patient_id",NULL,NULL,NULL,NULL,"t"."id",NULL,NULL FROM '
     '"consent_treating_doctor" "t" JOIN "professional" "p" ON "p"."id"="t"."professional_id" '
     'WHERE "p"."account_id"={account} AND "t"."patient_id" {ids}'),
    ('SELECT \'block\',"b"."patient_id",NULL,NULL,NULL,NULL,"b"."id",NULL,NULL '
     'FROM "consent_block" "b" '
     'JOIN "professional" "p" ON "p"."id"="b"."professional_id" '
     'WHERE "p"."account_id"={account} AND "b"."patient_id" {ids}'),
    ('SELECT \'emergency\',"e"."patient_id",NULL,"e"."opened_at","e"."expires_at",NULL,'
     '"e"."id",NULL,NULL FROM "consent_emergency_access" "e" JOIN "professional" "p" ON '
     '"p"."id"="e"."professional_id" WHERE "p"."account_id"={account} '
     'AND "e"."patient_id" {ids}'),
    ('SELECT \'opposed\',"s"."patient_id",NULL,NULL,NULL,NULL,"s"."id",NULL,NULL '
     'FROM "consent_settings" "s" '
     'WHERE "s"."emergency_opposed" AND "s"."patient_id" {ids}'),
    # The owner closed the account: the record is archived (api/lifecycle).
    ('SELECT \'archived\',"r"."id",NULL,NULL,NULL,NULL,"r"."id",NULL,NULL FROM "patient" "r" '
     'JOIN "account" "a" ON "a"."id"="r"."account_id" '
     'WHERE "a"."status"=\'closed\' AND "r"."id" {ids}'),
)


@lru_cache(maxsize=64)
def facts_sql(dialect: str, patients: int) -> str:
    """The facts statement for this many patients (cached: no query building per request).

    PostgreSQL takes the account as $1 and the patient ids as one array, $2; SQLite takes
    the account then the ids again in each branch (``facts_parameters``).
    """
    if dialect == "postgres":
        return " UNION ALL ".join(branch.format(account="$1", ids="= ANY($2::int[])")
                                  for branch in _FACTS_BRANCHES)
    marks = "IN (" + ",".join("?" * patients) + ")" if patients else "IN (NULL)"
    return " UNION ALL ".join(branch.format(account="?", ids=marks) for branch in _FACTS_BRANCHES)


def facts_parameters(dialect: str, account_id: int, ids: list[int]) -> list[Any]:
    if dialect == "postgres":
        return [account_id, ids]
    parameters: list[Any] = [account_id]
    for branch in _FACTS_BRANCHES[1:]:
        parameters += [account_id, *ids] if "{account}" in branch else ids
    return parameters


def _instant(value: Any) -> datetime | None:
    """A datetime as Tortoise gives it back (SQLite stores ISO text)."""
    if value is None or isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ProfessionalRow:
    """The viewing professional, as the facts statement read them."""

    professional_id: int
    account_id: int
    first_name: str
    last_name: str
    profession: str


@dataclass
class _Relations:
    profession: Profession | None = None
    professional: ProfessionalRow | None = None
    represented: set[int] = field(default_factory=set)
    grants: dict[int, list[GrantFacts]] = field(default_factory=dict)
    treating: set[int] = field(default_factory=set)
    blocked: set[int] = field(default_factory=set)
    emergencies: dict[int, EmergencyFacts] = field(default_factory=dict)
    opposed: set[int] = field(default_factory=set)
    archived: set[int] = field(default_factory=set)


async def _relations(account_id: int, ids: list[int]) -> _Relations:
    """Every fact about (account, patients), in one statement."""
    client = Grant._meta.db
    dialect = client.capabilities.dialect
    rows = await client.execute_query_dict(facts_sql(dialect, len(ids)),
                                           facts_parameters(dialect, account_id, ids))
    found = _Relations()
    grants: list[tuple[int, int, GrantFacts]] = []
    accesses: list[tuple[datetime, int, int, EmergencyFacts]] = []
    for row in rows:
        kind, patient_id = row["kind"], row["patient_id"]
        if kind == "professional":
            found.profession = Profession(row["text"])
            found.professional = ProfessionalRow(row["number"], account_id, row["first_name"],
                                                 row["last_name"], row["text"])
        elif kind == "guardian":
            found.represented.add(patient_id)
        elif kind == "grant":
            expires_at = _instant(row["at"])
            assert expires_at is not None
            grants.append((row["number"], patient_id, GrantFacts(
                sections=decode_sections(row["text"]), write=bool(row["flag"]),
                expires_at=expires_at, revoked_at=_instant(row["until"]))))
        elif kind == "treating":
            found.treating.add(patient_id)
        elif kind == "block":
            found.blocked.add(patient_id)
        elif kind == "emergency":
            opened_at, expires_at = _instant(row["at"]), _instant(row["until"])
            assert opened_at is not None and expires_at is not None
            accesses.append((opened_at, row["number"], patient_id,
                             EmergencyFacts(opened_at, expires_at)))
        elif kind == "opposed":
            found.opposed.add(patient_id)
        elif kind == "archived":
            found.archived.add(patient_id)
    for _, patient_id, grant in sorted(grants, key=lambda g: g[0]):
        found.grants.setdefault(patient_id, []).append(grant)
    # Oldest first, so the latest access of each patient is the one kept.
    for _, _, patient_id, access in sorted(accesses, key=lambda a: (a[0], a[1])):
        found.emergencies[patient_id] = access
    return found


async def load_facts(viewer: Viewer, patients: Sequence[Patient]
                     ) -> tuple[ViewerFacts, dict[int, Rights], ProfessionalRow | None]:
    """The viewer's facts, their rights on each patient, and their professional row (None
    for a patient or parent), in one statement."""
    ids = list(dict.fromkeys(p.id for p in patients))
    relations = await _relations(viewer.account_id, ids)
    facts = ViewerFacts(account_id=viewer.account_id, professional=relations.profession)
    return facts, _rights(viewer, patients, relations), relations.professional


async def load_rights_many(viewer: Viewer, patients: Sequence[Patient]) -> dict[int, Rights]:
    """`load_rights` for many patients at once, in one statement.

    Guardianships, and for a professional every kind of relation: grants (all of them,
    expired and revoked included: the policy tells them apart), the treating-doctor
    designation, blocks, break-glass accesses, and emergency oppositions; and whether the
    record is archived (its owner closed the account).
    """
    return (await load_facts(viewer, patients))[1]


def _rights(viewer: Viewer, patients: Sequence[Patient], relations: _Relations
            ) -> dict[int, Rights]:
    now = clock.now()
    account_id = viewer.account_id
    # Only a professional account can hold grants, designations, blocks or break-glass.
    professional = viewer.account.role is Role.PROFESSIONAL
    empty = _Relations()
    mine = relations if professional else empty
    app = viewer.app
    scoped = app_facts(app) if app is not None else None
    rights: dict[int, Rights] = {}
    for patient in patients:
        if app is not None and app.patient_id is not None and patient.id != app.patient_id:
            # The app was connected to another record: it has no relation to this one.
            rights[patient.id] = Rights(patient_id=patient.id, now=now, app=scoped,
                                        archived=patient.id in relations.archived)
            continue
        owner = owner_account_id(patient)
        rights[patient.id] = Rights(
            patient_id=patient.id,
            now=now,
            is_owner=owner is not None and owner == account_id,
            representative_until=(
                eighteenth_birthday(patient.birth_date)
                if patient.id in relations.represented else None
            ),
            grants=tuple(mine.grants.get(patient.id, ())),
            is_treating_doctor=patient.id in mine.treating,
            is_blocked=patient.id in mine.blocked,
            emergency=mine.emergencies.get(patient.id),
            emergency_opposed=patient.id in mine.opposed,
            app=scoped,
            archived=patient.id in relations.archived,
        )
    return rights
