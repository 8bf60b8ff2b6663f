"""Which errors a client sees, and with which code: no database, graphql-core errors made
as graphql-core makes them."""

from __future__ import annotations

from graphql import GraphQLError, located_error, parse

from api.graphql.errors import (
    CarnetError,
    error_extensions,
    should_mask_error,
    variable_field,
)

VARIABLE = parse("query($input: AddAllergyInput!) { x }").definitions[0].variable_definitions[0]


def test_a_crash_in_a_resolver_is_masked():
    error = located_error(ValueError("secret detail"), None, ["allergy"])
    assert should_mask_error(error)
    assert error_extensions(error)["code"] == "INTERNAL_SERVER_ERROR"


def test_a_null_returned_for_a_non_null_field_is_our_bug_and_masked():
    inner = GraphQLError("Cannot return null for non-nullable field Query.me.")
    error = located_error(inner, None, ["me"])
    assert should_mask_error(error)


def test_our_own_error_keeps_its_code_and_details():
    error = located_error(CarnetError("No.", code="BAD_ID", field="id"), None, ["allergy"])
    assert not should_mask_error(error)
    assert error_extensions(error) == {"code": "BAD_ID", "field": "id"}


def test_an_argument_that_cannot_be_coerced_during_execution_is_the_clients_mistake():
    inner = GraphQLError("Argument 'input' has invalid value $input.")
    error = located_error(inner, None, ["addAllergy"])
    assert not should_mask_error(error)
    assert error_extensions(error)["code"] == "BAD_USER_INPUT"


def test_a_variable_error_names_the_variable_and_the_input_field():
    scalar = GraphQLError("A Date cannot be '2024-02-30'.", extensions={"code": "BAD_USER_INPUT"})
    error = GraphQLError("Variable '$input' has invalid value at .trustedPerson.name: x",
                         VARIABLE, original_error=scalar)
    assert not should_mask_error(error)
    assert error_extensions(error) == {"code": "BAD_USER_INPUT",
                                       "field": "input.trustedPerson.name"}


def test_paths_in_variable_messages():
    assert variable_field("Variable '$s' has invalid value at [1]: no.") == "s.1"
    assert variable_field("Variable '$input' has invalid value: Expected value of type 'T' to "
                          "include required field 'substance', found: {}.") == "input.substance"
    assert variable_field("Variable '$id' of required type 'ID!' was not provided.") == "id"
    assert variable_field("Something else.") is None


def test_syntax_and_validation_errors_get_their_codes():
    assert error_extensions(GraphQLError("Syntax Error: Expected Name."))["code"] == \
        "GRAPHQL_PARSE_FAILED"
    assert error_extensions(GraphQLError("Cannot query field 'x'."))["code"] == \
        "GRAPHQL_VALIDATION_FAILED"
