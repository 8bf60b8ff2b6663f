"""The lock files `make install` and `make install-test` install from stay in step with
pyproject.toml: every dependency declared there is pinned, at a version its range accepts.
A dependency added to pyproject.toml without `make lock` fails here, not on a fresh clone."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _pins(name: str) -> dict[str, Version]:
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            package, _, version = line.partition("==")
            assert version, f"{name}: {line!r} is not an exact pin"
            pins[canonicalize_name(package)] = Version(version)
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize(("extra", "lock"), [(None, "requirements.lock"),
                                             ("test", "requirements-test.lock")])
def test_every_declared_dependency_is_pinned_within_its_range(extra, lock):
    pins = _pins(lock)
    wrong = []
    for requirement in _declared(extra):
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            wrong.append(f"{requirement} (locked: {pinned})")
    assert not wrong, f"run `make lock`: {lock} does not satisfy " + ", ".join(wrong)


def test_the_test_lock_keeps_the_versions_the_application_runs_with():
    application, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    differ = [f"{name} {version} / {test.get(name)}" for name, version in application.items()
              if test.get(name) != version]
    assert not differ, "run `make lock`: the two lock files disagree on " + ", ".join(differ)
