"""One rule picks the language, for a page and for /graphql alike (api.texts).

The switch's choice on this device, then the account's language, then the browser's
Accept-Language, then French.
"""

from __future__ import annotations

import re

import pytest

from api.identity.models import Account
from api.texts import accepted_language, choose_language
from tests.factories import csrf_from, graphql, make_professional, sign_in

REFUSED_KIND = """mutation { setMailAlerts(kinds: [DOCUMENT_DEPOSITED]) {
  userErrors { code message } } }"""


@pytest.mark.parametrize(("choice", "account", "accept", "expected"), [
    ("en", "fr", "fr", "en"),  # the switch on this device wins
    ("fr", "en", "en", "fr"),
    (None, "en", "fr-FR,fr", "en"),  # then the account's own choice
    (None, None, "en-GB,en;q=0.9,fr;q=0.5", "en"),  # then the browser's
    (None, None, "de-DE,de;q=0.9,en;q=0.8,fr;q=0.7", "en"),  # the first Carnet speaks
    (None, None, "fr;q=0.4,en;q=0.6", "en"),  # by weight, not by order
    (None, None, "en;q=0", "fr"),  # q=0: not wanted
    (None, None, "de", "fr"),  # then French
    (None, None, None, "fr"),
    ("xx", "yy", "zz", "fr"),  # values Carnet does not speak are ignored
])
def test_the_language_follows_the_choice_the_account_the_browser_then_french(
        choice, account, accept, expected):
    assert choose_language(choice, account, accept) == expected


def test_a_malformed_accept_language_is_no_choice():
    assert accepted_language("en;q=abc, ;;, fr") == "fr"


async def _page_and_api_language(client, token: str, headers: dict[str, str]) -> tuple[str, str]:
    page = await client.get("/account", headers=headers)
    page_language = re.search(r'<html lang="(\w+)"', page.text).group(1)
    response = await client.post("/graphql", json={"query": REFUSED_KIND},
                                 headers={"x-csrf-token": token, **headers})
    [error] = response.json()["data"]["setMailAlerts"]["userErrors"]
    api_language = "en" if error["message"].startswith("These alerts") else "fr"
    return page_language, api_language


@pytest.mark.parametrize(("cookie", "account", "accept", "expected"), [
    (None, None, None, "fr"),
    (None, None, "en-US,en;q=0.9", "en"),
    ("fr", None, "en-US,en;q=0.9", "fr"),
    (None, "en", "fr-FR", "en"),
    ("fr", "en", "en", "fr"),
])
async def test_a_page_and_graphql_answer_the_same_request_in_the_same_language(
        client, settings, cookie, account, accept, expected):
    doctor = await make_professional()
    await Account.filter(id=doctor.account_id).update(language=account)
    token = await sign_in(client, await Account.get(id=doctor.account_id), settings.secret_key)
    if cookie:
        client.cookies.set("carnet_lang", cookie)
    headers = {"accept-language": accept} if accept else {}
    assert await _page_and_api_language(client, token, headers) == (expected, expected)


async def test_the_switch_signed_in_is_remembered_on_the_account_for_other_devices(
        client, settings):
    doctor = await make_professional()
    account = await Account.get(id=doctor.account_id)
    assert account.language is None  # nobody has chosen yet
    token = await sign_in(client, account, settings.secret_key)
    page = await client.get("/account")
    switched = await client.post("/lang", data={"csrf_token": csrf_from(page.text),
                                               "lang": "en", "next": "/account"})
    assert switched.status_code == 303
    assert (await Account.get(id=doctor.account_id)).language == "en"
    client.cookies.delete("carnet_lang")  # another device: no choice made there
    assert await _page_and_api_language(client, token, {"accept-language": "fr"}) == (
        "en", "en")
    answer = await graphql(client, token, "{ me { account { language } } }")
    assert answer["data"]["me"]["account"]["language"] == "en"
