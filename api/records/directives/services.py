"""Checking and saving a patient's directives (one row, created or updated in place).

Callers run these inside their transaction (``audited_transaction``): the check reads the
row the write changes, and the access event commits with the write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api import clock
from api.consent.facts import ItemFacts
from api.consent.policy import MINIMUM_AGE, Statement
from api.consent.sections import Section
from api.graphql.common import Problem, is_number_text
from api.records.directives.models import MAX_TEXT_LENGTH, Directives, OrganDonation
from api.records.provenance import stamp_created, stamp_updated
from api.sync.idempotency import Claim, store_key
from api.sync.journal import record_change
from api.sync.models import ChangeKind
from api.sync.sources import FeedSource, register_feed_source

# Whoever reads the directives section reads the whole of it.
register_feed_source(FeedSource(Section.DIRECTIVES, Directives))

MAX_LIMITS_LENGTH = 2000
MAX_NAME_LENGTH = 200
MAX_RELATION_LENGTH = 100
MAX_EMAIL_LENGTH = 254
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")
_NATIONAL_PHONE = re.compile(r"0[0-9]{9}")
_INTERNATIONAL_PHONE = re.compile(r"\+[0-9]{8,15}")
_EMAIL = re.compile(r"[^@\s]+@(?:[^@\s.]+\.)+[^@\s.]{2,}")
_TRUSTED_COLUMNS = ("trusted_person_name", "trusted_person_relation", "trusted_person_phone",
                    "trusted_person_email")


@dataclass(frozen=True)
class TrustedPerson:
    name: str
    relation: str | None = None
    phone: str | None = None
    email: str | None = None


async def _journal(patient_id: int, directives: Directives, kind: ChangeKind) -> None:
    """Note the write in the change journal, in the caller's transaction."""
    author: int | None = directives.created_by_id  # type: ignore[attr-defined]
    await record_change(None, patient_id=patient_id, section=Section.DIRECTIVES,
                        item_id=directives.id, kind=kind,
                        facts=ItemFacts(author_account_id=author))


def normalise_phone(raw: str) -> str | None:
    """Digits only (a leading + kept), or None when it cannot be a phone number."""
    compact = _PHONE_SEPARATORS.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _NATIONAL_PHONE.fullmatch(compact) or _INTERNATIONAL_PHONE.fullmatch(compact):
        return compact
    return None


def is_email(text: str) -> bool:
    return len(text) <= MAX_EMAIL_LENGTH and _EMAIL.fullmatch(text) is not None


def _text(value: Any) -> str | None:
    text = (value or "").strip()
    return text or None


def _too_long(field: str, text: str | None, limit: int) -> list[Problem]:
    return [Problem(field, "TOO_LONG", {"limit": limit})] if text and len(text) > limit else []


def _trusted_columns(person: TrustedPerson | None) -> tuple[dict[str, Any], list[Problem]]:
    if person is None:
        return dict.fromkeys(_TRUSTED_COLUMNS), []
    name, relation = _text(person.name), _text(person.relation)
    phone_text, email = _text(person.phone), _text(person.email)
    problems = [] if name else [Problem("trustedPerson.name", "NAME_REQUIRED")]
    problems += _too_long("trustedPerson.name", name, MAX_NAME_LENGTH)
    problems += _too_long("trustedPerson.relation", relation, MAX_RELATION_LENGTH)
    phone = normalise_phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        problems.append(Problem("trustedPerson.phone", "BAD_PHONE"))
    if email and not is_email(email):
        problems.append(Problem("trustedPerson.email", "BAD_EMAIL"))
    values = dict(zip(_TRUSTED_COLUMNS, (name, relation, phone, email), strict=True))
    return values, problems


def _document_id(raw: Any) -> int | Problem | None:
    if raw is None:
        return None
    text = str(raw).strip()
    if not is_number_text(text) or int(text) == 0:
        return Problem("documentId", "BAD_DOCUMENT_ID")
    return int(text)


# The input field that states each statement, as the client names it.
_STATEMENT_FIELDS = {Statement.ADVANCE_DIRECTIVES: "advanceDirectives",
                     Statement.TRUSTED_PERSON: "trustedPerson",
                     Statement.ORGAN_DONATION: "organDonation"}


def _stated(columns: dict[str, Any]) -> set[Statement]:
    """The statements these columns say something in (clearing one says nothing)."""
    stated = set()
    if columns.get("advance_directives") or columns.get("document_id"):
        stated.add(Statement.ADVANCE_DIRECTIVES)
    if columns.get("trusted_person_name"):
        stated.add(Statement.TRUSTED_PERSON)
    if columns.get("organ_donation") not in (None, OrganDonation.NOT_STATED):
        stated.add(Statement.ORGAN_DONATION)
    return stated


def merge(current: Directives | None, given: dict[str, Any],
          open_statements: frozenset[Statement] = frozenset(Statement)
          ) -> tuple[dict[str, Any], list[Problem]]:
    """The columns after applying what the client gave, and the problems with them;
    `open_statements`: what the person's age allows (api.consent.policy.open_statements)."""
    columns: dict[str, Any] = {}
    problems: list[Problem] = []
    if "advance_directives" in given:
        text = (given["advance_directives"] or "").strip()
        columns["advance_directives"] = text
        problems += _too_long("advanceDirectives", text, MAX_TEXT_LENGTH)
    if "document_id" in given:
        document = _document_id(given["document_id"])
        if isinstance(document, Problem):
            problems.append(document)
        else:
            columns["document_id"] = document
    if "trusted_person" in given:
        trusted, found = _trusted_columns(given["trusted_person"])
        columns.update(trusted)
        problems += found
    if "organ_donation" in given:
        columns["organ_donation"] = given["organ_donation"] or OrganDonation.NOT_STATED
    if "organ_donation_limits" in given:
        columns["organ_donation_limits"] = _text(given["organ_donation_limits"])
        problems += _too_long("organDonationLimits", columns["organ_donation_limits"],
                              MAX_LIMITS_LENGTH)
    stance = columns.get("organ_donation", current.organ_donation if current else None)
    limits = columns.get("organ_donation_limits",
                         current.organ_donation_limits if current else None)
    if stance == OrganDonation.LIMITED and not limits:
        problems.append(Problem("organDonationLimits", "LIMITS_REQUIRED"))
    if stance != OrganDonation.LIMITED and limits:
        columns["organ_donation_limits"] = None  # limits only mean something for LIMITED
    for statement in sorted(_stated(columns) - open_statements):
        problems.append(Problem(_STATEMENT_FIELDS[statement], "TOO_YOUNG",
                                {"age": MINIMUM_AGE[statement]}))
    return columns, problems


async def save(patient_id: int, given: dict[str, Any], account_id: int,
               claim: Claim | None = None,
               open_statements: frozenset[Statement] = frozenset(Statement),
               marks: dict[str, Any] | None = None) -> Directives | list[Problem]:
    """Create or change the directives; with `claim`, its idempotency key is stored too;
    `marks` (api.records.provenance.import_marks) apply to directives it creates."""
    for _attempt in range(2):
        current = await Directives.get_or_none(patient_id=patient_id)
        columns, problems = merge(current, given, open_statements)
        if problems:
            return problems
        if current is not None:
            for name, value in columns.items():
                setattr(current, name, value)
            changed = stamp_updated(current, account_id)
            await current.save(update_fields=[*columns, *changed])
            await store_key(claim, None, "Directives", current.id)
            await _journal(patient_id, current, ChangeKind.UPDATED)
            return current
        try:
            # A savepoint: inside the caller's transaction, a refused insert must not end it.
            async with in_transaction():
                created = await Directives.create(
                    **stamp_created({"patient_id": patient_id, **columns, **(marks or {})},
                                    account_id))
        except IntegrityError:
            continue  # saved at the same moment by another request: update that row instead
        await store_key(claim, None, "Directives", created.id)
        await _journal(patient_id, created, ChangeKind.CREATED)
        return created
    raise RuntimeError("directives could not be saved")  # pragma: no cover


async def confirm(patient_id: int, account_id: int) -> Directives | list[Problem]:
    current = await Directives.get_or_none(patient_id=patient_id)
    if current is None:
        return [Problem(None, "NOTHING_TO_CONFIRM")]
    current.last_confirmed_at = clock.now()
    current.last_confirmed_by_id = account_id
    await current.save(update_fields=["last_confirmed_at", "last_confirmed_by_id"])
    await _journal(patient_id, current, ChangeKind.UPDATED)
    return current


async def clear(patient_id: int) -> bool:
    """Delete the patient's directives; whether there were any."""
    current = await Directives.get_or_none(patient_id=patient_id)
    if current is None or not await Directives.filter(id=current.id).delete():
        return False
    await _journal(patient_id, current, ChangeKind.DELETED)
    return True
