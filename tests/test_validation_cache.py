"""The validation cache hits for a repeated query (a rule built per request would defeat it)."""

from api.graphql.context import Context
from api.root.schema import build_schema
from api.settings import Settings


async def test_a_repeated_query_is_validated_once():
    schema = build_schema()
    context = Context(settings=Settings(), viewer=None)
    query = "{ me { account { email } } }"
    validations = 0
    import graphql.validation

    original = graphql.validation.validate

    def counting(*args, **kwargs):
        nonlocal validations
        validations += 1
        return original(*args, **kwargs)

    import strawberry.schema.schema as module

    saved = getattr(module, "validate", None)
    if saved is not None:
        module.validate = counting
    try:
        for _ in range(3):
            result = await schema.execute(query, context_value=context)
            assert result.errors is None
    finally:
        if saved is not None:
            module.validate = saved
    assert validations == 1  # validated the first time only


async def test_too_many_aliases_are_refused():
    schema = build_schema()
    context = Context(settings=Settings(), viewer=None)
    query = "{ " + " ".join(f"a{i}: me {{ account {{ email }} }}" for i in range(31)) + " }"
    result = await schema.execute(query, context_value=context)
    assert result.errors and "aliases" in result.errors[0].message
