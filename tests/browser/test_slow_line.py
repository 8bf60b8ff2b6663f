"""Every page a patient opens, and the home page, loads within 1.5 s on a "3G slow" line.

The line is Chromium's network emulation through the DevTools protocol: 400 ms round trip,
400 kbit/s each way, empty cache. The time is the page's load event from the start of the
navigation, redirects included, less the time the server took to start answering the page
(the benchmarks hold that; here it is the line, the weight and the round trips that count).
Test machines are shared: a page gets a second try and keeps its best, so a busy moment
is not read as a slow page (a page slow because of its weight or redirects is slow every
time). One test a page, so the test workers share them.

No page may redirect to reach its content: a redirect costs a round trip (400 ms), which is
why `/` and `/patient` answer with the page in place. The check prints each page's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.pages import (
    JEAN,
    PATIENT,
    PAULE,
    Visit,
    load_visit,
    new_visit_context,
    visits,
)

pytestmark = pytest.mark.browser

BUDGET_SECONDS = 1.5
TRIES = 2
ROUND_TRIP_MS = 400
BYTES_PER_SECOND = 400_000 // 8
SLOW_3G = {"offline": False, "latency": ROUND_TRIP_MS,
           "downloadThroughput": BYTES_PER_SECOND, "uploadThroughput": BYTES_PER_SECOND}
# From the navigation's start (before any redirect) to the end of the load event, and the
# time the server thought before its first byte (the wait beyond the line's round trip).
_NAVIGATION = f"""() => {{
  const page = performance.getEntriesByType('navigation')[0];
  const thinking = Math.max(0, page.responseStart - page.requestStart - {ROUND_TRIP_MS});
  return [page.loadEventEnd / 1000, thinking / 1000, page.redirectCount];
}}"""


@dataclass(frozen=True)
class Timing:
    visit: Visit
    seconds: float
    redirects: int


# The heaviest pages of the two older demo patients' own records (longer histories, more
# measurements); their other pages are the same pages as Camille's, with less in them.
OWN_RECORDS = {JEAN: "/records/3", PAULE: "/records/4"}
HEAVIEST = ("", "/history", "/measurements", "/summary")


def slow_line_visits() -> list[Visit]:
    """Each page a patient sees, the home page as anyone sees it, and the heaviest pages of
    the other demo patients."""
    return [visit for visit in visits()
            if visit.role == PATIENT or visit.page.path == "/"
            or (visit.role in OWN_RECORDS
                and visit.page.path in {OWN_RECORDS[visit.role] + rest for rest in HEAVIEST})]


async def _time(browser: Any, base_url: str, visit: Visit, states: dict[str, Any]) -> Timing:
    context, tab = await new_visit_context(browser, base_url, visit, states)
    try:
        devtools = await context.new_cdp_session(tab)
        await devtools.send("Network.enable")
        await devtools.send("Network.emulateNetworkConditions", SLOW_3G)
        await load_visit(tab, base_url, visit)
        loaded, thinking, redirects = await tab.evaluate(_NAVIGATION)
        return Timing(visit, float(loaded) - float(thinking), int(redirects))
    finally:
        await context.close()


_VISITS = slow_line_visits()


def test_the_slow_line_covers_the_home_page_and_the_patient_s_pages() -> None:
    assert {visit.page.path for visit in _VISITS} >= {"/", "/patient", "/records/1"}


@pytest.mark.parametrize("visit", _VISITS, ids=[visit.id for visit in _VISITS])
async def test_the_page_loads_within_budget_on_slow_3g_without_a_redirect(
    browser: Any, live_server: str, signed_in_states: dict[str, Any], visit: Visit,
) -> None:
    # One test a page, so the test workers share the pages.
    best = await _time(browser, live_server, visit, signed_in_states)
    for _ in range(TRIES - 1):
        if best.seconds <= BUDGET_SECONDS:
            break
        again = await _time(browser, live_server, visit, signed_in_states)
        best = min(best, again, key=lambda timing: timing.seconds)
    print(f"\n{best.seconds:5.2f} s  {best.redirects} redirect(s)  {visit.id}")
    assert not best.redirects, f"{visit.id} is reached through {best.redirects} redirect(s)"
    assert best.seconds <= BUDGET_SECONDS, (
        f"{visit.id}: {best.seconds:.2f} s, over {BUDGET_SECONDS} s on a 3G-slow line")
