"""Camille keeps her allergies, treatments and vaccinations up to date, with JavaScript
(htmx swaps in place, announced) and without it (plain forms, redirects, confirm pages).

Each journey removes what it added, so the demo record stays as the other tests expect it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import expect

pytestmark = pytest.mark.browser

RECORD = "/records/1"  # Camille MARTIN, the first demo record
YESTERDAY = (date.today() - timedelta(days=1)).strftime("%d/%m/%Y")


@pytest.fixture
async def scripted(browser: Any, signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    context = await browser.new_context(locale="fr-FR", storage_state=signed_in_states["patient"])
    yield await context.new_page()
    await context.close()


@pytest.fixture
async def scriptless(browser: Any, signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    context = await browser.new_context(locale="fr-FR", java_script_enabled=False,
                                        storage_state=signed_in_states["patient"])
    yield await context.new_page()
    await context.close()


def entry(tab: Any, words: str) -> Any:
    return tab.locator("#entry-list > li").filter(has_text=words)


async def add_allergy(tab: Any, live_server: str, substance: str) -> None:
    await tab.goto(f"{live_server}{RECORD}/allergies")
    form = tab.locator("#a-form")
    await form.get_by_label("Substance").fill(substance)
    await form.get_by_label("Réaction", exact=True).fill("Plaques rouges sur les mains")
    await form.get_by_label("Gravité des réactions").select_option("SEVERE")
    await form.get_by_role("button", name="Ajouter une allergie").click()


async def remove_inline(tab: Any, words: str, announced: str) -> None:
    item = tab.locator(f"#{await entry(tab, words).get_attribute('id')}")
    await item.get_by_role("link", name=re.compile("^Supprimer")).click()
    await expect(item.locator(".entry-question")).to_be_focused()
    await item.get_by_role("button", name="Supprimer").click()
    await expect(tab.locator("#entries-status")).to_have_text(announced)
    await expect(tab.locator(".entry-removed")).to_be_focused()


async def remove_with_confirm_page(tab: Any, words: str, question: str) -> None:
    await entry(tab, words).get_by_role("link", name=re.compile("^Supprimer")).click()
    await expect(tab.get_by_role("heading", level=1)).to_have_text(question)
    await tab.get_by_role("button", name="Supprimer").click()
    await tab.wait_for_url(re.compile(r"\?done=removed"))
    assert await entry(tab, words).count() == 0


async def test_with_htmx_an_allergy_is_added_in_place_and_announced(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    await add_allergy(tab, live_server, "Latex (parcours htmx)")
    await expect(tab.locator("#entries-status")).to_have_text("Allergie ajoutée.")
    assert tab.url == f"{live_server}{RECORD}/allergies"  # swapped in place, no reload
    added = tab.locator("#entry-list > li").first
    await expect(added).to_contain_text("Latex (parcours htmx)")
    await expect(added).to_contain_text("Gravité : sévère")
    await expect(added).to_be_focused()
    assert await tab.locator("#a-form").get_by_label("Substance").input_value() == ""
    await remove_inline(tab, "Latex (parcours htmx)", "Allergie supprimée.")


async def test_with_htmx_a_problem_comes_back_in_the_form_and_is_focused(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    await tab.goto(f"{live_server}{RECORD}/allergies")
    form = tab.locator("#a-form")
    await form.get_by_label("Substance").fill("Latex (parcours htmx, erreur)")
    await form.get_by_label("Date de la première réaction").fill("01/01/2099")
    await form.get_by_role("button", name="Ajouter une allergie").click()
    alert = tab.get_by_role("alert")
    await expect(alert).to_contain_text("Cette date est dans le futur")
    await expect(alert).to_be_focused()
    assert tab.url == f"{live_server}{RECORD}/allergies"  # swapped in place
    assert await entry(tab, "parcours htmx, erreur").count() == 0


async def test_without_javascript_an_allergy_is_added_and_a_problem_is_focused(
    scriptless: Any, live_server: str,
) -> None:
    tab = scriptless
    await tab.goto(f"{live_server}{RECORD}/allergies")
    form = tab.locator("#a-form")
    await form.get_by_label("Substance").fill("Latex (parcours sans script)")
    await form.get_by_label("Date de la première réaction").fill("01/01/2099")
    await form.get_by_role("button", name="Ajouter une allergie").click()
    alert = tab.get_by_role("alert")
    await expect(alert).to_contain_text("Cette date est dans le futur")
    assert tab.url.endswith("/allergies#a-errors")
    await expect(alert).to_be_focused()
    await tab.locator("#a-form").get_by_label("Date de la première réaction").fill("04/05/2015")
    await tab.locator("#a-form").get_by_role("button", name="Ajouter une allergie").click()
    await tab.wait_for_url(re.compile(r"\?done=added"))
    await expect(tab.get_by_role("status")).to_have_text("Allergie ajoutée.")
    await expect(entry(tab, "Latex (parcours sans script)")).to_contain_text("depuis le 4 mai 2015")
    await remove_with_confirm_page(tab, "Latex (parcours sans script)",
                                   "Supprimer cette allergie ?")


async def add_treatment(tab: Any, live_server: str, medication: str) -> None:
    await tab.goto(f"{live_server}{RECORD}/treatments")
    form = tab.locator("#a-form")
    await form.get_by_label("Médicament").fill(medication)
    await form.get_by_label("Dose", exact=True).fill("1 comprimé le matin")
    await form.get_by_role("button", name="Ajouter un traitement").click()


async def test_with_htmx_a_treatment_is_changed_in_place_then_removed(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    await add_treatment(tab, live_server, "Ibuprofène 200 mg (parcours htmx)")
    await expect(tab.locator("#entries-status")).to_have_text("Traitement ajouté.")
    change = re.compile("^Modifier")
    await entry(tab, "parcours htmx").get_by_role("link", name=change).click()
    medication = entry(tab, "parcours htmx").get_by_label("Médicament")
    await expect(medication).to_be_focused()
    await entry(tab, "parcours htmx").get_by_role("link", name="Annuler").click()
    await expect(entry(tab, "parcours htmx").get_by_role("link", name=change)).to_be_focused()
    await entry(tab, "parcours htmx").get_by_role("link", name=change).click()
    await entry(tab, "parcours htmx").get_by_label("Dose", exact=True).fill("1 comprimé le soir")
    await entry(tab, "parcours htmx").get_by_role("button",
                                                  name="Enregistrer les modifications").click()
    await expect(tab.locator("#entries-status")).to_have_text("Traitement modifié.")
    await expect(entry(tab, "parcours htmx")).to_contain_text("1 comprimé le soir")
    assert tab.url == f"{live_server}{RECORD}/treatments"
    await remove_inline(tab, "parcours htmx", "Traitement supprimé.")


async def test_without_javascript_a_treatment_is_changed_on_its_page_then_removed(
    scriptless: Any, live_server: str,
) -> None:
    tab = scriptless
    await add_treatment(tab, live_server, "Ibuprofène 200 mg (parcours sans script)")
    await tab.wait_for_url(re.compile(r"\?done=added"))
    await entry(tab, "parcours sans script").get_by_role(
        "link", name=re.compile("^Modifier")).click()
    await tab.wait_for_url(re.compile(r"/treatments/\d+/edit$"))
    await expect(tab.get_by_role("heading", level=1)).to_have_text("Modifier un traitement")
    await tab.get_by_label("Arrêté le").fill(YESTERDAY)
    await tab.get_by_role("button", name="Enregistrer les modifications").click()
    await tab.wait_for_url(re.compile(r"\?done=updated"))
    await expect(tab.get_by_role("status")).to_have_text("Traitement modifié.")
    await expect(entry(tab, "parcours sans script")).to_contain_text("Arrêté depuis le")
    await remove_with_confirm_page(tab, "parcours sans script", "Supprimer ce traitement ?")


async def open_vaccination_form(tab: Any, live_server: str) -> Any:
    await tab.goto(f"{live_server}{RECORD}/vaccinations")
    return tab.locator("#a-form")


async def test_with_htmx_a_vaccination_is_added_by_picking_a_suggestion_with_the_keyboard(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    form = await open_vaccination_form(tab, live_server)
    vaccine = form.get_by_label("Vaccin", exact=True)
    await vaccine.press_sequentially("covid", delay=50)
    await expect(tab.locator("#a-vaccine-count")).to_have_text(re.compile("^3 suggestions"))
    assert await vaccine.get_attribute("aria-describedby") == "a-vaccine-hint a-vaccine-count"
    await tab.keyboard.press("Tab")
    await expect(form.get_by_role("button", name=re.compile("ARN messager"))).to_be_focused()
    await tab.keyboard.press("Enter")
    await expect(vaccine).to_have_value("COVID-19 (ARN messager)")
    await expect(vaccine).to_be_focused()
    await expect(tab.locator("#a-vaccine-count")).to_have_text("Choisi : COVID-19 (ARN messager)")
    await form.get_by_label("Date de la vaccination").fill(YESTERDAY)
    await form.get_by_label("Fait par").fill("Parcours htmx")
    await form.get_by_role("button", name="Ajouter une vaccination").click()
    await expect(tab.locator("#entries-status")).to_have_text("Vaccination ajoutée.")
    await expect(entry(tab, "Parcours htmx")).to_contain_text("COVID-19 (ARN messager)")
    await remove_inline(tab, "Parcours htmx", "Vaccination supprimée.")


async def test_without_javascript_a_vaccination_is_added_by_typing_its_name(
    scriptless: Any, live_server: str,
) -> None:
    tab = scriptless
    form = await open_vaccination_form(tab, live_server)
    await form.get_by_label("Vaccin", exact=True).fill("zona")
    await form.get_by_label("Date de la vaccination").fill(YESTERDAY)
    await form.get_by_label("Fait par").fill("Parcours sans script")
    await form.get_by_role("button", name="Ajouter une vaccination").click()
    await expect(tab.get_by_role("alert")).to_contain_text("Plusieurs éléments de la liste")
    await tab.get_by_label("Zona (recombinant adjuvanté)").check()
    await tab.locator("#a-form").get_by_role("button", name="Ajouter une vaccination").click()
    await tab.wait_for_url(re.compile(r"\?done=added"))
    await expect(entry(tab, "Parcours sans script")).to_contain_text(
        "Zona (recombinant adjuvanté)")
    await remove_with_confirm_page(tab, "Parcours sans script", "Supprimer cette vaccination ?")
    form = await open_vaccination_form(tab, live_server)
    await form.get_by_label("Vaccin", exact=True).fill("grippe")
    await form.get_by_label("Date de la vaccination").fill(YESTERDAY)
    await form.get_by_label("Fait par").fill("Parcours sans script")
    await form.get_by_role("button", name="Ajouter une vaccination").click()
    await tab.wait_for_url(re.compile(r"\?done=added"))
    await expect(entry(tab, "Parcours sans script")).to_contain_text("Grippe saisonnière")
    await remove_with_confirm_page(tab, "Parcours sans script", "Supprimer cette vaccination ?")


async def test_with_htmx_a_vaccination_remembered_by_its_month_reads_as_typed(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    form = await open_vaccination_form(tab, live_server)
    await form.get_by_label("Vaccin", exact=True).fill("zona")
    await form.get_by_label("Date de la vaccination").fill("mai 2019")
    await form.get_by_label("Fait par").fill("Parcours de mémoire")
    await form.get_by_role("button", name="Ajouter une vaccination").click()
    await tab.get_by_label("Zona (recombinant adjuvanté)").check()
    await form.get_by_role("button", name="Ajouter une vaccination").click()
    await expect(tab.locator("#entries-status")).to_have_text("Vaccination ajoutée.")
    await expect(entry(tab, "Parcours de mémoire")).to_contain_text("Fait en mai 2019")
    await remove_inline(tab, "Parcours de mémoire", "Vaccination supprimée.")


async def test_with_htmx_older_vaccinations_are_added_below_the_first_ones(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    await tab.goto(f"{live_server}{RECORD}/vaccinations")
    entries = tab.locator("#entry-list > li")
    await expect(entries).to_have_count(10)
    await tab.get_by_role("link", name="Voir les plus anciens").click()
    await expect(entries).to_have_count(20)
    await expect(entries.nth(10)).to_be_focused()
    assert tab.url == f"{live_server}{RECORD}/vaccinations"


async def test_without_javascript_older_vaccinations_are_on_the_next_page(
    scriptless: Any, live_server: str,
) -> None:
    tab = scriptless
    await tab.goto(f"{live_server}{RECORD}/vaccinations")
    await tab.get_by_role("link", name="Voir les plus anciens").click()
    await tab.wait_for_url(re.compile(r"\?after="))
    await expect(tab.locator("#entry-list > li")).to_have_count(10)
    await tab.get_by_role("link", name="Revenir aux plus récents").click()
    await tab.wait_for_url(f"{live_server}{RECORD}/vaccinations")
