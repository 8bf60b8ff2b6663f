"""The HTTP body of a GraphQL request: a JSON object in UTF-8, or a coded 400 in JSON.

Refusals made before a query runs share one shape with every other GraphQL error:
`{"errors": [{"message": ..., "extensions": {"code": ...}}]}`.
"""

from __future__ import annotations

import json

from cross_web import HTTPException
from starlette.responses import JSONResponse, Response

_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "TOO_LARGE"}


def coded_error(message: str, code: str, status: int, headers: dict[str, str] | None = None,
                **extensions: object) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message,
                                     "extensions": {"code": code, **extensions}}]},
                        status_code=status, headers=headers)


class RequestRefused(Exception):
    """Raised while reading a request to answer it at once with `response`."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def decode_json_body(data: str | bytes) -> object:
    """The decoded body; a batch (a list) is left for the view to refuse with its reason."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise HTTPException(400, "The request body is not UTF-8 text.") from None
    try:
        value = json.loads(text)
    except RecursionError:  # nested thousands of levels deep, within the size cap
        raise RequestRefused(coded_error("The JSON body is nested too deeply.",
                                         "JSON_TOO_DEEP", 400)) from None
    except ValueError:  # bad JSON, or a number too long to read
        raise HTTPException(400, "The request body is not valid JSON.") from None
    if not isinstance(value, (dict, list)):
        raise HTTPException(400, "The request body must be a JSON object "
                                 "with `query` and `variables`.")
    return value


def coded_http_error(error: HTTPException) -> JSONResponse:
    """A refusal before the query runs, in the shape of any other GraphQL error."""
    code = _CODES.get(error.status_code, "BAD_REQUEST")
    return coded_error(error.reason, code, error.status_code)
