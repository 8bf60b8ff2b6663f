"""The documents pages: the list by category, adding, one document, changing it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx
import pytest

from api.identity.models import Account
from api.records.documents.content import MAX_FILE_BYTES
from api.records.documents.models import Document
from api.records.documents.samples import pdf, png
from api.settings import Settings
from tests.factories import make_patient, make_professional, sign_in
from tests.querycount import count_queries
from tests.records.documents.helpers import Signed, make_document, stored_files

PDF = pdf("Compte rendu", ["Tout va bien."])


@pytest.fixture
async def owner(client: httpx.AsyncClient, settings: Settings) -> Signed:
    patient = await make_patient(first_names="Camille Anne", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


def _list(owner: Signed, query: str = "") -> str:
    return f"/records/{owner.patient.id}/documents{query}"


def _detail(owner: Signed, document: Document | int, action: str = "") -> str:
    number = document if isinstance(document, int) else document.id
    return f"/records/{owner.patient.id}/documents/{number}" + (f"/{action}" if action else "")


async def _send(owner: Signed, *files: tuple[str, bytes], errors_to: str | None = None,
                **fields: str) -> httpx.Response:
    """The upload form as a browser sends it: both file inputs, empty ones included."""
    data = {"csrf_token": owner.csrf, "patient_id": str(owner.patient.id),
            "next": _list(owner, "?done=uploaded"), **fields}
    parts = [("file", (name, content, "application/octet-stream")) for name, content in files]
    parts += [("file", ("", b"", "application/octet-stream"))] * (2 - len(parts))
    target = errors_to if errors_to is not None else _list(owner) + "#add"
    return await owner.client.post("/documents/upload", params={"errors_to": target},
                                   data=data, files=parts)


def _titles(html: str) -> list[str]:
    return re.findall(r'<li><a href="/records/\d+/documents/\d+">([^<]+)</a>', html)


def _field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="error" id="e-{name}">([^<]+)</p>', html)
    assert found, f"no error shown next to {name}"
    return found.group(1)


# --- the list ------------------------------------------------------------------------


async def test_the_list_groups_documents_by_category_with_counts_newest_first(owner: Signed):
    await make_document(owner.patient, title="Ordonnance", type_code="57833-6",
                        category="prescription", document_date=date(2025, 1, 5))
    await make_document(owner.patient, title="Bilan ancien", document_date=date(2023, 4, 1))
    await make_document(owner.patient, title="Bilan récent", document_date=date(2025, 2, 1))
    page = await owner.client.get(_list(owner))
    assert page.status_code == 200
    assert "Comptes rendus <span class=\"count\">(2 documents)</span>" in page.text
    assert "Prescriptions <span class=\"count\">(1 document)</span>" in page.text
    assert _titles(page.text) == ["Bilan récent", "Bilan ancien", "Ordonnance"]
    assert "Tout (3)" in page.text


async def test_each_document_says_its_type_date_size_and_who_added_it(owner: Signed):
    doctor = await make_professional(last_name="BERNARD")
    await make_document(owner.patient, title="Bilan", type_code="11502-2",
                        document_date=date(2025, 9, 12), size_bytes=120 * 1024)
    await make_document(owner.patient, author=await Account.get(id=doctor.account_id),
                        title="Lettre", document_date=date(2024, 6, 20),
                        size_bytes=3 * 1024 * 1024 // 2)
    page = (await owner.client.get(_list(owner))).text
    assert ("Compte rendu d'examens de biologie médicale · "
            '<time datetime="2025-09-12">12 septembre 2025</time> · 120 Ko · '
            "ajouté par Camille MARTIN") in page.replace("&#39;", "'")
    assert "1,5 Mo · ajouté par Test BERNARD (médecin)" in page


async def test_a_hidden_document_is_marked_hidden_from_professionals(owner: Signed):
    await make_document(owner.patient, title="Secret", hidden_from_professionals=True)
    await make_document(owner.patient, title="Public")
    page = (await owner.client.get(_list(owner))).text
    assert page.count("masqué aux professionnels") == 1
    assert re.search(r">Secret</a>\s*<span class=\"badge\">masqué aux professionnels", page)


async def test_a_category_link_shows_that_category_alone(owner: Signed):
    await make_document(owner.patient, title="Ordonnance", type_code="57833-6",
                        category="prescription")
    await make_document(owner.patient, title="Bilan")
    page = (await owner.client.get(_list(owner))).text
    assert f'href="{_list(owner, "?category=prescription")}"' in page
    chosen = (await owner.client.get(_list(owner, "?category=prescription"))).text
    assert _titles(chosen) == ["Ordonnance"]
    assert 'aria-current="page">Prescriptions (1)' in chosen
    assert "Comptes rendus (1)" in chosen  # the other filters stay one click away


async def test_without_a_filter_each_category_shows_its_newest_three_and_a_link_to_all(
    owner: Signed,
):
    for day in range(1, 6):
        await make_document(owner.patient, title=f"Bilan {day}",
                            document_date=date(2025, 3, day))
    page = (await owner.client.get(_list(owner))).text
    assert _titles(page) == ["Bilan 5", "Bilan 4", "Bilan 3"]
    assert "Voir les 5 documents de cette catégorie" in page


async def test_a_long_category_is_read_page_by_page(owner: Signed):
    for day in range(1, 13):
        await make_document(owner.patient, title=f"Bilan {day:02d}",
                            document_date=date(2025, 3, day))
    first = (await owner.client.get(_list(owner, "?category=report"))).text
    assert _titles(first) == [f"Bilan {day:02d}" for day in range(12, 2, -1)]
    more = re.search(r'<a href="([^"]+after=[^"]+)">Documents suivants</a>', first)
    assert more, "no link to the next documents"
    second = (await owner.client.get(more.group(1).replace("&amp;", "&"))).text
    assert _titles(second) == ["Bilan 02", "Bilan 01"]
    assert "Documents suivants" not in second
    assert "Revenir aux documents les plus récents" in second


async def test_an_unknown_category_or_a_stale_link_goes_back_to_the_list(owner: Signed):
    unknown = await owner.client.get(_list(owner, "?category=nonsense"))
    assert (unknown.status_code, unknown.headers["location"]) == (303, _list(owner))
    stale = await owner.client.get(_list(owner, "?category=report&after=bm9uc2Vuc2U="))
    assert (stale.status_code, stale.headers["location"]) == (303, _list(owner, "?category=report"))


async def test_the_list_costs_the_same_queries_whatever_the_number_of_documents(owner: Signed):
    await make_document(owner.patient)
    with count_queries() as few:
        await owner.client.get(_list(owner))
    for day in range(1, 20):
        await make_document(owner.patient, type_code="57833-6", category="prescription",
                            document_date=date(2024, 1, day))
    with count_queries() as many:
        await owner.client.get(_list(owner))
    assert many.count == few.count


# --- adding a document -------------------------------------------------------------------


async def test_the_upload_form_works_without_javascript(owner: Signed):
    page = (await owner.client.get(_list(owner))).text
    form = page[page.index('<section id="add"'):]
    assert 'enctype="multipart/form-data"' in form
    assert (f'action="/documents/upload?errors_to=%2Frecords%2F{owner.patient.id}'
            '%2Fdocuments%23add"') in form
    assert 'accept="application/pdf,image/jpeg,image/png"' in form
    assert 'accept="image/*" capture="environment"' in form and "Ou prendre une photo" in form
    assert "20 Mo au plus" in form
    assert f'name="next" value="{_list(owner, "?done=uploaded")}"' in form
    assert '<option value="51855-5" selected>Document du patient</option>' in form
    assert '<optgroup label="Prescriptions">' in form
    assert "Date du document (jj/mm/aaaa)" in form and 'name="typed_date" type="text"' in form


async def test_a_pdf_sent_with_the_form_is_listed_with_a_notice(owner: Signed, settings: Settings):
    sent = await _send(owner, ("ordonnance.pdf", PDF), title="Ordonnance du Dr Bernard",
                       type_code="57833-6", typed_date="03/11/2025")
    assert (sent.status_code, sent.headers["location"]) == (303, _list(owner, "?done=uploaded"))
    page = (await owner.client.get(sent.headers["location"])).text
    assert '<p class="notice" role="status">Votre document est ajouté.</p>' in page
    assert _titles(page) == ["Ordonnance du Dr Bernard"]
    assert "3 novembre 2025" in page
    document = await Document.get(patient_id=owner.patient.id)
    assert (document.category, document.content_type) == ("prescription", "application/pdf")


async def test_a_photo_from_the_phone_camera_is_added(owner: Signed):
    sent = await _send(owner, ("", b""), ("IMG_0001.png", png()))
    assert sent.status_code == 303
    document = await Document.get(patient_id=owner.patient.id)
    assert (document.title, document.content_type) == ("IMG_0001", "image/png")


async def test_a_program_named_pdf_comes_back_with_the_problem_next_to_the_file(
    owner: Signed, settings: Settings,
):
    before = (await stored_files(settings))
    sent = await _send(owner, ("facture.pdf", b"MZ\x90\x00" + b"\x00" * 64), title="Facture")
    assert sent.status_code == 303
    assert sent.headers["location"] == _list(
        owner, "?upload_error=UNSUPPORTED_FILE_TYPE&title=Facture#add")
    page = await owner.client.get(sent.headers["location"])
    assert _field_error(page.text, "file").startswith("Ce fichier n&#39;est ni un PDF")
    assert 'role="alert"' in page.text and 'aria-invalid="true"' in page.text
    assert (await stored_files(settings)) == before
    assert await Document.all().count() == 0


async def test_a_file_over_20_mb_comes_back_with_the_size_problem(owner: Signed):
    sent = await _send(owner, ("scan.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES))
    assert sent.headers["location"].endswith("upload_error=FILE_TOO_LARGE#add")
    page = await owner.client.get(sent.headers["location"])
    assert "Ce fichier dépasse 20 Mo" in _field_error(page.text, "file")
    assert await Document.all().count() == 0


async def test_a_body_announcing_far_more_than_20_mb_comes_back_unread(owner: Signed):
    sent = await owner.client.post(
        "/documents/upload", params={"errors_to": _list(owner) + "#add"}, content=b"--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x",
                 "content-length": str(40 * 1024 * 1024)},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == _list(owner, "?upload_error=FILE_TOO_LARGE#add")


@pytest.mark.parametrize(("files", "expected"), [
    ((), "Choisissez un fichier à envoyer, ou prenez une photo."),
    ((("vide.pdf", b""),), "Ce fichier est vide\u202f: choisissez-en un autre."),
    ((("a.pdf", PDF), ("b.png", png())), "Envoyez un seul fichier à la fois"),
])
async def test_a_missing_empty_or_double_file_is_explained(
    owner: Signed, files: tuple[tuple[str, bytes], ...], expected: str,
):
    sent = await _send(owner, *files)
    page = await owner.client.get(sent.headers["location"])
    assert _field_error(page.text, "file").startswith(expected)
    assert await Document.all().count() == 0


async def test_a_future_date_comes_back_next_to_the_date(owner: Signed):
    sent = await _send(owner, ("a.pdf", PDF), typed_date="01/01/2999")
    page = await owner.client.get(sent.headers["location"])
    assert "dans le futur" in _field_error(page.text, "document_date")


async def test_an_upload_without_the_csrf_token_is_refused(owner: Signed):
    response = await owner.client.post(
        "/documents/upload", data={"patient_id": str(owner.patient.id)},
        files={"file": ("a.pdf", PDF, "application/pdf")})
    assert response.status_code == 403
    assert await Document.all().count() == 0


# --- one document ------------------------------------------------------------------------


async def _uploaded(owner: Signed, content: bytes = PDF, name: str = "bilan.pdf",
                    **fields: str) -> Document:
    sent = await _send(owner, (name, content), **fields)
    assert sent.status_code == 303 and "upload_error" not in sent.headers["location"]
    return await Document.filter(patient_id=owner.patient.id).order_by("-id").first()


async def test_a_pdf_is_previewed_in_a_frame_on_demand_and_can_be_downloaded(owner: Signed):
    document = await _uploaded(owner, title="Bilan sanguin")
    page = await owner.client.get(_detail(owner, document))
    assert page.status_code == 200
    content = f"/documents/{document.id}/content"
    assert "<iframe" not in page.text  # a PDF may weigh 20 MB: it is loaded when asked for
    assert f'href="{_detail(owner, document)}?preview=pdf#preview"' in page.text
    assert f'<a href="{content}" download>Télécharger le document (PDF, 1 Ko)</a>' in page.text
    shown = (await owner.client.get(_detail(owner, document) + "?preview=pdf")).text
    assert (f'<iframe src="{content}" title="Aperçu du document\u202f: Bilan sanguin"></iframe>'
            in shown)
    assert (await owner.client.get(content)).content == PDF


async def test_a_picture_is_shown_with_its_title_as_text_alternative(owner: Signed):
    document = await _uploaded(owner, png(), "photo.png", title="Éruption au bras")
    page = (await owner.client.get(_detail(owner, document))).text
    assert f'<img src="/documents/{document.id}/content" alt="Éruption au bras">' in page
    assert "(PNG, 1 Ko)" in page


async def test_renaming_retyping_and_redating_a_document(owner: Signed):
    document = await _uploaded(owner)
    response = await owner.client.post(_detail(owner, document, "edit"), data={
        "csrf_token": owner.csrf, "title": "Ordonnance  antibiotique", "type_code": "57833-6",
        "document_date": "03/11/2025"})
    assert response.status_code == 303
    assert response.headers["location"] == _detail(owner, document) + "?done=updated"
    page = (await owner.client.get(response.headers["location"])).text
    assert "Vos modifications sont enregistrées." in page
    assert "<h1>Ordonnance antibiotique" in page
    assert "Prescription de produits de santé · " in page and "3 novembre 2025" in page


async def test_renaming_with_htmx_answers_the_refreshed_fragment(owner: Signed):
    document = await _uploaded(owner)
    response = await owner.client.post(
        _detail(owner, document, "edit"),
        data={"title": "Nouveau titre", "type_code": "51855-5", "document_date": "2025-01-01"},
        headers={"HX-Request": "true", "X-CSRF-Token": owner.csrf})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="document"')
    assert "<html" not in response.text
    assert '<p class="notice" role="status">Vos modifications sont enregistrées.</p>' in (
        response.text)


async def test_an_empty_title_or_a_future_date_is_refused_next_to_the_field(owner: Signed):
    document = await _uploaded(owner, title="Bilan")
    response = await owner.client.post(_detail(owner, document, "edit"), data={
        "csrf_token": owner.csrf, "title": " ", "type_code": "51855-5",
        "document_date": "31/12/2999"})
    assert response.status_code == 400
    assert _field_error(response.text, "title") == "Donnez un titre au document."
    assert "dans le futur" in _field_error(response.text, "document_date")
    assert (await Document.get(id=document.id)).title == "Bilan"
    bad_date = await owner.client.post(_detail(owner, document, "edit"), data={
        "csrf_token": owner.csrf, "title": "Bilan", "type_code": "51855-5",
        "document_date": "3 mars"})
    assert "14/03/2025" in _field_error(bad_date.text, "document_date")


async def test_hiding_a_document_from_professionals_then_showing_it_again(owner: Signed):
    document = await _uploaded(owner)
    detail = (await owner.client.get(_detail(owner, document))).text
    assert ("les professionnels ne verront plus ce document, sauf votre médecin traitant et la "
            "personne qui l&#39;a ajouté") in detail
    hidden = await owner.client.post(_detail(owner, document, "visibility"),
                                     data={"csrf_token": owner.csrf, "hidden": "1"})
    assert hidden.headers["location"] == _detail(owner, document) + "?done=hidden"
    assert (await Document.get(id=document.id)).hidden_from_professionals
    page = (await owner.client.get(hidden.headers["location"])).text
    assert "Le document est maintenant masqué aux professionnels." in page
    assert "Le montrer de nouveau aux professionnels" in page
    assert "masqué aux professionnels" in (await owner.client.get(_list(owner))).text
    shown = await owner.client.post(_detail(owner, document, "visibility"),
                                    data={"csrf_token": owner.csrf, "hidden": "0"})
    assert shown.headers["location"].endswith("?done=shown")
    assert not (await Document.get(id=document.id)).hidden_from_professionals


async def test_deleting_asks_to_confirm_first(owner: Signed):
    document = await _uploaded(owner)
    page = (await owner.client.get(_detail(owner, document))).text
    assert f'href="{_detail(owner, document)}?confirm=delete#delete"' in page
    assert "Oui, le supprimer" not in page
    confirm = (await owner.client.get(_detail(owner, document) + "?confirm=delete")).text
    assert "Supprimer ce document\u202f?" in confirm
    assert f'action="{_detail(owner, document, "delete")}"' in confirm
    assert "Oui, le supprimer" in confirm
    assert await Document.exists(id=document.id)


async def test_deleting_removes_the_document_and_its_file(owner: Signed, settings: Settings):
    before = (await stored_files(settings))
    document = await _uploaded(owner)
    response = await owner.client.post(_detail(owner, document, "delete"),
                                       data={"csrf_token": owner.csrf})
    assert response.headers["location"] == _list(owner, "?done=deleted")
    page = (await owner.client.get(response.headers["location"])).text
    assert "Le document est supprimé." in page and _titles(page) == []
    assert not await Document.exists(id=document.id)
    assert (await stored_files(settings)) == before
    assert (await owner.client.get(_detail(owner, document))).status_code == 404


async def test_a_stranger_finds_neither_the_list_nor_a_document(
    owner: Signed, app: Any, settings: Settings,
):
    document = await _uploaded(owner)
    stranger = await make_patient(first_names="Paul", birth_name="INCONNU")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        csrf = await sign_in(http, await Account.get(id=stranger.account_id), settings.secret_key)
        assert (await http.get(_list(owner))).status_code == 404
        assert (await http.get(_detail(owner, document))).status_code == 404
        # Their own record in the address does not open someone else's document either.
        own = f"/records/{stranger.id}/documents/{document.id}"
        assert (await http.get(own)).status_code == 404
        for action, data in (("edit", {"title": "x"}), ("visibility", {"hidden": "1"}),
                             ("delete", {})):
            response = await http.post(f"{own}/{action}", data={"csrf_token": csrf, **data})
            assert response.status_code == 404, action
    kept = await Document.get(id=document.id)
    assert (kept.title, kept.hidden_from_professionals) == ("bilan", False)


async def test_a_parent_adds_and_reads_documents_in_their_childs_record(owner: Signed):
    child = await make_patient(first_names="Léo", birth_name="MARTIN", account=False,
                               birth_date=date(2015, 3, 2), guardian=owner.account)
    sent = await owner.client.post(
        "/documents/upload", params={"errors_to": f"/records/{child.id}/documents"},
        data={"csrf_token": owner.csrf, "patient_id": str(child.id),
              "next": f"/records/{child.id}/documents?done=uploaded"},
        files={"file": ("carnet-vaccins.png", png(), "image/png")})
    assert sent.headers["location"] == f"/records/{child.id}/documents?done=uploaded"
    page = (await owner.client.get(sent.headers["location"])).text
    assert _titles(page) == ["carnet-vaccins"]
    assert _titles((await owner.client.get(_list(owner))).text) == []


async def test_changes_without_the_csrf_token_are_refused(owner: Signed):
    document = await _uploaded(owner, title="Bilan")
    for action, data in (("edit", {"title": "Piraté", "document_date": "2025-01-01"}),
                         ("visibility", {"hidden": "1"}), ("delete", {})):
        response = await owner.client.post(_detail(owner, document, action), data=data)
        assert response.status_code == 403, action
    kept = await Document.get(id=document.id)
    assert (kept.title, kept.hidden_from_professionals) == ("Bilan", False)


@pytest.mark.parametrize("files", [
    (("facture.pdf", b"MZ\x90\x00" + b"\x00" * 64),),  # not a PDF nor a picture
    (("scan.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES),),  # too big
    (("vide.pdf", b""),),  # empty
    (),  # no file at all
], ids=["wrong-type", "too-big", "empty", "missing"])
async def test_a_refused_upload_keeps_the_typed_title_type_and_date(owner: Signed, files):
    sent = await _send(owner, *files, title="Bilan sanguin de mars", type_code="11502-2",
                       typed_date="14/03/2026")
    assert sent.status_code == 303
    page = await owner.client.get(sent.headers["location"])
    assert 'name="title" type="text" value="Bilan sanguin de mars"' in page.text
    assert re.search(r'<option value="11502-2" selected', page.text), "type reset"
    assert 'value="14/03/2026"' in page.text
    assert "choisissez à nouveau le fichier" in page.text
    assert await Document.all().count() == 0
