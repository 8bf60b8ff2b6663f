"""What the person reads when an entry cannot be saved (words in api.texts' catalogues)."""

from __future__ import annotations

from api.graphql.common import Problem, UserError
from api.texts import N_, text

MESSAGES: dict[str, str] = {
    "REQUIRED": N_("This field is required."),
    "TOO_LONG": N_("This text is too long: {limit} characters at most."),
    "OUT_OF_RANGE": N_("Give a number between {low} and {high}."),
    "DATE_IN_FUTURE": N_("This date is in the future: give a past date or today's."),
    "DATE_BEFORE_BIRTH": N_("This date is before the person was born: check the year."),
    "END_BEFORE_START": N_("The end date is before the start date."),
    "RESOLUTION_BEFORE_ONSET": N_("The date it ended is before the date it began."),
    "STATUS_CONFLICT": N_("Something with an end date cannot be active: clear the end date or "
                          "choose resolved."),
    "UNKNOWN_ICD10_CODE": N_("This ICD-10 code does not exist. Pick one from the list, or "
                             "describe the problem in your own words."),
    "DESCRIPTION_REQUIRED": N_("Pick a code from the list, or describe the problem in your own "
                               "words."),
    "RELATIVE_REQUIRED": N_("Say which member of the family it concerns."),
    "RELATIVE_ONLY_FOR_FAMILY": N_("A relative is given only for family history."),
    "UNKNOWN_VACCINE": N_("This vaccine is not in the list. Pick one from the list."),
}


def user_error(problem: Problem, language: str) -> UserError:
    return UserError(field=problem.field, code=problem.code,
                     message=text(language, MESSAGES[problem.code], **problem.params))


def user_errors(problems: list[Problem], language: str) -> list[UserError]:
    return [user_error(problem, language) for problem in problems]
