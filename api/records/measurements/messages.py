"""What the person reads when a measurement cannot be saved, in French and English."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal, format_scientific

from api.french import spaced
from api.graphql.common import Problem, UserError
from api.interop.terminology.concepts import is_english

MESSAGES: dict[str, tuple[str, str]] = {
    "UNKNOWN_KIND": (
        "Carnet ne connaît pas ce type de mesure : choisissez-en un dans la liste.",
        "Carnet does not know this kind of measurement: pick one from the list.",
    ),
    "BELOW_MINIMUM": (
        "{name} : {value} {unit}, c'est trop bas pour être possible. "
        "Indiquez une valeur entre {low} et {high} {unit}, et vérifiez l'unité.",
        "{name}: {value} {unit} is too low to be possible. "
        "Give a value between {low} and {high} {unit}, and check the unit.",
    ),
    "ABOVE_MAXIMUM": (
        "{name} : {value} {unit}, c'est trop haut pour être possible. "
        "Indiquez une valeur entre {low} et {high} {unit}, et vérifiez l'unité.",
        "{name}: {value} {unit} is too high to be possible. "
        "Give a value between {low} and {high} {unit}, and check the unit.",
    ),
    "NOT_AN_INTEGER": (
        "{name} : indiquez un nombre entier, sans virgule.",
        "{name}: give a whole number, without decimals.",
    ),
    "NOT_A_NUMBER": ("{name} : ce n'est pas un nombre.", "{name}: this is not a number."),
    "SYSTOLIC_NOT_ABOVE_DIASTOLIC": (
        "La tension haute (systolique) doit être plus grande que la tension basse "
        "(diastolique) : vérifiez l'ordre des deux chiffres.",
        "The upper (systolic) pressure must be higher than the lower (diastolic) one: "
        "check the order of the two numbers.",
    ),
    "VALUE2_REQUIRED": (
        "Pour une tension, indiquez les deux chiffres : la tension haute (systolique) "
        "et la tension basse (diastolique).",
        "For a blood pressure, give both numbers: the upper (systolic) and the lower "
        "(diastolic) pressure.",
    ),
    "VALUE2_NOT_ALLOWED": (
        "{name} n'a qu'un seul chiffre : laissez le second champ vide.",
        "{name} has a single number: leave the second field empty.",
    ),
    "DATE_IN_FUTURE": (
        "Cette date est dans le futur : indiquez quand la mesure a été prise.",
        "This date is in the future: give the time the measurement was taken.",
    ),
    "DATE_BEFORE_BIRTH": (
        "Cette date est avant la naissance : vérifiez l'année.",
        "This date is before the person was born: check the year.",
    ),
    "TIME_ZONE_REQUIRED": (
        "Indiquez le fuseau horaire de l'heure de la mesure (par exemple +01:00).",
        "Give the time zone of the time of the measurement (for example +01:00).",
    ),
    "TOO_LONG": (
        "Ce texte est trop long : {limit} caractères au plus.",
        "This text is too long: {limit} characters at most.",
    ),
}


# Beyond this, a value is a typing slip shown in scientific notation (1E308), not 309 digits.
_PLAIN_LIMIT = Decimal(10) ** 12


def format_number(value: float | Decimal | int, language: str) -> str:
    """72.5 reads "72,5" in French; no useless trailing zeros; any finite value formats."""
    locale = "en" if is_english(language) else "fr"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(number)
    if abs(number) >= _PLAIN_LIMIT:
        return format_scientific(number, format="0.###E0", locale=locale)
    return format_decimal(number, format="#,##0.###", locale=locale)


def _param(value: object, language: str) -> str:
    if isinstance(value, tuple):
        return str(value[1] if is_english(language) else value[0])
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return format_number(value, language)
    return str(value)


def user_error(problem: Problem, language: str) -> UserError:
    """Params that are numbers are formatted for the reader's language; params that are
    pairs (french, english) are picked by language."""
    french, english = MESSAGES[problem.code]
    text = english if is_english(language) else spaced(french)
    params = {key: _param(value, language) for key, value in problem.params.items()}
    return UserError(field=problem.field, code=problem.code, message=text.format(**params))


def user_errors(problems: list[Problem], language: str) -> list[UserError]:
    return [user_error(problem, language) for problem in problems]
