"""Problems with a message the person can fix (words in api.texts' catalogues)."""

from __future__ import annotations

from api.records.documents.messages import UPLOAD_PROBLEMS, DocumentProblem, DocumentProblems
from api.texts import N_

SUBJECT_MAX = 200
BODY_MAX = 10_000
MAX_ATTACHMENTS = 5

MESSAGES: dict[str, str] = {
    "SUBJECT_REQUIRED": N_("Give the conversation a subject."),
    "SUBJECT_TOO_LONG": N_("The subject must not be longer than {limit} characters."),
    "BODY_REQUIRED": N_("Write your message."),
    "BODY_TOO_LONG": N_("The message must not be longer than {limit} characters."),
    "TOO_MANY_ATTACHMENTS": N_("Attach at most {limit} files to a message."),
    "CONVERSATION_CLOSED": N_("This conversation is closed: the professional no longer accepts "
                              "replies."),
    "ALREADY_FILED": N_("This attachment is already filed in the record's documents."),
    # The file problems of an attachment, worded as for any document.
    **{code: UPLOAD_PROBLEMS[code][1]
       for code in ("FILE_MISSING", "EMPTY_FILE", "FILE_TOO_LARGE", "UNSUPPORTED_FILE_TYPE")},
}


# The limit each "too long / too many" message names.
LIMITS = {"SUBJECT_TOO_LONG": SUBJECT_MAX, "BODY_TOO_LONG": BODY_MAX,
          "TOO_MANY_ATTACHMENTS": MAX_ATTACHMENTS}


def problem(code: str, field: str) -> DocumentProblem:
    limit: dict[str, object] | None = {"limit": LIMITS[code]} if code in LIMITS else None
    return DocumentProblem(code, field, MESSAGES[code], limit)


def problems(*found: DocumentProblem) -> DocumentProblems:
    return DocumentProblems(list(found))


def clean_subject(subject: str) -> tuple[str, list[DocumentProblem]]:
    text = " ".join(subject.split())
    if not text:
        return text, [problem("SUBJECT_REQUIRED", "subject")]
    if len(text) > SUBJECT_MAX:
        return text, [problem("SUBJECT_TOO_LONG", "subject")]
    return text, []


def clean_body(body: str) -> tuple[str, list[DocumentProblem]]:
    # Line breaks are kept: people write messages in paragraphs.
    text = "\n".join(line.rstrip() for line in body.strip().replace("\r\n", "\n").split("\n"))
    if not text:
        return text, [problem("BODY_REQUIRED", "body")]
    if len(text) > BODY_MAX:
        return text, [problem("BODY_TOO_LONG", "body")]
    return text, []
