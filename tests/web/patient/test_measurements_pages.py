"""The measurements pages: latest values, adding one (with and without htmx), a kind's
chart and table, removing a value, and nothing for someone else's record."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from api import clock
from tests.factories import make_patient
from tests.records.measurements.support import MINE, Person, iso, signed_in_patient, store

HTMX = {"HX-Request": "true"}
PARIS = ZoneInfo("Europe/Paris")


def _url(person: Person, rest: str = "") -> str:
    assert person.patient is not None
    return f"/records/{person.patient.id}/measurements{rest}"


def _form(person: Person, **fields: str) -> dict[str, str]:
    moment = (clock.now() - timedelta(hours=2)).astimezone(PARIS)
    return {"csrf_token": person.csrf, "kind": "WEIGHT", "value": "72,5", "value2": "",
            "measured_on": moment.strftime("%d/%m/%Y"), "measured_time": moment.strftime("%H:%M"),
            "note": "", **fields}


async def _mine(person: Person) -> list[dict[str, object]]:
    body = await person.ask(MINE, first=50)
    return body["data"]["me"]["patient"]["measurements"]["items"]


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr id="row-(\d+)"', body)


async def test_the_overview_shows_the_latest_value_of_each_kind_and_its_trend(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    now = clock.now()
    await alice.add(kind="WEIGHT", value=73.0, measuredAt=iso(now - timedelta(days=8)))
    await alice.add(kind="WEIGHT", value=72.5, measuredAt=iso(now - timedelta(days=1)))
    await alice.add(kind="BLOOD_PRESSURE", value=125, value2=82)
    page = await client.get(_url(alice))
    assert page.status_code == 200
    assert '72,5 <span class="unit">kg</span>' in page.text and "En baisse de 0,5 kg" in page.text
    assert '125/82 <span class="unit">mmHg</span>' in page.text
    assert f'href="{_url(alice, "/blood-pressure")}"' in page.text
    assert "<h2><a" in page.text and "Glycémie</a>" not in page.text  # no card without values
    assert '<option value="GLUCOSE">Glycémie (g/L)</option>' in page.text


async def test_an_empty_record_invites_to_add_the_first_measurement(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    page = await client.get(_url(alice))
    assert "Aucune mesure pour l'instant" in unescape(page.text)
    today = clock.now().astimezone(PARIS).strftime("%d/%m/%Y")
    assert f'name="measured_on" type="text" value="{today}"' in page.text
    assert "Seulement pour la tension" in page.text


async def test_adding_a_blood_pressure_without_javascript_redirects_to_a_notice(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice, kind="BLOOD_PRESSURE", value="128",
                                                     value2="84", note="Au réveil"))
    assert sent.status_code == 303
    assert sent.headers["location"] == _url(alice, "?done=added&kind=blood-pressure")
    page = await client.get(sent.headers["location"])
    assert 'role="status"' in page.text and "La mesure est enregistrée" in page.text
    assert '128/84 <span class="unit">mmHg</span>' in page.text
    [saved] = await _mine(alice)
    assert (saved["kind"], saved["value"], saved["value2"]) == ("BLOOD_PRESSURE", 128, 84)


async def test_adding_with_htmx_returns_the_refreshed_fragment_with_its_notice(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice), headers=HTMX)
    assert sent.status_code == 200 and "<html" not in sent.text
    assert sent.text.lstrip().startswith('<div id="measurements"')
    assert 'role="status"' in sent.text and '72,5 <span class="unit">kg</span>' in sent.text
    assert "HX-Request" in sent.headers["vary"]
    assert len(await _mine(alice)) == 1


async def test_an_impossible_blood_pressure_is_refused_next_to_its_field(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice, kind="BLOOD_PRESSURE", value="400",
                                                     value2="20"))
    assert sent.status_code == 400
    assert "400 mmHg, c'est trop haut pour être possible" in unescape(sent.text)
    assert re.search(r'id="e-value">[^<]*trop haut', sent.text)
    assert 'name="value" type="text" value="400"' in sent.text
    assert 'aria-invalid="true" aria-describedby="h-value e-value"' in sent.text
    assert 'role="alert"' in sent.text and 'href="#f-value"' in sent.text
    assert await _mine(alice) == []


async def test_with_htmx_the_refusal_comes_back_as_a_fragment_htmx_will_swap(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice, kind="BLOOD_PRESSURE", value="400",
                                                     value2="20"), headers=HTMX)
    # 400 like every refused form; base.html has htmx swap a 400 answer in place.
    assert sent.status_code == 400 and "<html" not in sent.text
    assert 'role="alert"' in sent.text and "trop haut" in sent.text


async def test_a_value_that_is_not_a_number_is_refused_before_anything_is_saved(client,
                                                                              settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice, value="soixante",
                                                     measured_on="31/02/2026",
                                                     measured_time="25:00"))
    assert sent.status_code == 400
    assert "Indiquez la valeur en chiffres" in sent.text
    assert "Indiquez la date sous la forme jour/mois/année" in sent.text
    assert "Indiquez l’heure sous la forme heures:minutes" in unescape(sent.text)
    assert await _mine(alice) == []


async def test_a_measurement_in_the_future_gets_the_api_message(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    tomorrow = (clock.now() + timedelta(days=1)).astimezone(PARIS).strftime("%d/%m/%Y")
    sent = await client.post(_url(alice), data=_form(alice, measured_on=tomorrow))
    assert sent.status_code == 400
    assert re.search(r'id="e-measured_on">Cette date est dans le futur', sent.text)


async def test_dates_and_times_are_read_as_people_write_them_in_french_time(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice, measured_on="5.1.2026",
                                                     measured_time="8h30"))
    assert sent.status_code == 303
    [saved] = await _mine(alice)
    assert saved["measuredAt"] == "2026-01-05T07:30:00+00:00"  # 08:30 in Paris, in winter


async def test_the_second_field_is_ignored_for_a_kind_with_one_number(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice, value2="80"))
    assert sent.status_code == 303
    [saved] = await _mine(alice)
    assert saved["value"] == 72.5 and saved["value2"] is None


async def test_a_form_without_its_csrf_token_is_refused(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    form = _form(alice)
    del form["csrf_token"]
    assert (await client.post(_url(alice), data=form)).status_code == 403
    assert await _mine(alice) == []


async def test_someone_elses_measurements_are_not_found(client, settings):
    stranger = await make_patient()
    await store(stranger, "weight", [(clock.now() - timedelta(days=1), 80.0)])
    alice = await signed_in_patient(client, settings.secret_key)
    for path in ("", "/weight"):
        page = await client.get(f"/records/{stranger.id}/measurements{path}")
        assert page.status_code == 404 and "80 kg" not in page.text
    sent = await client.post(f"/records/{stranger.id}/measurements",
                             data=_form(alice))
    assert sent.status_code == 404


async def test_the_kind_page_draws_a_chart_and_lists_the_values_newest_first(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    start = clock.now() - timedelta(days=30)
    assert alice.patient is not None
    await store(alice.patient, "weight", [(start + timedelta(days=n), 70 + n / 10)
                                          for n in range(12)])
    page = await client.get(_url(alice, "/weight"))
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in page.text
    assert "<h1>Poids</h1>" in page.text
    assert "12 valeurs, de la plus récente à la plus ancienne" in page.text
    rows = _rows(page.text)
    assert len(rows) == 10 and rows == sorted(rows, key=int, reverse=True)
    older = re.search(r'<a href="([^"]+)">Valeurs plus anciennes</a>', page.text)
    assert older
    second = await client.get(older.group(1).replace("&amp;", "&"))
    assert len(_rows(second.text)) == 2 and "Valeurs les plus récentes" in second.text


async def test_the_period_links_narrow_the_chart_and_the_table(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    now = clock.now()
    assert alice.patient is not None
    await store(alice.patient, "weight", [(now - timedelta(days=days), 70.0 + days / 100)
                                          for days in (5, 60, 200, 500)])
    counts = {}
    for period in ("3m", "12m", "all"):
        page = await client.get(_url(alice, f"/weight?period={period}"))
        counts[period] = len(_rows(page.text))
        assert re.search(rf'href="[^"]*period={period}" aria-current="page"', page.text)
    assert counts == {"3m": 2, "12m": 3, "all": 4}
    default = await client.get(_url(alice, "/weight"))
    assert len(_rows(default.text)) == 3


async def test_an_unknown_kind_is_not_found(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    assert (await client.get(_url(alice, "/cholesterol"))).status_code == 404


async def test_the_weight_page_explains_the_bmi_of_the_latest_weight_and_height(client,
                                                                              settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await alice.add(kind="HEIGHT", value=170)
    await alice.add(kind="WEIGHT", value=72.25)
    weight = await client.get(_url(alice, "/weight"))
    assert "Indice de masse corporelle (IMC)\u202f: 25" in weight.text
    assert "divisé par votre taille en mètres au carré" in weight.text
    height = await client.get(_url(alice, "/height"))
    assert "Indice de masse corporelle (IMC) :" not in height.text


async def test_removing_asks_first_then_removes_without_javascript(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await alice.add(kind="WEIGHT", value=71.0)
    [entry] = await _mine(alice)
    ask = await client.get(_url(alice, f"/weight?remove={entry['id']}"))
    assert "Supprimer 71 kg du" in ask.text and "Oui, supprimer" in ask.text
    assert f'name="id" value="{entry["id"]}"' in ask.text
    gone = await client.post(_url(alice, "/weight/remove"),
                             data={"csrf_token": alice.csrf, "id": entry["id"], "period": "12m"})
    assert gone.status_code == 303
    assert gone.headers["location"] == _url(alice, "/weight?period=12m&done=removed")
    page = await client.get(gone.headers["location"])
    assert "La valeur est supprimée" in page.text and 'role="status"' in page.text
    assert await _mine(alice) == []


async def test_removing_with_htmx_swaps_the_values_in_place(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await alice.add(kind="WEIGHT", value=71.0, measuredAt=iso(clock.now() - timedelta(days=2)))
    await alice.add(kind="WEIGHT", value=70.0)
    first, _second = await _mine(alice)
    ask = await client.get(_url(alice, f"/weight?remove={first['id']}"), headers=HTMX)
    assert ask.text.lstrip().startswith('<div id="values"') and "<h1>" not in ask.text
    gone = await client.post(_url(alice, "/weight/remove"), headers=HTMX,
                             data={"csrf_token": alice.csrf, "id": first["id"]})
    assert gone.status_code == 200 and gone.text.lstrip().startswith('<div id="values"')
    assert "La valeur est supprimée" in gone.text
    assert _rows(gone.text) == [str(_second["id"])]


async def test_someone_elses_measurement_cannot_be_removed(client, settings):
    stranger = await make_patient()
    await store(stranger, "weight", [(datetime(2026, 1, 5, tzinfo=UTC), 80.0)])
    alice = await signed_in_patient(client, settings.secret_key)
    await alice.add(kind="WEIGHT", value=71.0)
    mine = await _mine(alice)
    others = int(mine[0]["id"]) - 1  # type: ignore[call-overload]
    refused = await client.post(_url(alice, "/weight/remove"),
                                data={"csrf_token": alice.csrf, "id": str(others)})
    assert refused.status_code == 404
    assert len(await _mine(alice)) == 1
