"""A problem with a document the person can fix; its words are in api.texts' catalogues."""

from __future__ import annotations

from api.graphql.common import UserError
from api.texts import N_, text

TITLE_MAX = 200
# Every problem an upload or a change of a document can meet, worded once for every way in:
# the GraphQL mutations, the upload route's plain answers and the pages' forms.
# Code -> (the input at fault, as the API names it; None for the request; the message id).
UPLOAD_PROBLEMS: dict[str, tuple[str | None, str]] = {
    "FILE_MISSING": ("file", N_("Choose a file to send, or take a photo.")),
    "EMPTY_FILE": ("file", N_("This file is empty: choose another one.")),
    "FILE_TOO_LARGE": ("file", N_("This file is larger than 20 MB. Make it smaller (for "
                                  "example by scanning it in black and white) and try again.")),
    "UNSUPPORTED_FILE_TYPE": ("file", N_("This file is not a PDF, a JPEG or a PNG picture: "
                                         "only these formats are accepted.")),
    "ONE_FILE_ONLY": ("file", N_("Send one file at a time: choose a file or take a photo, "
                                 "not both.")),
    "BAD_FORM": ("file", N_("The sending was interrupted. Try again.")),
    "DATE_INVALID": ("documentDate", N_("Enter a date such as 14/03/2025.")),
    "DATE_IN_FUTURE": ("documentDate", N_("The date of the document cannot be in the future.")),
    "UNKNOWN_DOCUMENT_TYPE": ("typeCode", N_("This document type does not exist. Choose one "
                                             "from the list.")),
    "TITLE_REQUIRED": ("title", N_("Give the document a title.")),
    "TITLE_TOO_LONG": ("title", N_("The title must not be longer than {limit} characters.")),
    "BAD_TEXT": ("title", N_("A field holds an invisible character (pasted from another "
                             "program) that cannot be stored. Go back, type the text again "
                             "and send the form.")),
    "NOT_SIGNED_IN": (None, N_("Sign in to send a document.")),
    "CSRF": (None, N_("The form has expired. Reload the page and try again.")),
    "NOT_FOUND": (None, N_("This record cannot be found.")),
    "FORBIDDEN": (None, N_("You are not allowed to add a document to this record.")),
}
UPLOAD_PARAMS: dict[str, object] = {"limit": TITLE_MAX}


class DocumentProblem(Exception):
    """Raised by the checks and services; shown as a user error or a 400 page.

    `message_id` is the English message id; `params` fill its {placeholders}.
    """

    def __init__(self, code: str, field: str, message_id: str,
                 params: dict[str, object] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.message_id = message_id
        self.params = params or {}

    def message(self, language: str) -> str:
        return text(language, self.message_id, **self.params)

    def user_error(self, language: str) -> UserError:
        return UserError(field=self.field, code=self.code, message=self.message(language))

    def for_field(self, field: str) -> DocumentProblem:
        """The same problem, blamed on another input field."""
        return DocumentProblem(self.code, field, self.message_id, self.params)


class DocumentProblems(Exception):
    """One or more problems found together; nothing was changed."""

    def __init__(self, problems: list[DocumentProblem]) -> None:
        super().__init__(", ".join(problem.code for problem in problems))
        self.problems = problems

    def user_errors(self, language: str) -> list[UserError]:
        return [problem.user_error(language) for problem in self.problems]

    def message(self, language: str) -> str:
        return " ".join(problem.message(language) for problem in self.problems)


def upload_problem(code: str, field: str | None = None) -> DocumentProblem:
    """The problem `code` of UPLOAD_PROBLEMS, blamed on its input (or on `field`)."""
    blamed, message_id = UPLOAD_PROBLEMS[code]
    return DocumentProblem(code, field or blamed or "file", message_id, UPLOAD_PARAMS)


def upload_text(code: str, language: str) -> str:
    """What the problem `code` says, in `language`."""
    return text(language, UPLOAD_PROBLEMS[code][1], **UPLOAD_PARAMS)
