"""Every registered page stays light on first load.

The measures are printed (`-s`); `make page-weights` also writes them to
docs/page-weights.md (CARNET_PAGE_WEIGHTS_REPORT=1), so a plain test run leaves the
tree as it found it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import Visit, load_visit, new_visit_context, visits

pytestmark = pytest.mark.browser

MAX_KILOBYTES = 60
MAX_REQUESTS = 6
MAX_ELEMENTS = 250
REPORT = Path(__file__).resolve().parents[2] / "docs" / "page-weights.md"


@dataclass(frozen=True)
class Weight:
    visit: Visit
    transferred_bytes: int
    requests: int
    elements: int

    @property
    def kilobytes(self) -> float:
        return self.transferred_bytes / 1024

    def over_budget(self) -> list[str]:
        found = []
        if self.kilobytes > MAX_KILOBYTES:
            found.append(f"{self.kilobytes:.1f} KB > {MAX_KILOBYTES} KB")
        if self.requests > MAX_REQUESTS:
            found.append(f"{self.requests} requests > {MAX_REQUESTS}")
        if self.elements > MAX_ELEMENTS:
            found.append(f"{self.elements} DOM elements > {MAX_ELEMENTS}")
        return found


async def _measure(browser: Any, base_url: str, visit: Visit,
                   states: dict[str, Any]) -> Weight:
    context, tab = await new_visit_context(browser, base_url, visit, states)
    try:
        finished: list[Any] = []

        def note(request: Any) -> None:
            finished.append(request)

        tab.on("requestfinished", note)
        tab.on("requestfailed", note)
        await load_visit(tab, base_url, visit)
        await tab.wait_for_load_state("networkidle")
        transferred = 0
        for request in finished:
            sizes = await request.sizes()
            transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        elements = await tab.evaluate("document.getElementsByTagName('*').length")
        return Weight(visit, transferred, len(finished), int(elements))
    finally:
        await context.close()


def _table(weights: list[Weight]) -> str:
    lines = [
        "# Page weights",
        "",
        "First load of each page in a fresh browser (empty cache), with the demo data.",
        "Written by `make page-weights` (tests/browser/test_weight.py): do not edit by hand.",
        f"Budgets: at most {MAX_KILOBYTES} KB transferred (compressed bodies and headers),",
        f"{MAX_REQUESTS} requests and {MAX_ELEMENTS} DOM elements per page. `/account` grows by",
        "a few elements with each device the test run signs in.",
        "",
        "| page | seen as | KB | requests | DOM elements |",
        "|---|---|---:|---:|---:|",
    ]
    for weight in weights:
        lines.append(f"| `{weight.visit.page.name}` | {weight.visit.role} "
                     f"| {weight.kilobytes:.1f} | {weight.requests} | {weight.elements} |")
    return "\n".join(lines) + "\n"


_VISITS = visits()
# Filled as the pages are measured; written to docs/page-weights.md once all of them are
# (`make page-weights` runs this file in one process, so every measure lands here).
_MEASURED: dict[str, Weight] = {}


@pytest.mark.parametrize("visit", _VISITS, ids=[visit.id for visit in _VISITS])
async def test_the_page_stays_within_its_weight_budget(
    browser: Any, live_server: str, signed_in_states: dict[str, Any], visit: Visit,
) -> None:
    # One test a page: the test workers share the pages instead of one worker loading
    # every page in turn.
    weight = await _measure(browser, live_server, visit, signed_in_states)
    print(f"\n{weight.kilobytes:6.1f} KB  {weight.requests} requests  {weight.elements} "
          f"elements  {visit.id}")
    _MEASURED[visit.id] = weight
    if (os.environ.get("CARNET_PAGE_WEIGHTS_REPORT") == "1"
            and set(_MEASURED) == {each.id for each in _VISITS}):
        REPORT.write_text(_table([_MEASURED[each.id] for each in _VISITS]), encoding="utf-8")
    problems = weight.over_budget()
    assert not problems, f"{visit.id} over budget: {', '.join(problems)}"
