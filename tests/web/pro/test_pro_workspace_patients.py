"""/pro, "My patients": who shared their record with me, what, until when, read or write,
sorted by my own last access; and opening a record by INS and birth date, where every miss
answers the very same page."""

from __future__ import annotations

from datetime import date, timedelta

from api import clock
from api.consent.models import Block
from api.consent.sections import Section as S
from api.identity.ins import nir_key
from api.identity.models import Account
from tests.factories import csrf_from, sign_in
from tests.querycount import count_queries
from tests.web.pro.support import (
    grant,
    ins_of,
    patient,
    row_of,
    signed_pro,
    text_of,
    treating,
)


def order_of(page_text: str, *names: str) -> list[str]:
    return sorted(names, key=page_text.index)


async def test_my_patients_come_in_the_order_i_last_opened_them_never_opened_last(
        client, settings):
    pro = await signed_pro(client, settings.secret_key)
    first = await patient("Anne", "ALPHA")
    second = await patient("Bruno", "BRAVO")
    never_old = await patient("Chloe", "CHARLIE")
    never_new = await patient("Denis", "DELTA")
    for someone in (first, second):
        await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES, created_days_ago=20)
    await grant(never_old, pro.professional, S.IDENTITY, S.ALLERGIES, created_days_ago=10)
    await grant(never_new, pro.professional, S.IDENTITY, S.ALLERGIES, created_days_ago=2)
    with clock.frozen_at(clock.now() - timedelta(days=3)):
        assert (await client.get(f"/pro/records/{first.id}/allergies")).status_code == 200
    assert (await client.get(f"/pro/records/{second.id}/allergies")).status_code == 200

    for _ in range(2):  # listing reads the names: it must not reorder the list
        shown = text_of(await client.get("/pro"))
        assert order_of(shown, "Anne ALPHA", "Bruno BRAVO", "Chloe CHARLIE", "Denis DELTA") \
            == ["Bruno BRAVO", "Anne ALPHA", "Denis DELTA", "Chloe CHARLIE"]
    assert shown.count("Jamais ouvert") == 2 and "Ouvert pour la dernière fois le" in shown


async def test_each_row_says_what_is_shared_until_when_and_whether_i_may_write(
        client, settings):
    pro = await signed_pro(client, settings.secret_key)
    reader = await patient("Anne", "ALPHA")
    writer = await patient("Bruno", "BRAVO")
    treated = await patient("Chloe", "CHARLIE")
    await grant(reader, pro.professional, S.IDENTITY, S.ALLERGIES, S.TREATMENTS, days=10)
    await grant(writer, pro.professional, S.IDENTITY, S.HISTORY, write=True, days=40)
    await treating(treated, pro.professional)
    until = (clock.now() + timedelta(days=10)).astimezone().date()
    page = await client.get("/pro")
    row = row_of(page, "Anne ALPHA")
    assert "Rubriques : Allergies, Traitements" in row and "lecture seule" in row
    assert f"Partagé jusqu’au {until.day}" in row
    row = row_of(page, "Bruno BRAVO")
    assert "Rubriques : Antécédents" in row and "lecture et modification" in row
    row = row_of(page, "Chloe CHARLIE")
    assert "médecin traitant" in row and "Directives anticipées" in row
    assert f'href="/pro/records/{reader.id}"' in page.text


async def test_records_no_longer_shared_or_blocked_are_not_listed(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    expired = await patient("Anne", "ALPHA")
    blocked = await patient("Bruno", "BRAVO")
    await grant(expired, pro.professional, S.IDENTITY, days=-1)
    await grant(blocked, pro.professional, S.IDENTITY)
    await Block.create(patient_id=blocked.id, professional_id=pro.professional.id,
                       created_at=clock.now())
    shown = text_of(await client.get("/pro"))
    assert "ALPHA" not in shown and "BRAVO" not in shown
    assert "Aucun patient ne vous a encore partagé son dossier" in shown


async def test_a_name_not_shared_shows_the_record_number_instead(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient("Anne", "ALPHA")
    await grant(someone, pro.professional, S.ALLERGIES)
    shown = text_of(await client.get("/pro"))
    assert "ALPHA" not in shown and f"Dossier n° {someone.id}" in shown


async def test_the_list_costs_the_same_statements_for_two_patients_or_eight(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    counts, made = [], 0
    for size in (2, 8):
        while made < size:
            await grant(await patient(f"P{made}", "SAME"), pro.professional, S.IDENTITY,
                        S.ALLERGIES)
            made += 1
        await client.get("/pro")  # the session's first page warms what is cached once
        with count_queries() as log:
            assert (await client.get("/pro")).status_code == 200
        counts.append(log.count)
    assert counts[0] == counts[1], counts


async def test_the_identity_block_stays_on_the_page(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    shown = text_of(await client.get("/pro"))
    assert pro.professional.rpps in shown and "Médecin" in shown
    assert "Mes patients" in shown and 'aria-current="page"' in (await client.get("/pro")).text


async def test_a_patient_account_cannot_open_the_workspace(client, settings):
    someone = await patient()
    await sign_in(client, await Account.get(id=someone.account_id), settings.secret_key)
    assert (await client.get("/pro")).status_code == 403


# --- opening a record by INS and birth date ------------------------------------------


async def _find(pro, ins: str, birth: str):  # type: ignore[no-untyped-def]
    form = await pro.client.get("/pro")
    return await pro.client.post("/pro/find", data={
        "csrf_token": csrf_from(form.text), "ins": ins, "birthDate": birth})


async def test_a_patient_who_shared_opens_by_ins_and_birth_date(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient(birth_date=date(1980, 1, 1))
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    for typed in ("01/01/1980", "1980-01-01"):
        found = await _find(pro, ins_of(someone), typed)
        assert found.status_code == 303
        assert found.headers["location"] == f"/pro/records/{someone.id}"


async def test_every_miss_answers_the_very_same_page(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    stranger = await patient(birth_date=date(1980, 1, 1))
    blocker = await patient(birth_date=date(1980, 1, 1))
    await Block.create(patient_id=blocker.id, professional_id=pro.professional.id,
                       created_at=clock.now())
    wrong_date = await patient(birth_date=date(1980, 1, 1))
    await grant(wrong_date, pro.professional, S.IDENTITY)
    unknown_ins = "2991299999999" + nir_key("2991299999999")
    pages = [await _find(pro, ins, birth) for ins, birth in (
        (unknown_ins, "01/01/1980"),
        (ins_of(stranger), "01/01/1980"),
        (ins_of(blocker), "01/01/1980"),
        (ins_of(wrong_date), "02/01/1980"),
    )]
    assert {(page.status_code, page.headers["location"]) for page in pages} \
        == {(303, "/pro/not-shared")}
    landed = await client.get("/pro/not-shared")
    shown = text_of(landed)
    assert "Aucun dossier partagé avec vous" in shown
    assert "page Partage" in shown and "médecin traitant" in shown
    assert 'href="/pro/deposit"' in landed.text


async def test_a_mistyped_ins_or_date_is_shown_next_to_the_field_without_javascript(
        client, settings):
    pro = await signed_pro(client, settings.secret_key)
    short = await _find(pro, "12345", "01/01/1980")
    assert short.status_code == 400 and 'aria-invalid="true"' in short.text
    assert "15 caractères" in text_of(short) and 'value="12345"' in short.text
    wrong_key = await _find(pro, "2951099126111" + "00", "01/01/1980")
    assert wrong_key.status_code == 400 and "n’est pas valide" in text_of(wrong_key)
    bad_date = await _find(pro, "2951099126111" + "93", "31/02/1980")
    assert bad_date.status_code == 400 and "date de naissance" in text_of(bad_date).lower()


async def test_the_lookup_form_refuses_a_post_without_its_token(client, settings):
    await signed_pro(client, settings.secret_key)
    response = await client.post("/pro/find", data={"ins": "x", "birthDate": "y"})
    assert response.status_code == 403


async def test_the_workspace_speaks_english(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient("Anne", "ALPHA")
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    client.cookies.set("carnet_lang", "en")
    shown = text_of(await client.get("/pro"))
    assert "My patients" in shown and "Open a patient's record" in shown
    assert "reading only" in shown and "Never opened yet" in shown
    await _find(pro, "2951099126111" + "93", "01/01/1980")
    assert "No record shared with you" in text_of(await client.get("/pro/not-shared"))


async def test_only_emergency_professions_see_the_emergency_link(client, settings):
    await signed_pro(client, settings.secret_key, "emergency_physician")
    assert 'href="/pro/emergency"' in (await client.get("/pro")).text
    client.cookies.clear()
    await signed_pro(client, settings.secret_key, "physician")
    assert 'href="/pro/emergency"' not in (await client.get("/pro")).text
