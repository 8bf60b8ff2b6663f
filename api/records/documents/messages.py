"""A problem with a document the person can fix, with its message in French and English."""

from __future__ import annotations

from api.graphql.common import UserError


class DocumentProblem(Exception):
    """Raised by the checks and services; shown as a user error or a 400 page."""

    def __init__(self, code: str, field: str, texts: tuple[str, str]) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.texts = texts

    def message(self, language: str) -> str:
        french, english = self.texts
        return english if language == "en" else french

    def user_error(self, language: str) -> UserError:
        return UserError(field=self.field, code=self.code, message=self.message(language))


class DocumentProblems(Exception):
    """One or more problems found together; nothing was changed."""

    def __init__(self, problems: list[DocumentProblem]) -> None:
        super().__init__(", ".join(problem.code for problem in problems))
        self.problems = problems

    def user_errors(self, language: str) -> list[UserError]:
        return [problem.user_error(language) for problem in self.problems]

    def message(self, language: str) -> str:
        return " ".join(problem.message(language) for problem in self.problems)
