"""Documents in a real browser, with and without JavaScript: add, find, preview, hide, delete.

Each journey removes what it added, and whatever a failed one left is put back afterwards,
so the demo record stays as the other browser tests expect it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from api.records.documents.samples import pdf, png

pytestmark = pytest.mark.browser

LIST = "/records/1/documents"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# Every journey's own documents have a title ending so.
_LEFT_OVER = re.compile(r'<a href="/records/1/documents/(\d+)">[^<]*JavaScript</a>')


async def _put_back(context: Any, base_url: str) -> None:
    """Delete the journeys' documents still there; give the demo lab report its name back."""
    listing = await (await context.request.get(base_url + LIST)).text()
    found = _CSRF_FIELD.search(listing)
    assert found, "the documents page has no CSRF field"
    token = found.group(1)
    for number in _LEFT_OVER.findall(listing):
        await context.request.post(f"{base_url}{LIST}/{number}/delete",
                                   form={"csrf_token": token})
    if ">Bilan sanguin de septembre<" in listing:
        await context.request.post(f"{base_url}{LIST}/1/edit", form={
            "csrf_token": token, "title": "Bilan sanguin", "type_code": "11502-2",
            "document_date": "12/09/2025"})


@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
async def tab(request: pytest.FixtureRequest, browser: Any, live_server: str,
              signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    """Camille's browser, signed in, with JavaScript on or off."""
    context = await browser.new_context(locale="fr-FR", java_script_enabled=request.param,
                                        storage_state=signed_in_states["patient"])
    page = await context.new_page()
    page.set_default_timeout(15000)
    page.javascript = request.param
    yield page
    await _put_back(context, live_server)
    await context.close()


async def _open_list(tab: Any, base_url: str) -> None:
    await tab.goto(base_url + LIST)
    # A marker that only survives if the page is not reloaded (htmx swaps a fragment).
    if tab.javascript:
        await tab.evaluate("window.stillTheSamePage = true")


async def _send(tab: Any, label: str, file: dict[str, Any], title: str = "") -> None:
    await tab.get_by_label(label, exact=True).set_input_files(file)
    if title:
        await tab.get_by_label("Titre", exact=True).fill(title)
    await tab.get_by_role("button", name="Envoyer le document").click()


async def _pdf_viewer_in(tab: Any) -> bool:
    """Whether Chromium's PDF viewer (an extension frame) opened in the page."""
    for _ in range(50):
        if any(frame.url.startswith("chrome-extension://") for frame in tab.frames):
            return True
        await tab.wait_for_timeout(200)
    return False


async def _delete(tab: Any, title: str) -> None:
    """From the document's page: delete it, confirming, and land on the list."""
    await tab.get_by_role("link", name="Supprimer ce document").click()
    heading = tab.get_by_role("heading", name="Supprimer ce document ?")
    await heading.wait_for()
    await tab.get_by_role("button", name="Oui, le supprimer").click()
    await tab.get_by_role("status").filter(has_text="Le document est supprimé.").wait_for()
    assert await tab.get_by_role("link", name=title, exact=True).count() == 0


async def test_a_patient_adds_a_pdf_finds_it_previews_hides_and_deletes_it(
    tab: Any, live_server: str,
) -> None:
    title = "Résultats IRM " + ("avec" if tab.javascript else "sans") + " JavaScript"
    await _open_list(tab, live_server)
    if tab.javascript:
        await tab.evaluate("""() => document.addEventListener('htmx:xhr:progress', () => {
            const bar = document.querySelector('.docs-upload progress');
            window.progressSeen = Math.max(window.progressSeen || 0, bar ? bar.value : 0);
        })""")
    await tab.get_by_label("Type de document").select_option(
        label="Compte rendu d'imagerie médicale")
    await _send(tab, "Fichier", {"name": "irm.pdf", "mimeType": "application/pdf",
                                 "buffer": pdf("IRM du genou", ["Pas de lésion."])}, title)
    await tab.get_by_role("status").filter(has_text="Votre document est ajouté.").wait_for()
    if tab.javascript:
        assert await tab.evaluate("window.stillTheSamePage") is True
        assert await tab.evaluate("window.progressSeen") == 100
    imaging = tab.locator("section", has=tab.get_by_role("heading", name=re.compile("Imagerie")))
    assert title in await imaging.inner_text()

    await tab.get_by_role("link", name=title, exact=True).click()
    await tab.get_by_role("heading", level=1, name=title).wait_for()
    download = tab.get_by_role("link", name=re.compile(r"Télécharger le document \(PDF"))
    assert await download.get_attribute("download") is not None
    await tab.get_by_role("link", name="Afficher le PDF dans la page").click()
    preview = tab.locator(".docs-preview iframe")
    await preview.wait_for()
    assert (await preview.get_attribute("title")).endswith(title)
    assert await preview.get_attribute("src") == await download.get_attribute("href")
    if tab.javascript:
        # Chromium's PDF viewer shows it, despite the `sandbox` policy the file comes with.
        assert await _pdf_viewer_in(tab), [frame.url for frame in tab.frames]
    # Leave the preview before going on: without scripts Playwright turns them off in every
    # frame, Chromium's PDF viewer included, which then never finishes loading; with them,
    # the headless viewer still loading its own resources now and then swallows the next
    # click on a loaded machine. Either way the click below could be lost.
    await tab.goto(tab.url.split("?")[0])

    await tab.get_by_role("button", name="Le masquer aux professionnels").click()
    await tab.get_by_role("status").filter(has_text="maintenant masqué").wait_for()
    assert "masqué aux professionnels" in await tab.get_by_role("heading", level=1).inner_text()
    await tab.get_by_role("link", name="Tous les documents").click()
    entry = tab.locator("li", has=tab.get_by_role("link", name=title, exact=True))
    assert "masqué aux professionnels" in await entry.inner_text()

    await tab.get_by_role("link", name=title, exact=True).click()
    await _delete(tab, title)


async def test_a_photo_taken_with_the_phone_is_shown_in_its_page(tab: Any,
                                                                 live_server: str) -> None:
    title = "Photo de l'ordonnance " + ("avec" if tab.javascript else "sans") + " JavaScript"
    await _open_list(tab, live_server)
    await _send(tab, "Ou prendre une photo", {"name": "IMG_2041.png", "mimeType": "image/png",
                                              "buffer": png(120, 90)}, title)
    await tab.get_by_role("status").filter(has_text="Votre document est ajouté.").wait_for()
    await tab.get_by_role("link", name=title, exact=True).click()
    picture = tab.get_by_role("img", name=title)
    await picture.wait_for()
    # Visible is not loaded: the element is in the page before its bytes arrive, so wait for
    # the picture itself (decode() rejects when the bytes are not an image).
    assert await picture.evaluate("(img) => img.decode().then(() => img.naturalWidth)") == 120

    await tab.get_by_role("button", name="Le masquer aux professionnels").click()
    await tab.get_by_role("button", name="Le montrer de nouveau aux professionnels").click()
    await tab.get_by_role("status").filter(has_text="peuvent de nouveau voir").wait_for()
    await _delete(tab, title)


async def test_a_file_that_is_not_a_document_is_refused_next_to_the_field(
    tab: Any, live_server: str,
) -> None:
    await _open_list(tab, live_server)
    await _send(tab, "Fichier", {"name": "programme.pdf", "mimeType": "application/pdf",
                                 "buffer": b"MZ" + bytes(200)})
    error = tab.locator("#e-file")
    await error.wait_for()
    assert "ni un PDF, ni une photo JPEG ou PNG" in await error.inner_text()
    assert await tab.get_by_role("alert").count() == 1
    assert await tab.get_by_label("Fichier", exact=True).get_attribute("aria-invalid") == "true"
    if tab.javascript:
        assert await tab.evaluate("window.stillTheSamePage") is True


async def test_renaming_a_demo_document_and_putting_its_name_back(tab: Any,
                                                                  live_server: str) -> None:
    await tab.goto(live_server + LIST + "/1")
    await tab.get_by_label("Titre", exact=True).fill("Bilan sanguin de septembre")
    await tab.get_by_role("button", name="Enregistrer les modifications").click()
    saved = tab.get_by_role("status").filter(has_text="Vos modifications sont enregistrées.")
    await saved.wait_for()
    assert await tab.get_by_role("heading", level=1).inner_text() == "Bilan sanguin de septembre"
    await tab.get_by_label("Titre", exact=True).fill("Bilan sanguin")
    await tab.get_by_role("button", name="Enregistrer les modifications").click()
    await tab.get_by_role("heading", level=1, name="Bilan sanguin", exact=True).wait_for()


async def test_a_file_over_20_mb_is_refused_with_a_readable_message(
    tab: Any, live_server: str, tmp_path: Any,
) -> None:
    scan = tmp_path / "scan-couleur.pdf"
    scan.write_bytes(b"%PDF-" + bytes(21 * 1024 * 1024))
    await _open_list(tab, live_server)
    await tab.get_by_label("Fichier", exact=True).set_input_files(scan)
    await tab.get_by_role("button", name="Envoyer le document").click()
    error = tab.locator("#e-file")
    await error.wait_for()
    assert "dépasse 20 Mo" in await error.inner_text()
