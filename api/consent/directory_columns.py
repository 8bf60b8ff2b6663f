"""The columns of a directory extract and what makes a row of it acceptable."""

from __future__ import annotations

from api.consent.sections import Profession
from api.identity.normalise import search_text
from api.identity.rpps import RppsError, parse_rpps

COLUMNS = ("rpps", "last_name", "first_name", "profession", "specialty", "practice_name",
           "city", "postcode")
REQUIRED = ("rpps", "last_name", "first_name", "profession")
MAX_LENGTHS = {"last_name": 100, "first_name": 100, "specialty": 100, "practice_name": 200,
               "city": 100, "postcode": 10}

# Header names of the public RPPS extract, in their searchable form, and ours.
_HEADER_ALIASES = {
    "identifiant pp": "rpps", "identification nationale pp": "rpps",
    "nom d exercice": "last_name", "nom": "last_name",
    "prenom d exercice": "first_name", "prenom": "first_name",
    "libelle profession": "profession", "code profession": "profession",
    "libelle savoir faire": "specialty", "raison sociale site": "practice_name",
    "libelle commune coord structure": "city", "libelle commune": "city", "commune": "city",
    "code postal coord structure": "postcode", "code postal": "postcode",
}

# The extract's profession codes and labels (searchable form), and Carnet's own names.
_PROFESSIONS = {
    "10": Profession.PHYSICIAN, "medecin": Profession.PHYSICIAN,
    "21": Profession.PHARMACIST, "pharmacien": Profession.PHARMACIST,
    "40": Profession.DENTIST, "chirurgien dentiste": Profession.DENTIST,
    "50": Profession.MIDWIFE, "sage femme": Profession.MIDWIFE,
    "60": Profession.NURSE, "infirmier": Profession.NURSE, "infirmiere": Profession.NURSE,
    "70": Profession.PHYSIOTHERAPIST,
    "masseur kinesitherapeute": Profession.PHYSIOTHERAPIST,
    "medecin urgentiste": Profession.EMERGENCY_PHYSICIAN,
    "medecin regulateur samu": Profession.SAMU_REGULATOR,
    **{search_text(p.value): p for p in Profession},
}


def column_of(header_name: str) -> str | None:
    """Our name for a header (None: a column we ignore)."""
    key = search_text(header_name)
    underscored = key.replace(" ", "_")
    if underscored in COLUMNS:
        return underscored
    return _HEADER_ALIASES.get(key)


def profession_of(text: str) -> Profession | None:
    return _PROFESSIONS.get(search_text(text))


def row_problem(row: dict[str, str]) -> str | None:
    """Why this row cannot be loaded, or None."""
    try:
        parse_rpps(row["rpps"])
    except RppsError:
        return f"RPPS number {row['rpps']!r} does not have exactly 11 digits"
    for name in ("last_name", "first_name"):
        if not row[name]:
            return f"{name} is empty"
    if profession_of(row["profession"]) is None:
        return f"unknown profession {row['profession']!r}"
    for name, limit in MAX_LENGTHS.items():
        if len(row.get(name, "")) > limit:
            return f"{name} is longer than {limit} characters"
    return None
