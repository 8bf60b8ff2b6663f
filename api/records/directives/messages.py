"""What the person reads when directives cannot be saved (words in api.texts' catalogues)."""

from __future__ import annotations

from api.graphql.common import Problem, UserError
from api.texts import N_, text

MESSAGES: dict[str, str] = {
    "TOO_LONG": N_("This text is too long: {limit} characters at most."),
    "NAME_REQUIRED": N_("Give the name of your trusted person."),
    "BAD_PHONE": N_("This phone number is not complete: give 10 digits (06 12 34 56 78) or an "
                    "international number starting with + (+33 6 12 34 56 78)."),
    "BAD_EMAIL": N_("This e-mail address does not look right (example: name@example.com)."),
    "LIMITS_REQUIRED": N_("You chose organ donation with limits: write them down (for example the"
                          " organs you do not wish to give)."),
    "BAD_DOCUMENT_ID": N_("This document does not exist: pick one of your documents."),
    "UNKNOWN_DOCUMENT": N_("This document is not in this record, or you may not see it: pick one "
                           "of the record's documents."),
    "TOO_YOUNG": N_("The law allows it from the age of {age}: this record cannot hold it yet."),
    "NOTHING_TO_CONFIRM": N_("Nothing is recorded yet: fill in your directives before confirming "
                             "them."),
}


def user_errors(problems: list[Problem], language: str) -> list[UserError]:
    return [UserError(field=problem.field, code=problem.code,
                      message=text(language, MESSAGES[problem.code], **problem.params))
            for problem in problems]
