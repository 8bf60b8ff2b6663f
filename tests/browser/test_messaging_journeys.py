"""Secure messaging in a real browser, with and without JavaScript: a patient answering a
message. Camille answers Dr BERNARD's message with a photo of her prescription, then files
the photo into her documents; Dr BERNARD reads the answer, and Camille's access history
shows that she did.

The journey deletes the document it filed, so the demo record stays as the other browser
tests expect it (the messages stay: messages are kept as long as the record).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from api.records.documents.samples import png

pytestmark = pytest.mark.browser

THREAD = "/records/1/messages/2"  # the demo: Dr BERNARD asks for a prescription
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def _delete_filed(context: Any, base_url: str, title: str) -> None:
    listing = await (await context.request.get(base_url + "/records/1/documents")).text()
    token = _CSRF_FIELD.search(listing)
    assert token, "the documents page has no CSRF field"
    for number in re.findall(rf'<a href="/records/1/documents/(\d+)">{title}</a>', listing):
        await context.request.post(f"{base_url}/records/1/documents/{number}/delete",
                                   form={"csrf_token": token.group(1)})


@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
async def camille(request: pytest.FixtureRequest, browser: Any, live_server: str,
                  signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    context = await browser.new_context(locale="fr-FR", java_script_enabled=request.param,
                                        storage_state=signed_in_states["patient"])
    tab = await context.new_page()
    tab.set_default_timeout(15000)
    tab.javascript = request.param
    tab.title_of_photo = "ordonnance-fer-" + ("js" if request.param else "sans-js")
    yield tab
    await _delete_filed(context, live_server, tab.title_of_photo)
    await context.close()


async def test_a_patient_answers_a_message_and_files_the_attachment(
        camille: Any, live_server: str, browser: Any, signed_in_states: dict[str, Any]):
    tab = camille
    await tab.goto(live_server + "/records/1/messages")
    await tab.get_by_role("link", name="Résultats de votre bilan sanguin").click()
    await tab.wait_for_url(re.compile(r"/records/1/messages/2$"))
    assert await tab.get_by_text("la ferritine est un peu basse").is_visible()
    if tab.javascript:
        await tab.evaluate("window.stillTheSamePage = true")

    answer = f"Bonjour Docteur, voici l'ordonnance ({tab.title_of_photo})."
    await tab.get_by_label("Votre message").fill(answer)
    await tab.get_by_label("Joindre un fichier (facultatif)").set_input_files({
        "name": f"{tab.title_of_photo}.png", "mimeType": "image/png", "buffer": png()})
    await tab.get_by_role("button", name="Envoyer", exact=True).click()
    status = tab.get_by_role("status")
    await status.wait_for()
    assert await status.inner_text() == "Votre message est envoyé."
    mine = tab.locator(".message.mine").last
    assert answer in await mine.inner_text()
    assert f"{tab.title_of_photo}.png" in await mine.inner_text()
    if tab.javascript:  # htmx swapped the thread: the page was not reloaded
        assert await tab.evaluate("window.stillTheSamePage === true")

    await mine.get_by_role("button", name=f"Classer {tab.title_of_photo}.png dans mes documents"
                           ).click()
    await tab.get_by_text("Le fichier est maintenant dans les documents du dossier.").wait_for()
    assert "dans les documents" in await tab.locator(".message.mine").last.inner_text()

    await tab.goto(live_server + "/records/1/documents")
    assert await tab.get_by_role("link", name=tab.title_of_photo).is_visible()

    # Dr BERNARD reads the answer; Camille sees it in her access history.
    doctor = await browser.new_context(locale="fr-FR",
                                       storage_state=signed_in_states["professional"])
    pro = await doctor.new_page()
    await pro.goto(live_server + "/pro/messages/2")
    assert answer in await pro.locator(".message").last.inner_text()
    await doctor.close()
    await tab.goto(live_server + "/records/1/access-history")
    assert await tab.get_by_text(
        "a lu les messages de la conversation « Résultats de votre bilan sanguin »"
    ).first.is_visible()
