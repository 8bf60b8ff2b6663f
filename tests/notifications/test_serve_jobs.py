"""`carnet serve` on SQLite runs the jobs itself: a professional deposits a document on a
live server, and the patient who opted in gets the e-mail in a real SMTP inbox (aiosmtpd),
once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.consent.models import MailState, Notification, NotificationKind
from api.identity.models import Account
from api.notify.preferences import set_mail_kinds
from api.settings import Settings
from tests.consent.support import session
from tests.factories import make_patient, make_professional
from tests.live_server import free_port, wait_until_up
from tests.notifications.support import MailServer, wait_for
from tests.records.documents.test_deposit import _deposit, _handle

pytestmark = pytest.mark.db
SWEEP_SECONDS = 10


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_carnet(db: None, settings: Settings, mail_server: MailServer,
                tmp_path: Path) -> Iterator[str]:
    if not settings.is_sqlite:
        pytest.skip("`carnet serve` runs the jobs in-process on SQLite only; on PostgreSQL "
                    "`carnet worker` does (tests/notifications/test_queue.py)")
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": settings.database_url,
                   "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(settings.var_dir),
                   "CARNET_ENV": "development", "SMTP_HOST": "127.0.0.1",
                   "SMTP_PORT": str(mail_server.port), "SMTP_STARTTLS": "false",
                   "SMTP_FROM": "Carnet <alertes@carnet.test>"}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                              env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, seconds=60)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        print((tmp_path / "server.log").read_text()[-3000:])


async def test_a_deposit_on_the_live_demo_server_reaches_the_patients_inbox(
        live_carnet: str, settings: Settings, mail_server: MailServer):
    patient = await make_patient(email="alice@carnet.test")
    await set_mail_kinds(await Account.get(id=patient.account_id),
                         [NotificationKind.DOCUMENT_DEPOSITED])
    async with httpx.AsyncClient(base_url=live_carnet, timeout=30) as http:
        nurse = await session(http, settings, await make_professional("nurse"))
        body = await _deposit(nurse, await _handle(nurse, patient))
    assert body["data"]["depositDocument"] == {"deposited": True, "userErrors": []}

    assert await wait_for(lambda: len(mail_server.inbox.mails) >= 1, SWEEP_SECONDS * 3), \
        "no mail arrived"
    [mail] = mail_server.inbox.mails
    assert mail["X-Envelope-To"] == "alice@carnet.test"
    assert "Un professionnel a déposé un document dans un dossier que vous suivez." in \
        mail.get_payload(decode=True).decode()
    # The server records the mail as sent once the SMTP server has accepted it, a moment
    # after the mail is in the inbox.
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        [note] = await Notification.filter(patient_id=patient.id)
        if note.mail_state is MailState.SENT or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.2)
    assert note.mail_state is MailState.SENT
    # The next sweeps find nothing more to send.
    await asyncio.sleep(SWEEP_SECONDS + 2)
    assert len(mail_server.inbox.mails) == 1
