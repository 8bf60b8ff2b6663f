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
from api.texts import N_, text

SUBJECT = N_("Carnet: something new in your health space")

WHAT: dict[NotificationKind, str] = {
    NotificationKind.DOCUMENT_DEPOSITED: N_("A professional deposited a document in a record you "
                                            "follow."),
    NotificationKind.EMERGENCY_ACCESS: N_("Emergency access was opened to a record you follow."),
    NotificationKind.HELD_BACK_DOCUMENT: N_("A professional added a document to a record you "
                                            "follow that they want to go through with you at an "
                                            "appointment."),
    NotificationKind.NEW_MESSAGE: N_("You have a new message."),
    NotificationKind.GRANT_ENDING: N_("Access you gave a professional ends within 7 days."),
    NotificationKind.HELD_BACK_RELEASED: N_("A document a professional wanted to go through with "
                                            "you is now visible."),
    NotificationKind.APP_CONNECTED: N_("An app was connected to a record you follow."),
}

CLOSING = N_("Sign in to Carnet to know more: details are never sent by e-mail.\n\n"
             "You receive this because you asked for these alerts (the My account page). If "
             "you did not, or if you do not recognise this, sign in and look at the access "
             "history.")


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def notification_mail(kind: NotificationKind, language: str | None) -> Mail:
    """The mail for one notification, in the recipient's language (French by default)."""
    return Mail(subject=text(language, SUBJECT),
                body=f"{text(language, WHAT[kind])}\n\n{text(language, CLOSING)}\n")
