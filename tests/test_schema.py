"""schema.graphql is generated from the code; the pages' operations fit the schema."""

from pathlib import Path

from api.graphql.schema import schema
from web.graphql_client import operations, validate_operations

ROOT = Path(__file__).resolve().parent.parent


def test_schema_graphql_equals_the_export():
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema.as_str() + "\n", (
        "schema.graphql is stale: run `make schema` (carnet export-schema -o schema.graphql)"
    )


def test_every_page_operation_is_valid_against_the_schema():
    assert operations(), "no operation found under web/operations"
    assert validate_operations(schema) == []


def test_record_sections_declare_the_consent_they_need():
    text = schema.as_str()
    assert "identity: Identity @requiresConsent(section: IDENTITY" in text
