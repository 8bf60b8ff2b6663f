"""Pages are GraphQL clients: named operations from web/operations, run in-process."""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, OperationType, parse, validate
from graphql import version as graphql_version
from starlette.requests import Request

from api.graphql.context import Context, Loaders
from api.identity.viewer import viewer_from_request
from api.outage import UNAVAILABLE, DatabaseUnavailable
from api.texts import request_language

UNREADABLE = "RECORD_UNREADABLE"

OPERATIONS_DIR = Path(__file__).parent / "operations"
log = logging.getLogger(__name__)


class RecordUnreadable(Exception):
    """The record's sealed data could not be opened (its key destroyed, or altered): the
    page shows nothing of it and says so (410), whatever it was about to show."""


class OperationError(RuntimeError):
    """An operation answered with errors the page did not expect."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(e.get("message")) for e in errors))
        self.errors = errors


@cache
def operations() -> dict[str, str]:
    """Operation name -> the text of the file that defines it (with its fragments)."""
    found: dict[str, str] = {}
    for path in sorted(OPERATIONS_DIR.glob("*.graphql")):
        source = path.read_text(encoding="utf-8")
        for definition in parse(source).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                name = definition.name.value
                if name in found:
                    raise ValueError(f"operation {name} is defined twice")
                found[name] = source
    return found


def validate_operations(schema: Any, cache_dir: Path | None = None) -> list[str]:
    """Every operation file checked against the schema; returns the problems found.

    Each file is validated once, whatever the number of operations it defines. The answer
    is kept per schema text in memory (tests build one app per test), and on disk under
    `cache_dir` when given: a file named by a hash of the schema's text, every operation
    file's name and text, and graphql-core's version, so any change to one of them
    validates again. Only an answer with no problem is kept on disk.
    """
    return list(_problems(str(schema), schema, cache_dir))


_checked: dict[str, tuple[str, ...]] = {}


def _sources() -> dict[str, str]:
    """File name -> text of each operation file, in name order."""
    return {path.name: path.read_text(encoding="utf-8")
            for path in sorted(OPERATIONS_DIR.glob("*.graphql"))}


def validation_key(sdl: str, sources: dict[str, str]) -> str:
    """What the validation's answer depends on, as a hash."""
    digest = hashlib.sha256(f"graphql-core {graphql_version}\n{sdl}\n".encode())
    for name, text in sources.items():
        digest.update(f"{len(name)}:{name}{len(text)}:{text}".encode())
    return digest.hexdigest()


def _validated_on_disk(cache_dir: Path | None, key: str) -> bool:
    if cache_dir is None:
        return False
    return (cache_dir / f"operations-valid-{key[:32]}").is_file()


def _keep_on_disk(cache_dir: Path | None, key: str) -> None:
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        (cache_dir / f"operations-valid-{key[:32]}").write_text(key + "\n", encoding="utf-8")
    except OSError as error:  # a folder that cannot be written only costs the next start
        log.info("cannot keep the operations' validation in %s (%s)", cache_dir, error)


def _problems(sdl: str, schema: Any, cache_dir: Path | None = None) -> tuple[str, ...]:
    if sdl in _checked:
        return _checked[sdl]
    operations()  # raises when two files define the same operation name
    sources = _sources()
    key = validation_key(sdl, sources)
    if _validated_on_disk(cache_dir, key):
        _checked[sdl] = ()
        return ()
    problems = []
    for name, source in sources.items():
        for error in validate(schema._schema, parse(source)):
            problems.append(f"{name}: {error.message}")
    _checked[sdl] = tuple(sorted(set(problems)))
    if not problems:
        _keep_on_disk(cache_dir, key)
    return _checked[sdl]


@cache
def _is_mutation(operation: str) -> bool:
    """Whether the named operation writes (its file may hold fragments and other operations)."""
    for definition in parse(operations()[operation]).definitions:
        if (isinstance(definition, OperationDefinitionNode) and definition.name is not None
                and definition.name.value == operation):
            return definition.operation is OperationType.MUTATION
    return True  # unknown: treated as a write, which shares nothing


def _page_loaders(request: Request) -> Loaders:
    """The loaders shared by the queries one page runs (its frame, its content, the
    record switcher): the viewer's facts, the record and its rows are read once per page,
    not once per operation. Each operation keeps its own context, so each one still asks
    the policy and notes its own reads for the access history; a mutation gets fresh
    loaders and ends the sharing, so nothing read before a change is served after it."""
    loaders: Loaders | None = getattr(request.state, "graphql_loaders", None)
    if loaders is None:
        loaders = Loaders()
        request.state.graphql_loaders = loaders
    return loaders


async def run(
    request: Request, operation: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Execute a named operation as the signed-in viewer; returns (data, errors)."""
    settings = request.app.state.settings
    viewer = await viewer_from_request(request, settings.secret_key)
    text = operations()[operation]
    writes = _is_mutation(operation)
    context = Context(
        settings=settings, viewer=viewer,
        language=request_language(request, viewer.account.language if viewer else None),
        loaders=Loaders() if writes else _page_loaders(request),
    )
    result = await request.app.state.schema.execute(
        text, variable_values=variables or {}, context_value=context, operation_name=operation,
    )
    if writes:  # what the page reads next is read again, after the change
        request.state.graphql_loaders = None
    errors = [e.formatted for e in result.errors or []]
    for error in errors:
        if (error.get("extensions") or {}).get("code") == UNAVAILABLE:
            raise DatabaseUnavailable(str(error.get("message")))  # the page answers 503
        if (error.get("extensions") or {}).get("code") == UNREADABLE:
            raise RecordUnreadable(str(error.get("message")))  # the page answers 410
    return result.data or {}, errors


async def query(
    request: Request, operation: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Like `run`, for pages that expect no error at all."""
    data, errors = await run(request, operation, variables)
    if errors:
        raise OperationError(errors)
    return data
