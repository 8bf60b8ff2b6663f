"""What the person reads when a consent change cannot be made, in French and English."""

from __future__ import annotations

from collections.abc import Mapping

from api.consent.sections import Profession, Section
from api.graphql.common import Problem, UserError

MESSAGES: dict[str, tuple[str, str]] = {
    "NO_SECTIONS": (
        "Choisissez au moins une rubrique à partager.",
        "Choose at least one section to share.",
    ),
    "SECTIONS_NOT_ALLOWED": (
        "Un professionnel de cette profession ({profession}) ne peut jamais voir : {sections}. "
        "Retirez ces rubriques.",
        "A professional of this kind ({profession}) can never see: {sections}. "
        "Remove these sections.",
    ),
    "EXPIRY_IN_PAST": (
        "La date de fin est déjà passée : choisissez une date à venir.",
        "The end date has already passed: choose a date to come.",
    ),
    "EXPIRY_TOO_LATE": (
        "Un accès dure un an au plus : choisissez une date de fin plus proche.",
        "Access lasts one year at most: choose an earlier end date.",
    ),
    "PROFESSIONAL_NOT_FOUND": (
        "Ce professionnel n'est pas dans l'annuaire.",
        "This professional is not in the directory.",
    ),
    "PROFESSIONAL_NOT_ON_CARNET": (
        "Ce professionnel n'a pas encore de compte Carnet : vous pourrez le choisir quand il "
        "en aura un.",
        "This professional has no Carnet account yet: you can choose them once they have one.",
    ),
    "PROFESSIONAL_BLOCKED": (
        "Vous avez bloqué ce professionnel : débloquez-le d'abord.",
        "You blocked this professional: unblock them first.",
    ),
    "GRANT_ALREADY_ENDED": (
        "Cet accès a déjà pris fin.",
        "This access has already ended.",
    ),
    "NOT_A_PHYSICIAN": (
        "Seul un médecin peut être votre médecin traitant.",
        "Only a doctor can be your treating doctor.",
    ),
    "NO_TREATING_DOCTOR": (
        "Vous n'avez pas de médecin traitant déclaré.",
        "You have no treating doctor on record.",
    ),
    "NOT_BLOCKED": (
        "Ce professionnel n'est pas bloqué.",
        "This professional is not blocked.",
    ),
    "REASON_TOO_SHORT": (
        "Expliquez le motif de l'accès d'urgence en {minimum} caractères au moins.",
        "Explain the reason for emergency access in at least {minimum} characters.",
    ),
}

SECTION_LABELS: dict[Section, tuple[str, str]] = {
    Section.IDENTITY: ("identité", "identity"),
    Section.HISTORY: ("antécédents", "medical history"),
    Section.ALLERGIES: ("allergies", "allergies"),
    Section.TREATMENTS: ("traitements", "treatments"),
    Section.VACCINATIONS: ("vaccinations", "vaccinations"),
    Section.MEASUREMENTS: ("mesures", "measurements"),
    Section.DIRECTIVES: ("directives anticipées", "advance directives"),
    Section.DOCUMENTS: ("documents", "documents"),
}

PROFESSION_LABELS: dict[Profession, tuple[str, str]] = {
    Profession.PHYSICIAN: ("médecin", "doctor"),
    Profession.NURSE: ("infirmier ou infirmière", "nurse"),
    Profession.PHARMACIST: ("pharmacien ou pharmacienne", "pharmacist"),
    Profession.DENTIST: ("chirurgien-dentiste", "dentist"),
    Profession.MIDWIFE: ("sage-femme", "midwife"),
    Profession.PHYSIOTHERAPIST: ("kinésithérapeute", "physiotherapist"),
    Profession.EMERGENCY_PHYSICIAN: ("médecin urgentiste", "emergency physician"),
    Profession.SAMU_REGULATOR: ("médecin régulateur du SAMU", "SAMU regulating doctor"),
}


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def section_names(sections: frozenset[Section] | set[Section], language: str) -> str:
    ordered = [s for s in Section if s in sections]
    return ", ".join(_pick(SECTION_LABELS[s], language) for s in ordered)


def profession_name(profession: Profession, language: str) -> str:
    return _pick(PROFESSION_LABELS[profession], language)


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
        UserError(field=p.field, code=p.code, message=_pick(MESSAGES[p.code], language).format(
            **_localized(p.params, language)))
        for p in problems
    ]
