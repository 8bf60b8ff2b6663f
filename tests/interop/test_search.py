import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.interop.terminology import Concept, System, fold_text, lookup, search


def codes(found: list[Concept]) -> list[str]:
    return [concept.code for concept in found]


def test_word_prefix_finds_asthma() -> None:
    found = search(System.ICD10, "asthm")
    assert found[0].code == "J45"
    assert "J45.9" in codes(found)


def test_a_french_word_finds_asthma(french_icd10: None) -> None:
    found = search(System.ICD10, "asthme")
    assert codes(found)[:5] == ["J45", "J45.0", "J45.1", "J45.8", "J45.9"]
    assert found[4].label("fr") == "Asthme, sans précision"


# "rhinite allergique" is a common condition (api/interop/data/common_conditions.tsv): its
# own code, J30.4, comes before the wider category J30.
@pytest.mark.parametrize(("text", "code"), [("rhinite allergique", "J30.4"),
                                             ("diabete type 2", "E11"),
                                             ("fracture femur", "S72")])
def test_french_words_lead_to_the_category(french_icd10: None, text: str, code: str) -> None:
    assert codes(search(System.ICD10, text))[0] == code


def test_english_words_still_find_codes_with_a_french_label(french_icd10: None) -> None:
    assert codes(search(System.ICD10, "asthma", lang="en"))[:2] == ["J45", "J45.9"]
    assert codes(search(System.ICD10, "asthma"))[0] == "J45"


def test_code_prefix_finds_the_category_then_its_subcategories() -> None:
    found = search(System.ICD10, "J45")
    assert codes(found)[:5] == ["J45", "J45.0", "J45.1", "J45.8", "J45.9"]


def test_exact_code_comes_first_whatever_the_spelling() -> None:
    assert codes(search(System.ICD10, "j45.9"))[0] == "J45.9"
    assert codes(search(System.ICD10, "J459"))[0] == "J45.9"


def test_code_prefix_over_a_chapter() -> None:
    found = search(System.ICD10, "J4", limit=50)
    assert found and all(concept.code.startswith("J4") for concept in found)
    assert codes(found) == sorted(codes(found))


def test_every_query_word_must_match() -> None:
    assert codes(search(System.ICD10, "diabetes type 2"))[0] == "E11"
    assert codes(search(System.ICD10, "fract femur"))[0] == "S72"
    assert search(System.ICD10, "asthma zebra") == []


@pytest.mark.parametrize("text", ["", " ", "a", "J", "é"])
def test_icd10_needs_two_characters(text: str) -> None:
    assert search(System.ICD10, text) == []


def test_accents_and_case_are_ignored() -> None:
    found = search(System.VACCINE, "fievre")
    assert found[0].label_fr == "Fièvre jaune"
    assert search(System.VACCINE, "FIÈVRE") == found
    assert search(System.VACCINE, "hépatite") == search(System.VACCINE, "HEPATITE")


def test_accents_in_icd10_labels_are_ignored() -> None:
    assert "G61.0" in codes(search(System.ICD10, "guillain barre"))


def test_ranking_exact_code_then_code_prefix_then_labels() -> None:
    found = codes(search(System.VACCINE, "hepa"))
    assert found[0] == "HEPA"
    assert found[1:3] == ["HEPA-HEPB", "HEPA-TYPHOID"]
    assert "HEPB" in found[3:]  # matched by its label "Hépatite B" only


def test_label_matches_come_before_matches_on_targeted_diseases() -> None:
    found = codes(search(System.VACCINE, "tetanos"))
    assert found[0] == "TETANUS"
    assert found.index("DTP-BOOSTER") < found.index("DTCAP")  # label vs diseases only


def test_the_requested_language_decides_which_label_leads() -> None:
    assert codes(search(System.VACCINE, "yellow", lang="en")) == ["YELLOW-FEVER"]
    found = search(System.LOINC_MEASUREMENT, "pression", lang="fr")
    assert codes(found) == ["85354-9", "8480-6", "8462-4"]


def test_small_systems_list_their_concepts_for_an_empty_query() -> None:
    assert len(search(System.VACCINE, "", limit=5)) == 5
    assert len(search(System.LOINC_MEASUREMENT, "")) == 15
    assert search(System.LOINC_DOCUMENT, "c")  # one character is enough


def test_alternative_and_atc_codes_are_searchable() -> None:
    assert codes(search(System.LOINC_MEASUREMENT, "59408-5")) == ["2708-6"]
    assert codes(search(System.VACCINE, "J07BD52")) == ["MMR"]


def test_document_types_are_searchable() -> None:
    assert codes(search(System.LOINC_DOCUMENT, "compte rendu op"))[0] == "34874-8"
    assert codes(search(System.LOINC_DOCUMENT, "11488")) == ["11488-4"]


def test_limit_is_honoured_and_order_is_stable() -> None:
    first = search(System.ICD10, "fract", limit=7)
    assert len(first) == 7
    assert search(System.ICD10, "fract", limit=7) == first
    assert search(System.ICD10, "fract", limit=0) == []


def test_unknown_text_finds_nothing() -> None:
    assert search(System.ICD10, "qwxz") == []
    assert search(System.VACCINE, "qwxz") == []


def test_lookup_dispatches_to_each_system() -> None:
    icd = lookup(System.ICD10, " j459 ")
    measurement = lookup(System.LOINC_MEASUREMENT, "8867-4")
    document = lookup(System.LOINC_DOCUMENT, "60591-5")
    vaccine = lookup(System.VACCINE, "mmr")
    assert icd is not None and icd.code == "J45.9"
    assert measurement is not None and measurement.label_en == "Heart rate"
    assert document is not None and document.category == "summary"
    assert vaccine is not None and vaccine.atc == "J07BD52"


@pytest.mark.parametrize("system", list(System))
def test_lookup_of_an_unknown_code_gives_none(system: System) -> None:
    assert lookup(system, "NOT-A-CODE") is None


def test_fold_text_strips_accents_and_ligatures() -> None:
    assert fold_text("Œdème Fièvre ÇA") == "oedeme fievre ca"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(System)), st.text(max_size=20), st.integers(0, 30))
def test_search_never_fails_and_respects_its_contract(
    system: System, text: str, limit: int
) -> None:
    found = search(system, text, limit=limit)
    assert len(found) <= limit
    assert all(concept.system is system for concept in found)
    assert len({concept.code for concept in found}) == len(found)
