"""What the person reads when a measurement cannot be saved (words in api.texts' catalogues)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal, format_scientific

from api.graphql.common import Problem, UserError
from api.interop.terminology.concepts import is_english
from api.texts import N_, text

MESSAGES: dict[str, str] = {
    "UNKNOWN_KIND": N_("Carnet does not know this kind of measurement: pick one from the list."),
    "BELOW_MINIMUM": N_("{name}: {value} {unit} is too low to be possible. Give a value between "
                        "{low} and {high} {unit}, and check the unit."),
    "ABOVE_MAXIMUM": N_("{name}: {value} {unit} is too high to be possible. Give a value between "
                        "{low} and {high} {unit}, and check the unit."),
    "NOT_AN_INTEGER": N_("{name}: give a whole number, without decimals."),
    "NOT_A_NUMBER": N_("{name}: this is not a number."),
    "SYSTOLIC_NOT_ABOVE_DIASTOLIC": N_("The upper (systolic) pressure must be higher than the "
                                       "lower (diastolic) one: check the order of the two "
                                       "numbers."),
    "VALUE2_REQUIRED": N_("For a blood pressure, give both numbers: the upper (systolic) and the "
                          "lower (diastolic) pressure."),
    "VALUE2_NOT_ALLOWED": N_("{name} has a single number: leave the second field empty."),
    "DATE_IN_FUTURE": N_("This date is in the future: give the time the measurement was taken."),
    "DATE_BEFORE_BIRTH": N_("This date is before the person was born: check the year."),
    "TIME_ZONE_REQUIRED": N_("Give the time zone of the time of the measurement (for example "
                             "+01:00)."),
    "TOO_LONG": N_("This text is too long: {limit} characters at most."),
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
    if callable(value):
        return str(value(language))
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return format_number(value, language)
    return str(value)


def user_error(problem: Problem, language: str) -> UserError:
    params = {key: _param(value, language) for key, value in problem.params.items()}
    return UserError(field=problem.field, code=problem.code,
                     message=text(language, MESSAGES[problem.code], **params))


def user_errors(problems: list[Problem], language: str) -> list[UserError]:
    return [user_error(problem, language) for problem in problems]
