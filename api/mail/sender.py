"""Sending mail: over SMTP in production, into the outbox table in development."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import aiosmtplib

from api.mail.models import OutboxMail
from api.settings import Settings

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The mail could not be handed to the mail server."""


async def send_mail(settings: Settings, recipient: str, subject: str, body: str,
                    *, message_id: str | None = None) -> None:
    """Hand one mail to the server; `message_id` makes a re-sent copy recognisable."""
    if settings.mail_backend == "outbox":
        await OutboxMail.create(recipient=recipient, subject=subject, body=body)
        return
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = recipient
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_starttls,
            timeout=15,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        log.error("mail to %s not sent: %s", recipient.split("@")[-1], exc)
        raise MailError("The e-mail could not be sent; try again in a moment.") from exc
