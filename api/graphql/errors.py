"""Errors the API means to show, with a machine-readable code; anything else is masked."""

from __future__ import annotations

from graphql import GraphQLError


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


def own_error(error: GraphQLError) -> CarnetError | None:
    original = error.original_error
    # graphql-core 3.3 wraps errors raised in resolvers; look through the wrapper.
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    return original if isinstance(original, CarnetError) else None


def should_mask_error(error: GraphQLError) -> bool:
    if error.original_error is None:
        return False  # syntax and validation errors describe the query, not the server
    return own_error(error) is None
