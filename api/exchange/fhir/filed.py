"""What the bundle's filed papers become (docs/fhir.md): a DocumentReference a document of
the record with its bytes, a Consent the advance directives, the trusted person or organ
donation. The clinical resources are in mapping.py, which dispatches to these. Pure, no
database."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from api import clock
from api.consent.policy import open_statements
from api.consent.sections import Section
from api.exchange.fhir import systems
from api.exchange.fhir.plan import _code_in, _day, _first, _Mapping, _words, identifier_key
from api.exchange.fhir.reading import Json
from api.interop.terminology import document_type
from api.records.directives.models import OrganDonation
from api.records.directives.services import TrustedPerson, merge


def _decoded(raw: Any) -> bytes | None:
    try:
        return base64.b64decode(str(raw), validate=True)
    except (binascii.Error, ValueError):
        return None


def map_document(mapping: _Mapping) -> None:
    """A DocumentReference: a document of the record, its bytes inline or in a Binary."""
    resource = mapping.resource
    attachment = _first(resource.get("content")).get("attachment") or {}
    content: bytes | None = None
    if attachment.get("data"):
        content = _decoded(attachment["data"])
    elif attachment.get("url"):
        found = mapping.index.get(str(attachment["url"]))
        if found is None or found.resource_type != "Binary":
            mapping.skip("missing_reference", reference=attachment["url"])
            return
        if not found.resource.get("data"):
            mapping.skip("no_content")
            return
        content = _decoded(found.resource["data"])
    else:
        mapping.skip("no_content")
        return
    if content is None:
        mapping.skip("bad_content")
        return
    type_code = _code_in(resource.get("type"), systems.LOINC)
    # The document's own date: its clinical period, else the file's creation, else the day
    # the reference was written (what other software may give alone).
    period = (resource.get("context") or {}).get("period") or {}
    when = (_day(period.get("start")) or _day(attachment.get("creation"))
            or _day(resource.get("date")))
    values = {"title": resource.get("description") or attachment.get("title"),
              "type_code": type_code if type_code and document_type(type_code) else None,
              "document_date": when}
    mapping.add(Section.DOCUMENTS, "document", values, (), content=content,
                filename=str(attachment.get("title") or ""))


_SCOPE_ADR = "adr"


def map_consent(mapping: _Mapping) -> None:
    """A Consent: advance directives, a trusted person or organ donation; grants are left."""
    resource = mapping.resource
    scope = _code_in(resource.get("scope"), systems.CONSENT_SCOPE)
    key = identifier_key(resource) or ""
    if scope == "patient-privacy" or key.startswith("urn:carnet:grant|"):
        mapping.plan.skip(mapping.entry, "grant", by_design=True)
        return
    if scope != _SCOPE_ADR:
        mapping.plan.skip(mapping.entry, "other_consent", by_design=True)
        return
    provision = resource.get("provision") or {}
    given: dict[str, Any] = {}
    source = resource.get("sourceAttachment") or {}
    if key.startswith("urn:carnet:organ-donation|") or (provision.get("type") and not source):
        codes = provision.get("code") or []
        limits = _words(codes[0]) if codes else None
        if provision.get("type") == "deny":
            given["organ_donation"] = OrganDonation.REFUSES
        else:
            given["organ_donation"] = OrganDonation.LIMITED if limits else OrganDonation.CONSENTS
            given["organ_donation_limits"] = limits
    else:
        if source.get("data"):
            raw = _decoded(source["data"])
            if raw is None:
                mapping.skip("bad_content")
                return
            given["advance_directives"] = raw.decode("utf-8", errors="replace")
        person = _trusted_person(resource)
        if person is not None:
            given["trusted_person"] = person
        if not given:
            mapping.skip("no_content")
            return
    _, problems = merge(None, given, open_statements(mapping.birth_date, clock.today()))
    mapping.add(Section.DIRECTIVES, "directives", given, problems)


def _trusted_person(resource: Json) -> TrustedPerson | None:
    from_contained = {f"#{item.get('id')}": item for item in resource.get("contained") or []
                      if isinstance(item, dict) and item.get("resourceType") == "RelatedPerson"}
    for performer in resource.get("performer") or []:
        person = from_contained.get(str((performer or {}).get("reference")))
        if person is None:
            continue
        name = _first(person.get("name"))
        written = name.get("text") or " ".join(
            [*(name.get("given") or []), name.get("family") or ""]).strip()
        telecom = {item.get("system"): item.get("value") for item in person.get("telecom") or []
                   if isinstance(item, dict)}
        return TrustedPerson(written, _words(_first(person.get("relationship"))),
                             telecom.get("phone"), telecom.get("email"))
    return None
