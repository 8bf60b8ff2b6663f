"""What the person reads when an entry cannot be saved, in French and English."""

from __future__ import annotations

from api.french import spaced
from api.graphql.common import Problem, UserError

MESSAGES: dict[str, tuple[str, str]] = {
    "REQUIRED": ("Ce champ est obligatoire.", "This field is required."),
    "TOO_LONG": (
        "Ce texte est trop long : {limit} caractères au plus.",
        "This text is too long: {limit} characters at most.",
    ),
    "OUT_OF_RANGE": (
        "Indiquez un nombre entre {low} et {high}.",
        "Give a number between {low} and {high}.",
    ),
    "DATE_IN_FUTURE": (
        "Cette date est dans le futur : indiquez une date passée ou celle d'aujourd'hui.",
        "This date is in the future: give a past date or today's.",
    ),
    "DATE_BEFORE_BIRTH": (
        "Cette date est avant la naissance : vérifiez l'année.",
        "This date is before the person was born: check the year.",
    ),
    "END_BEFORE_START": (
        "La date de fin est avant la date de début.",
        "The end date is before the start date.",
    ),
    "RESOLUTION_BEFORE_ONSET": (
        "La date de fin est avant la date de début du problème.",
        "The date it ended is before the date it began.",
    ),
    "STATUS_CONFLICT": (
        "Un problème qui a une date de fin ne peut pas être « en cours » : "
        "effacez la date de fin ou choisissez « terminé ».",
        "Something with an end date cannot be active: clear the end date or choose resolved.",
    ),
    "UNKNOWN_ICD10_CODE": (
        "Ce code CIM-10 n'existe pas. Choisissez-en un dans la liste, "
        "ou décrivez le problème avec vos mots.",
        "This ICD-10 code does not exist. Pick one from the list, "
        "or describe the problem in your own words.",
    ),
    "DESCRIPTION_REQUIRED": (
        "Choisissez un code dans la liste, ou décrivez le problème avec vos mots.",
        "Pick a code from the list, or describe the problem in your own words.",
    ),
    "RELATIVE_REQUIRED": (
        "Indiquez quel membre de la famille est concerné.",
        "Say which member of the family it concerns.",
    ),
    "RELATIVE_ONLY_FOR_FAMILY": (
        "Un membre de la famille ne s'indique que pour un antécédent familial.",
        "A relative is given only for family history.",
    ),
    "UNKNOWN_VACCINE": (
        "Ce vaccin n'est pas dans la liste. Choisissez-en un dans la liste.",
        "This vaccine is not in the list. Pick one from the list.",
    ),
}


def user_error(problem: Problem, language: str) -> UserError:
    french, english = MESSAGES[problem.code]
    text = english if language == "en" else spaced(french)
    return UserError(field=problem.field, code=problem.code, message=text.format(**problem.params))


def user_errors(problems: list[Problem], language: str) -> list[UserError]:
    return [user_error(problem, language) for problem in problems]
