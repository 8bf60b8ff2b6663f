"""Problems with a message the person can fix, in French and English."""

from __future__ import annotations

from api.records.documents.content import MESSAGES as FILE_MESSAGES
from api.records.documents.messages import DocumentProblem, DocumentProblems

SUBJECT_MAX = 200
BODY_MAX = 10_000
MAX_ATTACHMENTS = 5

MESSAGES: dict[str, tuple[str, str]] = {
    "SUBJECT_REQUIRED": ("Donnez un objet à la conversation.", "Give the conversation a subject."),
    "SUBJECT_TOO_LONG": (
        f"L'objet ne doit pas dépasser {SUBJECT_MAX} caractères.",
        f"The subject must not be longer than {SUBJECT_MAX} characters.",
    ),
    "BODY_REQUIRED": ("Écrivez votre message.", "Write your message."),
    "BODY_TOO_LONG": (
        f"Le message ne doit pas dépasser {BODY_MAX} caractères.",
        f"The message must not be longer than {BODY_MAX} characters.",
    ),
    "TOO_MANY_ATTACHMENTS": (
        f"Joignez au plus {MAX_ATTACHMENTS} fichiers à un message.",
        f"Attach at most {MAX_ATTACHMENTS} files to a message.",
    ),
    "CONVERSATION_CLOSED": (
        "Cette conversation est close : le professionnel n'accepte plus de réponse.",
        "This conversation is closed: the professional no longer accepts replies.",
    ),
    "ALREADY_FILED": (
        "Cette pièce jointe est déjà classée dans les documents du dossier.",
        "This attachment is already filed in the record's documents.",
    ),
    **FILE_MESSAGES,
}


def problem(code: str, field: str) -> DocumentProblem:
    return DocumentProblem(code, field, MESSAGES[code])


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
