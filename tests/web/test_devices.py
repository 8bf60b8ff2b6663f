"""The devices under "My account", as a person recognises them: browser and system named
by ua-parser, the last use in Paris time, in words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api import clock
from api.identity.models import Account, SessionStage
from api.identity.sessions import start_session
from tests.factories import make_patient, sign_in
from web.devices import device_name, last_used

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
EDGE_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")
SAFARI_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
              "like Gecko) Version/18.1 Safari/605.1.15")


@pytest.mark.parametrize(("agent", "french", "english"), [
    (FIREFOX_ANDROID, "Firefox sur Android", "Firefox on Android"),
    (SAFARI_IPHONE, "Safari sur iOS", "Safari on iOS"),
    (EDGE_WINDOWS, "Edge sur Windows", "Edge on Windows"),
    (SAFARI_MAC, "Safari sur macOS", "Safari on macOS"),
    ("", "Appareil inconnu", "Unknown device"),
    (None, "Appareil inconnu", "Unknown device"),
    ("curl/8.5.0", "curl", "curl"),
])
def test_a_device_is_named_by_its_browser_and_system(agent, french, english):
    assert device_name(agent, "fr") == french
    assert device_name(agent, "en") == english


@pytest.mark.parametrize(("moment", "french"), [
    (datetime(2026, 12, 6, 5, 45, tzinfo=UTC), "le 6 décembre à 06:45"),  # UTC+1 in winter
    (datetime(2026, 7, 1, 5, 45, tzinfo=UTC), "le 1er juillet à 07:45"),  # UTC+2 in summer
    (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), "le 1er janvier à 00:30"),
    (datetime(2025, 12, 31, 22, 30, tzinfo=UTC), "le 31 décembre 2025 à 23:30"),
    (datetime(2024, 3, 2, 9, 0, tzinfo=UTC), "le 2 mars 2024 à 10:00"),
])
def test_the_last_use_is_said_in_paris_time(moment, french):
    with clock.frozen_at(datetime(2026, 12, 6, 9, 0, tzinfo=UTC)):
        assert last_used(moment, "fr") == french


async def test_the_account_page_lists_devices_in_words(client, settings):
    patient = await make_patient(email="devices@test.invalid")
    account = await Account.get(id=patient.account_id)
    with clock.frozen_at(datetime(2026, 12, 6, 5, 45, tzinfo=UTC)):
        await start_session(settings.secret_key, account, SessionStage.ACTIVE, FIREFOX_ANDROID)
    await sign_in(client, account, settings.secret_key)
    with clock.frozen_at(datetime(2026, 12, 6, 5, 50, tzinfo=UTC)):
        page = await client.get("/account")
    assert "Firefox sur Android · " in page.text
    assert '<time datetime="2026-12-06T05:45:00+00:00">le 6 décembre à 06:45</time>' in page.text
    assert "UTC" not in page.text and "Mozilla/5.0" not in page.text
