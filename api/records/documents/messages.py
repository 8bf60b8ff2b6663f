"""A problem with a document the person can fix; its words are in api.texts' catalogues."""

from __future__ import annotations

from api.graphql.common import UserError
from api.texts import text


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
