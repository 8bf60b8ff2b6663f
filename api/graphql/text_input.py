"""Text a client sends is text: no NUL, control character or lone surrogate gets stored.

One check for every string argument and every string field of every input object, run
before the root field's resolver, so SQLite and PostgreSQL refuse the same values the same way (one
would store a NUL, the other fail on it) and a lone surrogate never reaches an encoder.
Tab and line breaks are allowed only in the fields people write several lines in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLResolveInfo,
    GraphQLSchema,
)

from api import texts
from api.graphql.errors import BadUserInput
from api.texts import N_

# The input fields and arguments written on several lines (textareas), by GraphQL name.
MULTILINE_FIELDS = frozenset({"note", "advanceDirectives", "organDonationLimits", "reason",
                              "body"})
# C0 and C1 control characters, and the surrogates that are not characters on their own.
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_MULTILINE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


_FAULTS = {
    "LINE_BREAK": N_("a tab or line break is not allowed in this field"),
    "SURROGATE": N_("the text has a lone surrogate (not valid Unicode)"),
    "CONTROL": N_("the control character {char} is not allowed in text"),
}


def text_fault(text: str, *, multiline: bool = False, language: str = "en") -> str | None:
    """Why this text cannot be stored (None when it can): the first character at fault."""
    found = (_NOT_MULTILINE_TEXT if multiline else _NOT_TEXT).search(text)
    if found is None:
        return None
    char = found.group()
    kind = ("LINE_BREAK" if char in "\t\n\r"
            else "SURROGATE" if "\ud800" <= char <= "\udfff" else "CONTROL")
    return texts.text(language, _FAULTS[kind], char=f"U+{ord(char):04X}")


def check_text(text: str, field: str, *, multiline: bool = False, language: str = "en") -> None:
    """Raise a BAD_USER_INPUT error naming `field` when the text cannot be stored."""
    fault = text_fault(text, multiline=multiline, language=language)
    if fault is not None:
        raise BadUserInput(texts.text(language, N_("`{field}`: {fault}."), field=field,
                                      fault=fault),
                           field=field)


def check_input(value: Any, type_: GraphQLInputType, path: str, name: str,
                language: str = "en") -> None:
    """Check every string inside an argument's coerced value, naming the field at fault."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if value is None:
        return
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            check_input(item, type_.of_type, f"{path}.{index}", name, language)
    elif isinstance(type_, GraphQLInputObjectType):
        for key, item in value.items():
            field = type_.fields.get(key)
            if field is not None:
                check_input(item, field.type, f"{path}.{key}", key, language)
    elif isinstance(value, str) and getattr(type_, "name", None) == "String":
        check_text(value, path, multiline=name in MULTILINE_FIELDS, language=language)


def _carries_text(type_: GraphQLInputType, seen: set[str]) -> bool:
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    if isinstance(type_, GraphQLInputObjectType):
        if type_.name in seen:
            return False
        seen.add(type_.name)
        return any(_carries_text(field.type, seen) for field in type_.fields.values())
    return getattr(type_, "name", None) == "String"


def _checked(resolve: Callable[..., Any], arguments: dict[str, GraphQLArgument]
             ) -> Callable[..., Any]:
    def resolver(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        # Messages in the viewer's language, as the rest of the API's own errors.
        language = getattr(info.context, "language", "en")
        for name, value in kwargs.items():
            argument = arguments.get(name)
            if argument is not None:
                check_input(value, argument.type, name, name, language)
        return resolve(root, info, **kwargs)
    return resolver


def check_text_arguments(schema: GraphQLSchema) -> None:
    """Have every root field that takes text check it before its resolver runs.

    Only the root fields are wrapped (every input enters there), and only those whose
    arguments can hold a string: the other fields pay nothing.
    """
    for root in (schema.query_type, schema.mutation_type):
        for field in (root.fields.values() if root is not None else ()):
            if field.resolve is not None and any(
                    _carries_text(argument.type, set()) for argument in field.args.values()):
                field.resolve = _checked(field.resolve, field.args)
