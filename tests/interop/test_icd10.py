import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.interop.terminology import icd10
from api.interop.terminology.concepts import System


@pytest.mark.parametrize("spelling", ["J45.9", "j459", " J45.9 ", "j45.9", "J45 .9", "J459\n"])
def test_lookup_accepts_common_spellings_of_a_code(spelling: str) -> None:
    concept = icd10.lookup(spelling)
    assert concept is not None
    assert concept.code == "J45.9"
    assert concept.system is System.ICD10
    assert concept.label_en == "Asthma, unspecified"


def test_lookup_finds_a_category() -> None:
    concept = icd10.lookup("J45")
    assert concept is not None
    assert concept.label_en == "Asthma"


def test_lookup_finds_five_character_subcategories() -> None:
    concept = icd10.lookup("b1800")
    assert concept is not None
    assert concept.code == "B18.00"


def test_the_french_label_comes_from_the_gnuhealth_catalogue(french_icd10: None) -> None:
    concept = icd10.lookup("J45.9")
    assert concept is not None
    assert concept.label_fr == "Asthme, sans précision"
    assert concept.label_en == "Asthma, unspecified"
    assert concept.label("fr") == "Asthme, sans précision"
    assert concept.label("en-GB") == "Asthma, unspecified"


@pytest.mark.parametrize(("code", "french"), [
    ("J45", "Asthme"),
    ("I10", "Hypertension essentielle (primitive)"),
    ("J30.4", "Rhinite allergique, sans précision"),
])
def test_categories_and_subcategories_are_translated(french_icd10: None, code: str, french: str
                                                     ) -> None:
    concept = icd10.lookup(code)
    assert concept is not None and concept.label_fr == french


def test_most_codes_have_a_french_label(french_icd10: None) -> None:
    concepts = icd10.concepts()
    french = sum(concept.label_fr != concept.label_en for concept in concepts)
    assert french > 0.85 * len(concepts)


@pytest.mark.parametrize("code", [
    "F10.2",  # untranslated in the catalogue (empty msgstr)
    "F11.0",  # marked fuzzy: its French is the category's label, so it is not used
    "B18.00",  # the catalogue has no five-character code
])
def test_a_code_without_a_french_label_keeps_the_english_one(french_icd10: None, code: str
                                                             ) -> None:
    concept = icd10.lookup(code)
    assert concept is not None
    assert concept.label_fr == concept.label_en
    assert concept.label("fr") == concept.label("en")


@pytest.mark.parametrize("code", ["X", "XXII", "J40-J47", "A00-A09"])
def test_chapters_and_blocks_are_not_diagnoses(code: str) -> None:
    assert icd10.lookup(code) is None
    assert not icd10.is_valid(code)


@pytest.mark.parametrize("code", ["", "   ", "J4", "J45.7", "J45.99", "Z9999", "hello", "J45-9x"])
def test_unknown_codes_give_none(code: str) -> None:
    assert icd10.lookup(code) is None
    assert not icd10.is_valid(code)


def test_is_valid_accepts_existing_codes() -> None:
    assert icd10.is_valid("E11.9")
    assert icd10.is_valid("u071")  # COVID-19, virus identified


def test_every_concept_is_a_category_or_subcategory() -> None:
    concepts = icd10.concepts()
    assert len(concepts) > 12_000
    shape = re.compile(r"[A-Z][0-9]{2}(\.[0-9]{1,2})?")
    assert all(shape.fullmatch(concept.code) for concept in concepts)
    assert len({concept.code for concept in concepts}) == len(concepts)


@pytest.mark.parametrize(
    ("code", "expected"), [("J45.9", "J45"), ("B18.00", "B18.0"), ("J45", None), ("Q99.99", None)]
)
def test_parent_of_a_code(code: str, expected: str | None) -> None:
    found = icd10.parent(code)
    assert (found.code if found else None) == expected


@given(st.text(max_size=12))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = icd10.normalise_code(text)
    assert icd10.normalise_code(once) == once
