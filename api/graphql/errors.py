"""Errors the API means to show, with a machine-readable code; anything else is masked.

Every error that reaches a client carries `extensions.code`: our own refusals their own
code, a query that does not parse or validate GRAPHQL_PARSE_FAILED or
GRAPHQL_VALIDATION_FAILED, and a variable the schema cannot accept BAD_USER_INPUT with
the variable (and the input field inside it) in `extensions.field`.
"""

from __future__ import annotations

import re

from graphql import GraphQLError, VariableDefinitionNode

from api.graphql.limit_codes import limit_code

BAD_USER_INPUT = "BAD_USER_INPUT"
MASKED_MESSAGE = "Unexpected error."
_VARIABLE = re.compile(r"^Variable '\$(?P<name>\w+)' (?P<rest>.*)", re.DOTALL)
_AT_PATH = re.compile(r"^has invalid (?:default )?value at (?P<path>[.\w\[\]]+): ")
_FIELD = re.compile(r"Field '(?P<field>\w+)' (?:of required type|is not defined by type)"
                    r"|include (?:required|unknown) field '(?P<named>\w+)'")


class CarnetError(Exception):
    """An expected refusal or failure: its message and `extensions.code` reach the client."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, code: str | None = None, **extensions: object) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.extensions = {"code": self.code, **extensions}


class NotAuthenticated(CarnetError):
    code = "UNAUTHENTICATED"


class NotFound(CarnetError):
    code = "NOT_FOUND"


class ConsentRequired(CarnetError):
    code = "CONSENT_REQUIRED"


class BadUserInput(CarnetError):
    """A value the client sent that no resolver could use; `field` names it."""

    code = BAD_USER_INPUT


def own_error(error: GraphQLError) -> CarnetError | None:
    original = error.original_error
    # graphql-core 3.3 wraps errors raised in resolvers; look through the wrapper.
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    return original if isinstance(original, CarnetError) else None


def is_variable_error(error: GraphQLError) -> bool:
    """Raised while coercing the request's variables: the client's mistake, never ours."""
    return any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ())


def root_cause(error: GraphQLError) -> BaseException:
    """The exception at the bottom of graphql-core's wrappers (the error itself if none)."""
    cause: BaseException = error
    while isinstance(cause, GraphQLError) and cause.original_error is not None:
        cause = cause.original_error
    return cause


def should_mask_error(error: GraphQLError) -> bool:
    """Hide crashes; show what the client can fix.

    Shown: our own errors; before execution (no path), graphql-core's errors about the
    request (it does not parse or validate, a variable a scalar refused); during
    execution, only arguments that could not be coerced. A GraphQLError raised while
    completing a result ("Cannot return null for non-nullable field") is our bug: masked.
    """
    cause = root_cause(error)
    if isinstance(cause, CarnetError):
        return False
    if not isinstance(cause, GraphQLError):
        return True
    if error.path is None:
        return False
    return not ("code" in (cause.extensions or {}) or cause.message.startswith("Argument '"))


def variable_field(message: str) -> str | None:
    """The variable and the input field inside it a coercion message names: `input.onsetDate`."""
    match = _VARIABLE.match(message)
    if match is None:
        return None
    parts = [match["name"]]
    rest = match["rest"]
    at = _AT_PATH.match(rest)
    if at is not None:
        parts += [part for part in re.split(r"[.\[\]]+", at["path"]) if part]
    inner = _FIELD.search(rest)
    if inner is not None:
        parts.append(inner["field"] or inner["named"])
    return ".".join(parts)


def _inner_code(error: GraphQLError) -> str | None:
    """The code a scalar gave the error it raised while a value was coerced."""
    cause: BaseException | None = error.original_error
    while isinstance(cause, GraphQLError):
        code = (cause.extensions or {}).get("code")
        if isinstance(code, str):
            return code
        cause = cause.original_error
    return None


def error_extensions(error: GraphQLError) -> dict[str, object]:
    """The `extensions` a client gets with this (already masked or not) error."""
    extensions = dict(error.extensions or {})
    own = own_error(error)
    if own is not None:
        return {**extensions, **own.extensions}
    if should_mask_error(error) or error.message == MASKED_MESSAGE:
        return {**extensions, "code": "INTERNAL_SERVER_ERROR"}
    limited = limit_code(error)
    if limited is not None:
        return {**extensions, "code": limited}
    if is_variable_error(error):
        field = variable_field(error.message)
        return {**extensions, "code": _inner_code(error) or BAD_USER_INPUT,
                **({"field": field} if field else {})}
    if "code" in extensions:
        return extensions
    if error.message.startswith("Syntax Error"):
        return {**extensions, "code": "GRAPHQL_PARSE_FAILED"}
    if error.path is None:  # refused before execution: the query does not validate
        return {**extensions, "code": _inner_code(error) or "GRAPHQL_VALIDATION_FAILED"}
    return {**extensions, "code": _inner_code(error) or BAD_USER_INPUT}
