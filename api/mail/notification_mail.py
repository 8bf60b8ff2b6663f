"""The e-mail that tells someone a notification is waiting in Carnet.

E-mail is not a secure channel: it crosses servers Carnet does not control, is read on shared
screens and sits in mailboxes for years. So the mail says only which kind of thing happened,
and that it happened in a record the person follows: no patient or professional name (a
professional's name can reveal a condition: an oncologist, a psychiatrist), no reason given
for an emergency access, no document title, no app name. The details are in the
notification itself, shown after signing in. Nor does it carry a link: a mail from Carnet
never asks to click, so a look-alike that does is easier to spot.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.consent.models import NotificationKind

SUBJECTS = ("Carnet : du nouveau dans votre espace santé",
            "Carnet: something new in your health space")

WHAT: dict[NotificationKind, tuple[str, str]] = {
    NotificationKind.DOCUMENT_DEPOSITED: (
        "Un professionnel a déposé un document dans un dossier que vous suivez.",
        "A professional deposited a document in a record you follow.",
    ),
    NotificationKind.EMERGENCY_ACCESS: (
        "Un accès d'urgence a été ouvert à un dossier que vous suivez.",
        "Emergency access was opened to a record you follow.",
    ),
    NotificationKind.HELD_BACK_DOCUMENT: (
        "Un professionnel a ajouté à un dossier que vous suivez un document qu'il souhaite "
        "vous présenter lors d'une consultation.",
        "A professional added a document to a record you follow that they want to go "
        "through with you at an appointment.",
    ),
    NotificationKind.NEW_MESSAGE: (
        "Vous avez reçu un nouveau message.",
        "You have a new message.",
    ),
    NotificationKind.GRANT_ENDING: (
        "Un accès que vous avez donné à un professionnel prend fin dans les 7 jours.",
        "Access you gave a professional ends within 7 days.",
    ),
    NotificationKind.HELD_BACK_RELEASED: (
        "Un document qu'un professionnel souhaitait vous présenter est maintenant visible.",
        "A document a professional wanted to go through with you is now visible.",
    ),
    NotificationKind.APP_CONNECTED: (
        "Une application a été connectée à un dossier que vous suivez.",
        "An app was connected to a record you follow.",
    ),
}

CLOSING = (
    "Connectez-vous à Carnet pour en savoir plus : les détails ne sont jamais envoyés par "
    "e-mail.\n\nVous recevez ce message parce que vous avez demandé ces alertes (page « Mon "
    "compte »). Si ce n'est pas le cas, ou si vous ne connaissez pas cette action, "
    "connectez-vous et consultez l'historique des accès.",
    "Sign in to Carnet to know more: details are never sent by e-mail.\n\nYou receive this "
    "because you asked for these alerts (the My account page). If you did not, or if you do "
    "not recognise this, sign in and look at the access history.",
)


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def notification_mail(kind: NotificationKind, language: str) -> Mail:
    """The mail for one notification, in the recipient's language (French by default)."""
    index = 1 if language == "en" else 0
    return Mail(subject=SUBJECTS[index], body=f"{WHAT[kind][index]}\n\n{CLOSING[index]}\n")
