import re
from pathlib import Path

import pytest

from api.interop.terminology import vaccines
from api.interop.terminology.concepts import System


def test_the_list_is_curated_and_complete() -> None:
    listed = vaccines.all_vaccines()
    assert 30 <= len(listed) <= 45
    assert len({concept.code for concept in listed}) == len(listed)
    for concept in listed:
        assert concept.system is System.VACCINE
        assert concept.label_fr and concept.label_en, concept.code
        assert concept.detail_fr and concept.detail_en, concept.code
        assert not concept.atc or re.fullmatch(r"J0[67][A-Z]{2}[0-9]{2}", concept.atc)


@pytest.mark.parametrize(
    ("code", "atc"),
    [
        ("MMR", "J07BD52"),
        ("DTCAP-HIB-HEPB", "J07CA09"),
        ("PCV", "J07AL02"),
        ("MENC", "J07AH07"),
        ("MENB", "J07AH09"),
        ("MENACWY", "J07AH08"),
        ("HEPB", "J07BC01"),
        ("HPV9", "J07BM03"),
        ("INFLUENZA", "J07BB02"),
        ("COVID19-MRNA", "J07BN01"),
        ("BCG", "J07AN01"),
        ("VARICELLA", "J07BK01"),
        ("ZOSTER-RECOMBINANT", "J07BK03"),
        ("ROTAVIRUS-1", "J07BH01"),
        ("HEPA", "J07BC02"),
        ("TYPHOID", "J07AP03"),
        ("YELLOW-FEVER", "J07BL01"),
        ("RABIES", "J07BG01"),
        ("JAPANESE-ENCEPHALITIS", "J07BA02"),
        ("TICK-BORNE-ENCEPHALITIS", "J07BA01"),
        ("DTCAP-BOOSTER", "J07CA02"),
        ("DTP-BOOSTER", "J07CA01"),
        ("RSV", "J07BX05"),
    ],
)
def test_vaccines_of_the_french_schedule_and_travel_are_listed(code: str, atc: str) -> None:
    concept = vaccines.vaccine(code)
    assert concept is not None
    assert concept.atc == atc


def test_labels_in_both_languages() -> None:
    concept = vaccines.vaccine("YELLOW-FEVER")
    assert concept is not None
    assert concept.label("fr") == "Fièvre jaune"
    assert concept.label("en") == "Yellow fever"
    assert concept.detail("fr") == "fièvre jaune"


def test_lookup_ignores_case_and_rejects_unknown_codes() -> None:
    assert vaccines.vaccine(" mmr ") == vaccines.vaccine("MMR")
    assert vaccines.vaccine("J07BD52") is None  # ATC codes are not the local key
    assert vaccines.vaccine("NOPE") is None


def test_vaccines_sharing_an_atc_code() -> None:
    shared = {concept.code for concept in vaccines.vaccines_with_atc("j07ca02")}
    assert shared == {"DTCAP", "DTCAP-BOOSTER"}
    assert vaccines.vaccines_with_atc("") == ()


def test_a_malformed_atc_code_is_a_data_error(tmp_path: Path) -> None:
    bad = tmp_path / "vaccines.tsv"
    bad.write_text(
        "code\tatc\tlabel_fr\tlabel_en\ttargets_fr\ttargets_en\nX\tJ7\tA\tA\ta\ta\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="ATC"):
        vaccines.load_vaccines(bad)
