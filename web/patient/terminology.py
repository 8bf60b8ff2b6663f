"""Coded fields typed as words: suggestions while typing (htmx), resolution on submit (no JS).

A coded field is a text input `<name>` plus `<name>Code`, the code chosen for the words in
`<name>For` (picked among the suggestions, among the candidates offered after an ambiguous
submit, or the entry's own code in an edit form). When the words changed since, the code no
longer counts and the words are resolved again: an exact code, else an exact label in the
viewer's language, else the one search result; several results are offered as candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from api.interop.terminology import fold_text
from web import graphql_client
from web.forms import text
from web.guards import signed_in
from web.messages import N_
from web.patient.entry_forms import ICD10, VACCINE, TermField
from web.templating import render

UNCODED = "-"  # the code of "keep my own words, not coded"
MAX_SEARCH = 100  # the API refuses longer search texts
SUGGESTIONS = 8
TERMS = {term.url_system: term for term in (ICD10, VACCINE)}
_FORM_PREFIX = re.compile(r"a|e\d{1,18}")

AMBIGUOUS = N_("Several entries of the list match these words: choose one below.")
NO_VACCINE = N_("No vaccine of the list matches these words. Check the spelling, or type "
                "another part of its name or a disease it protects against.")


@dataclass
class Resolution:
    code: str | None = None  # the code found, or None
    words: str = ""  # what the person typed
    label: str = ""  # the label of the code found
    error: str | None = None  # a message id, when the field cannot be saved as it is
    candidates: list[dict[str, Any]] = field(default_factory=list)


def _compact(value: str) -> str:
    return "".join(re.findall(r"[a-z0-9]", fold_text(value)))


async def suggestions(request: Request, term: TermField, words: str,
                      first: int = SUGGESTIONS) -> list[dict[str, Any]]:
    """Concepts matching the words, best first, labelled in the viewer's language."""
    if not words.strip() or len(words) > MAX_SEARCH:
        return []
    data = await graphql_client.query(request, "TerminologySuggestions",
                                      {"system": term.system, "text": words, "first": first})
    found: list[dict[str, Any]] = data["terminology"]
    return found


async def resolve(request: Request, term: TermField, form: FormData) -> Resolution:
    words = text(form, term.name, 300)
    code, chosen_for = text(form, term.name + "Code", 40), text(form, term.name + "For", 300)
    if code and fold_text(chosen_for) == fold_text(words):
        if code == UNCODED and term.free_text and words:
            return Resolution(words=words)
        exact = [c for c in await suggestions(request, term, code, 5)
                 if _compact(c["code"]) == _compact(code)]
        if exact:
            return Resolution(code=exact[0]["code"], words=words, label=exact[0]["label"])
    if not words:
        return Resolution(words=words, error=N_("This field is required."))
    found = await suggestions(request, term, words, 20)
    exact = ([c for c in found if _compact(c["code"]) == _compact(words)]
             or [c for c in found if fold_text(c["label"]) == fold_text(words)])
    if len(exact) == 1 or len(found) == 1:
        best = (exact or found)[0]
        return Resolution(code=best["code"], words=words, label=best["label"])
    if found:
        return Resolution(words=words, error=AMBIGUOUS, candidates=found[:SUGGESTIONS])
    if term.free_text:
        return Resolution(words=words)
    return Resolution(words=words, error=NO_VACCINE)


def coded_input(term: TermField, found: Resolution) -> dict[str, Any]:
    """The GraphQL input fields of a resolved coded field."""
    if term is VACCINE:
        return {"vaccineCode": found.code}
    if found.code is None:
        return {"code": None, "text": found.words}
    # The person's words are kept beside the code, unless they only repeat the code or label.
    own_words = _compact(found.words) not in (_compact(found.code), _compact(found.label))
    return {"code": found.code, "text": found.words if own_words else None}


def _term_and_prefix(request: Request) -> tuple[TermField, str] | None:
    term = TERMS.get(request.query_params.get("system", ""))
    prefix = request.query_params.get("form", "")
    if term is None or not _FORM_PREFIX.fullmatch(prefix):
        return None
    return term, prefix


def _base(request: Request) -> str:
    """Where the suggestions of this record live (the patient's pages or the workspace)."""
    return request.url.path.split("/terminology", 1)[0] + "/terminology"


# Any signed-in person: the suggestions come from the code systems, not from the record.
@signed_in()
async def suggest(request: Request) -> Response:
    """GET /records/{id}/terminology?system=icd10&q=...: the options under a coded field."""
    found_term = _term_and_prefix(request)
    if found_term is None:
        return render(request, "error.html", {"status": 404}, status_code=404)
    term, prefix = found_term
    params = request.query_params
    words = (params.get("q") or params.get(term.name) or "").strip()[:MAX_SEARCH]
    options = await suggestions(request, term, words)
    return render(request, "patient/entries/_suggestions.html", {
        "term": term, "p": prefix, "options": options, "words": words,
        "patient_id": request.path_params["patient_id"], "terminology_base": _base(request),
    })


@signed_in()
async def pick(request: Request) -> Response:
    """GET /records/{id}/terminology/pick?system=...&code=...: fill the field with a choice."""
    found_term = _term_and_prefix(request)
    code = request.query_params.get("code", "")
    if found_term is None or not code:
        return render(request, "error.html", {"status": 404}, status_code=404)
    term, prefix = found_term
    chosen = [c for c in await suggestions(request, term, code[:40], 5)
              if _compact(c["code"]) == _compact(code)]
    if not chosen:
        return render(request, "error.html", {"status": 404}, status_code=404)
    label = chosen[0]["label"]
    values = {term.name: label, term.name + "Code": chosen[0]["code"], term.name + "For": label}
    return render(request, "patient/entries/_picked.html", {
        "term": term, "p": prefix, "values": values, "chosen": chosen[0],
        "patient_id": request.path_params["patient_id"], "terminology_base": _base(request),
    })
