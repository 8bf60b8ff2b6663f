"""The pages' operations are checked against the schema at start-up; a check already passed
for the same schema and the same operation files is remembered on disk, and any change to
either checks again."""

from __future__ import annotations

import pytest

from api.root.schema import build_schema
from api.settings import Settings
from web import graphql_client
from web.app import create_app

GOOD = "query Hello { __typename }\n"
BROKEN = "query Hello { noSuchField }\n"


@pytest.fixture
def operations_dir(tmp_path, monkeypatch):
    folder = tmp_path / "operations"
    folder.mkdir()
    monkeypatch.setattr(graphql_client, "OPERATIONS_DIR", folder)
    monkeypatch.setattr(graphql_client, "_checked", {})
    graphql_client.operations.cache_clear()
    yield folder
    graphql_client.operations.cache_clear()


def test_a_passed_check_is_kept_and_an_edited_operation_is_checked_again(
        operations_dir, tmp_path, monkeypatch):
    schema = build_schema()
    cache = tmp_path / "cache"
    (operations_dir / "hello.graphql").write_text(GOOD, encoding="utf-8")
    assert graphql_client.validate_operations(schema, cache_dir=cache) == []
    assert len(list(cache.iterdir())) == 1

    # A new process (nothing in memory) with a broken operation is not fooled by the file.
    monkeypatch.setattr(graphql_client, "_checked", {})
    (operations_dir / "hello.graphql").write_text(BROKEN, encoding="utf-8")
    problems = graphql_client.validate_operations(schema, cache_dir=cache)
    assert problems == ["hello.graphql: Cannot query field 'noSuchField' on type 'Query'."]
    assert len(list(cache.iterdir())) == 1  # a failed check is never kept


def test_the_app_refuses_to_start_when_an_operation_does_not_match(operations_dir, tmp_path):
    (operations_dir / "hello.graphql").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(RuntimeError, match="noSuchField"):
        create_app(Settings(var_dir=tmp_path), manage_database=False)


def test_two_files_defining_one_operation_stop_the_start(operations_dir, tmp_path):
    (operations_dir / "a.graphql").write_text(GOOD, encoding="utf-8")
    (operations_dir / "b.graphql").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ValueError, match="Hello is defined twice"):
        graphql_client.validate_operations(build_schema(), cache_dir=tmp_path / "cache")
