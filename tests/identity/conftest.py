"""Fixtures for the identity tests."""

from collections.abc import Iterator

import pytest

from api import clock


@pytest.fixture
def still_clock() -> Iterator[None]:
    """Time stands still, so a Retry-After is exact however slow the machine is today."""
    with clock.frozen_at(clock.now()):
        yield
