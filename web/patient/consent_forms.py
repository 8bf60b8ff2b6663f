"""Plumbing shared by the overview and sharing forms: userErrors as messages next to form
fields, and posted ids (the record's form handling itself is in web/patient/frame.py).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from api.ids import id_or_none


def field_errors(user_errors: list[dict[str, Any]], fields: dict[str, str],
                 fallback: str) -> dict[str, str]:
    """userErrors keyed by the form's field names (`fields` maps the API's names)."""
    found: dict[str, str] = {}
    for error in user_errors:
        name = fields.get(error.get("field") or "", fallback)
        found.setdefault(name, error["message"])
    return found


def chosen_id(form: FormData, name: str) -> str | None:
    """A posted id, or None when it is missing or not a number."""
    value = form.get(name)
    return str(number) if (number := id_or_none(value)) is not None else None
