"""Reading a FHIR R4B Bundle (docs/fhir.md); pure, no database.

`read_bundle` refuses a malformed file with the location of its first error (a JSON syntax
error by line and column, a resource that fails `fhir.resources` validation by its path,
e.g. ``entry[3].resource.code.coding[0].system``). What each resource becomes is
`api.exchange.fhir.mapping.plan_import`'s work.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from api.exchange.fhir import systems
from api.texts import N_

MAX_BUNDLE_BYTES = 64 * 1024 * 1024
BUNDLE_TYPES = ("transaction", "collection", "document")
Json = dict[str, Any]


# --- refusing a file -------------------------------------------------------------------

class BundleRefused(Exception):
    """The file cannot be read as a Bundle; nothing of it is imported.

    `location` says where the first error is (``line 4, column 7``, ``entry[3].resource.code``),
    `message_id` what is wrong (English id, words in the catalogues), `params` fill it in.
    """

    def __init__(self, location: str, message_id: str, **params: object) -> None:
        super().__init__(f"{location}: {message_id.format(**params)}")
        self.location = location
        self.message_id = message_id
        self.params = params


REFUSALS = {
    "too_large": N_("The file is larger than {limit} MB."),
    "not_json": N_("This is not a JSON file: {detail}."),
    "not_utf8": N_("The file is not text in UTF-8."),
    "not_bundle": N_("This is not a FHIR Bundle (resourceType is {found})."),
    "bundle_type": N_("A Bundle of type {found} cannot be imported: only transaction, "
                      "collection and document bundles can."),
    "no_resource_type": N_("This resource does not say its resourceType."),
    "invalid": N_("This does not follow FHIR R4B: {detail}."),
    "other_person": N_("This file is about another person (its INS is not the one of this "
                       "record): nothing was imported."),
}


def location_of(loc: Iterable[int | str], prefix: str = "") -> str:
    """pydantic's ``('entry', 3, 'resource', 'code')`` as ``entry[3].resource.code``."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "Bundle"


def _validation_refusal(error: ValidationError, prefix: str) -> BundleRefused:
    first = error.errors()[0]
    loc = [part for part in first["loc"] if not str(part).startswith("function-")]
    return BundleRefused(location_of(loc, prefix), REFUSALS["invalid"], detail=first["msg"])


def check_same_person(bundle: ReadBundle, ins: str) -> None:
    """BundleRefused when a Patient of the bundle carries an INS other than ``ins`` (the
    record's NIR and key): one person's file must not fill another person's record. A
    Patient without an INS (another service's export) is not refused."""
    for entry in bundle.entries:
        if entry.resource_type != "Patient":
            continue
        for index, identifier in enumerate(entry.resource.get("identifier") or ()):
            value = str(identifier.get("value") or "").replace(" ", "")
            if identifier.get("system") == systems.INS_NIR and value and value != ins:
                raise BundleRefused(f"{entry.location}.resource.identifier[{index}]",
                                    REFUSALS["other_person"])


# --- the file, read -----------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One entry of the bundle: where it is, its resource (as JSON, validated) and its type."""

    index: int
    resource: Json
    full_url: str | None

    @property
    def location(self) -> str:
        return f"entry[{self.index}]"

    @property
    def resource_type(self) -> str:
        return str(self.resource.get("resourceType"))

    @property
    def label(self) -> str:
        """``Condition/condition-12``: how the report names it."""
        own = self.resource.get("id")
        return f"{self.resource_type}/{own}" if own else self.resource_type


@dataclass(frozen=True)
class ReadBundle:
    kind: str
    entries: tuple[Entry, ...]
    # Entries whose resourceType FHIR R4B does not know: (entry, the type written).
    unknown: tuple[Entry, ...] = ()


def read_bundle(data: bytes, progress: Callable[[int, int], None] | None = None) -> ReadBundle:
    """The bundle in `data`, each resource validated; BundleRefused at the first error."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleRefused("file", REFUSALS["too_large"], limit=MAX_BUNDLE_BYTES // 2**20)
    try:
        textual = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BundleRefused(f"byte {error.start}", REFUSALS["not_utf8"]) from None
    try:
        document = json.loads(textual)
    except json.JSONDecodeError as error:
        raise BundleRefused(f"line {error.lineno}, column {error.colno}", REFUSALS["not_json"],
                            detail=error.msg) from None
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        found = document.get("resourceType") if isinstance(document, dict) else None
        raise BundleRefused("resourceType", REFUSALS["not_bundle"], found=str(found or "-"))
    raw_entries = document.get("entry") or []
    if not isinstance(raw_entries, list):
        raise BundleRefused("entry", REFUSALS["invalid"], detail="a list is expected")
    # The envelope first (type, entries' fullUrl and request), without the resources.
    shell = {**document, "entry": [
        {key: value for key, value in item.items() if key != "resource"}
        if isinstance(item, dict) else item for item in raw_entries]}
    # fhir.resources (and the YAML reader it brings) loads on the first import, not at the
    # server's start: about a tenth of a second nobody waits for before the first request.
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(shell)
    except ValidationError as error:
        raise _validation_refusal(error, "") from None
    kind = str(document.get("type"))
    if kind not in BUNDLE_TYPES:
        raise BundleRefused("type", REFUSALS["bundle_type"], found=kind)
    entries: list[Entry] = []
    unknown: list[Entry] = []
    total = len(raw_entries)
    for index, item in enumerate(raw_entries):
        resource = item.get("resource")
        if resource is None:
            continue  # a transaction's DELETE carries no resource: nothing to add
        where = f"entry[{index}].resource"
        if not isinstance(resource, dict):
            raise BundleRefused(where, REFUSALS["invalid"], detail="an object is expected")
        resource_type = resource.get("resourceType")
        if not isinstance(resource_type, str) or not resource_type:
            raise BundleRefused(where, REFUSALS["no_resource_type"])
        entry = Entry(index, resource, item.get("fullUrl"))
        try:
            model = get_fhir_model_class(resource_type)
        except (ValueError, KeyError):
            unknown.append(entry)
            continue
        try:
            model.model_validate(resource)
        except ValidationError as error:
            raise _validation_refusal(error, where) from None
        except (ValueError, KeyError, TypeError) as error:  # a contained resource of no type
            raise BundleRefused(where, REFUSALS["invalid"], detail=str(error)) from None
        entries.append(entry)
        if progress is not None:
            progress(index + 1, total)
    return ReadBundle(kind, tuple(entries), tuple(unknown))
