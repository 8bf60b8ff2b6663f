"""Each scope in plain words, for the consent screen, the catalogue and connected apps."""

from __future__ import annotations

from web.i18n import translations
from web.messages import N_

SCOPE_WORDS: dict[str, str] = {
    "identity.read": N_("See the name, birth date, health identity number (INS) and contact "
                        "details"),
    "identity.write": N_("Change the identity and contact details, and manage who may see "
                         "the record"),
    "history.read": N_("See the medical history: illnesses, operations, family history"),
    "history.write": N_("Add to and correct the medical history"),
    "allergies.read": N_("See the allergies and intolerances"),
    "allergies.write": N_("Add and correct allergies and intolerances"),
    "treatments.read": N_("See the treatments and medicines"),
    "treatments.write": N_("Add and correct treatments"),
    "vaccinations.read": N_("See the vaccinations"),
    "vaccinations.write": N_("Add and correct vaccinations"),
    "measurements.read": N_("See the measurements: weight, blood pressure, blood sugar..."),
    "measurements.write": N_("Add and correct measurements"),
    "directives.read": N_("See the advance directives, trusted person and organ-donation "
                          "choice"),
    "directives.write": N_("Change the advance directives"),
    "documents.read": N_("See the documents: reports, prescriptions, results"),
    "documents.write": N_("Add, change and remove documents"),
    "documents.deposit": N_("Deposit documents into records (without reading them)"),
    "fhir.export": N_("Download the whole record as one file (FHIR), holding what the "
                      "permissions above let it see"),
}


def scope_words(language: str, scopes: list[str]) -> list[tuple[str, str]]:
    """(scope, sentence) pairs in the viewer's language, in the order given."""
    gettext = translations(language).gettext
    return [(scope, gettext(SCOPE_WORDS[scope])) for scope in scopes if scope in SCOPE_WORDS]
