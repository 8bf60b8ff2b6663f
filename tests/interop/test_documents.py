import csv
from pathlib import Path

import pytest

from api.interop.terminology import documents
from api.interop.terminology.concepts import System


def _tsv_rows() -> list[dict[str, str]]:
    with documents.DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_every_type_of_the_reference_file_is_loaded_with_its_category() -> None:
    rows = _tsv_rows()
    assert len(rows) >= 40
    for row in rows:
        concept = documents.document_type(row["loinc"])
        assert concept is not None, row["loinc"]
        assert concept.system is System.LOINC_DOCUMENT
        assert concept.category == row["category"]
        assert (concept.label_fr, concept.label_en) == (row["label_fr"], row["label_en"])
    assert len(documents.document_types()) == len(rows) + 1  # plus the patient document


def test_patient_document_type() -> None:
    concept = documents.document_type("51855-5")
    assert concept is not None
    assert concept.category == "patient_document"
    assert documents.types_in_category("patient_document") == (concept,)


def test_categories_in_order_with_labels() -> None:
    keys = [category.key for category in documents.categories()]
    assert keys == [
        "report",
        "summary",
        "imaging",
        "prescription",
        "dispensing",
        "care_plan",
        "administered_treatment",
        "certificate",
        "patient_document",
        "administrative",
    ]
    imaging = documents.category("imaging")
    assert imaging is not None
    assert imaging.label("fr") == "Imagerie médicale"
    assert imaging.label("en") == "Medical imaging"


def test_types_in_category() -> None:
    imaging = {concept.code for concept in documents.types_in_category("imaging")}
    assert imaging == {"18748-4", "52040-3"}
    assert documents.types_in_category("administrative") == ()
    assert documents.types_in_category("nonsense") == ()


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("68599-0", "summary"),
        ("83901-9", "report"),
        ("75496-0", "report"),
        ("68817-6", "report"),
        ("89601-9", "certificate"),
    ],
)
def test_sensitive_types_are_present(code: str, category: str) -> None:
    concept = documents.document_type(code)
    assert concept is not None and concept.category == category


def test_lookup_trims_and_rejects_unknown_codes() -> None:
    found = documents.document_type(" 11488-4 ")
    assert found is not None and found.label("en") == "Consultation report"
    assert documents.document_type("99999-9") is None
    assert documents.document_type("") is None
    assert documents.category("nonsense") is None


def test_a_row_with_an_unknown_category_is_a_data_error(tmp_path: Path) -> None:
    bad = tmp_path / "types.tsv"
    bad.write_text("loinc\tlabel_fr\tlabel_en\tcategory\n1-1\tA\tA\tmystery\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown category"):
        documents.load_document_types(bad)


def test_a_repeated_code_is_a_data_error(tmp_path: Path) -> None:
    bad = tmp_path / "types.tsv"
    bad.write_text(
        "loinc\tlabel_fr\tlabel_en\tcategory\n1-1\tA\tA\treport\n1-1\tB\tB\treport\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="repeated"):
        documents.load_document_types(bad)
