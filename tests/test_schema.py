"""schema.graphql is generated from the code; the pages' operations fit the schema."""

from pathlib import Path

from api.root.schema import schema
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


async def test_production_gives_no_field_suggestions():
    from api.root.schema import build_schema

    development = await build_schema(production=False).execute("{ mee }")
    production = await build_schema(production=True).execute("{ mee }")
    assert "Did you mean" in development.errors[0].message
    assert "Did you mean" not in production.errors[0].message


async def test_an_unexpected_error_is_masked_but_ours_keep_their_code():
    from graphql import GraphQLError

    from api.graphql.errors import NotFound, should_mask_error

    assert should_mask_error(GraphQLError("boom", original_error=KeyError("secret")))
    ours = GraphQLError("wrapped", original_error=NotFound("No such patient."))
    assert not should_mask_error(ours)
