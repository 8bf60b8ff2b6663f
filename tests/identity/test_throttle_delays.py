"""The wait after n failures: none for the first five, then doubling, capped at an hour."""

from datetime import timedelta

import pytest

from api.identity.throttle import delay_after

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (0, timedelta(0)),
        (4, timedelta(0)),
        (5, timedelta(seconds=30)),
        (6, timedelta(seconds=60)),
        (7, timedelta(seconds=120)),
        (8, timedelta(seconds=240)),
        (11, timedelta(seconds=1920)),
        (12, HOUR),
        (40, HOUR),
        (50, HOUR),
        (64, HOUR),
        (1000, HOUR),
        (10**6, HOUR),
        (2**31, HOUR),
        (10**30, HOUR),
    ],
)
def test_the_delay_after_failures(failures, wait):
    assert delay_after(failures) == wait
