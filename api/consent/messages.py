"""What the person reads when a consent change cannot be made.

English ids; the words in each language are in the catalogues (api.texts).
"""

from __future__ import annotations

from collections.abc import Mapping

from api.consent.sections import Profession, Section
from api.graphql.common import Problem, UserError
from api.texts import N_, NC_, text

MESSAGES: dict[str, str] = {
    "NO_SECTIONS": N_("Choose at least one section to share."),
    "SECTIONS_NOT_ALLOWED": N_("A professional of this kind ({profession}) can never see: "
                               "{sections}. Remove these sections."),
    "EXPIRY_IN_PAST": N_("The end date has already passed: choose a date to come."),
    "EXPIRY_TOO_LATE": N_("Access lasts one year at most: choose an earlier end date."),
    "PROFESSIONAL_NOT_FOUND": N_("This professional is not in the directory."),
    "PROFESSIONAL_NOT_ON_CARNET": N_("This professional has no Carnet account yet: you can choose"
                                     " them once they have one."),
    "PROFESSIONAL_BLOCKED": N_("You blocked this professional: unblock them first."),
    "GRANT_ALREADY_ENDED": N_("This access has already ended."),
    "NOT_A_PHYSICIAN": N_("Only a doctor can be your treating doctor."),
    "NO_TREATING_DOCTOR": N_("You have no treating doctor on record."),
    "NOT_BLOCKED": N_("This professional is not blocked."),
    "REASON_TOO_SHORT": N_("Explain the reason for emergency access in at least {minimum} "
                           "characters."),
}

SECTION_LABELS: dict[Section, str] = {
    Section.IDENTITY: N_("identity"),
    Section.HISTORY: N_("medical history"),
    Section.ALLERGIES: N_("allergies"),
    Section.TREATMENTS: N_("treatments"),
    Section.VACCINATIONS: N_("vaccinations"),
    Section.MEASUREMENTS: N_("measurements"),
    Section.DIRECTIVES: N_("advance directives"),
    Section.DOCUMENTS: N_("documents"),
}

# In a sentence, lower case (the pages' lists of professions are capitalised).
PROFESSION_LABELS: dict[Profession, tuple[str, str]] = {
    Profession.PHYSICIAN: NC_("in a sentence", "doctor"),
    Profession.NURSE: NC_("in a sentence", "nurse"),
    Profession.PHARMACIST: NC_("in a sentence", "pharmacist"),
    Profession.DENTIST: NC_("in a sentence", "dentist"),
    Profession.MIDWIFE: NC_("in a sentence", "midwife"),
    Profession.PHYSIOTHERAPIST: NC_("in a sentence", "physiotherapist"),
    Profession.EMERGENCY_PHYSICIAN: NC_("in a sentence", "emergency physician"),
    Profession.SAMU_REGULATOR: NC_("in a sentence", "SAMU regulating doctor"),
}


def section_names(sections: frozenset[Section] | set[Section], language: str) -> str:
    ordered = [s for s in Section if s in sections]
    return ", ".join(text(language, SECTION_LABELS[s]) for s in ordered)


def profession_name(profession: Profession, language: str) -> str:
    return text(language, PROFESSION_LABELS[profession])


def _localized(params: Mapping[str, object], language: str) -> dict[str, object]:
    """Section and profession values in params become words in the viewer's language."""
    shown = dict(params)
    if "sections" in params:
        values = {Section(v) for v in str(params["sections"]).split(",") if v}
        shown["sections"] = section_names(values, language)
    if "profession" in params:
        shown["profession"] = profession_name(Profession(str(params["profession"])), language)
    return shown


def user_errors(problems: list[Problem], language: str) -> list[UserError]:
    return [
        UserError(field=p.field, code=p.code,
                  message=text(language, MESSAGES[p.code], **_localized(p.params, language)))
        for p in problems
    ]
