"""The benchmark harness's own logic (bench/): no server, no database, no wrk."""

from __future__ import annotations

from typing import Any

from bench import load, report
from bench.load import Mix, Request
from bench.run import differences


def test_differences_name_each_path() -> None:
    carnet = {"patient": {"id": "1", "items": [{"a": 1}, {"a": 2}], "phone": None}}
    baseline = {"patient": {"id": "1", "items": [{"a": 1}, {"a": 3}]}}
    assert differences(carnet, baseline) == [".patient.items[1].a: 2 vs 3",
                                             ".patient.phone: only in Carnet"]
    assert differences(carnet, carnet) == []


def test_a_mix_sends_each_request_by_its_weight_and_counts_graphql_errors() -> None:
    read = Request("/graphql", "POST", '{"q": 1}', (("Cookie", "a=b"),))
    write = Request("/graphql", "POST", '{"q": 2}', (("Cookie", "a=b"),))
    script = load.script_for(Mix(((read, 9), (write, 1))))
    # Formatted in init(), once wrk has set the Host header.
    assert script.index("init = function") < script.index("wrk.format")
    assert "for _ = 1, 9 do" in script and "for _ = 1, 1 do" in script
    assert '"graphql_errors":%d' in script


def test_graphql_errors_count_as_bad_answers() -> None:
    measure = load.summarise({"requests": 10, "duration_us": 1e6, "non2xx": 1,
                              "socket_errors": 0, "graphql_errors": 2, "p50_us": 1000,
                              "p90_us": 2000, "p99_us": 3000}, None)
    assert measure.bad == 3


def _result(same: bool) -> dict[str, Any]:
    versus = {"variants": {"a": {"rps": 10.0, "p50_ms": 5.0, "bad": 0},
                           "b": {"rps": 20.0, "p50_ms": 4.0, "bad": 0}},
              "metric": "rps", "ratio": 0.5, "a": "a", "b": "b"}
    return {"label": "test", "when": "2026-01-01T00:00:00+00:00", "commit": "abc",
            "mode": {"quick": True, "seconds": 2, "repetitions": 3}, "seconds": 10,
            "machine": {"cpus": 2, "load_generator": "wrk", "python": "3.11"},
            "databases": {"sqlite": {
                "patients": 10, "baseline_same_json": same, "professional_summary": versus,
                "mix_90_10": versus,
                "export": {"entries": 10_000, "bytes": 9_500_000, "seconds": 1.9,
                           "mb_per_second": 5.0, "rss_peak_growth_mb": 0.4, "ratio": None},
                "memory_large_record": {"entries": 20_000, "requests": 40, "ratio": 1.02,
                                        "rss_start_mb": 130.0, "rss_end_growth_mb": 2.6,
                                        "rss_peak_growth_mb": 3.0, "bad": 0}}}}


def test_the_report_shows_the_new_scenarios_and_a_baseline_that_differs() -> None:
    text = report.section(_result(same=False), "plot.svg")
    assert "**NO: the ratios against the baseline are not valid**" in text
    assert "9.5 MB in 1.90 s (5.0 MB/s)" in text
    assert "+2.6 MB at the end" in text and "<= 1.10 (flat)" in text
    assert "not run (PostgreSQL only)" in text  # scale and processes on SQLite
    assert "Baseline JSON identical to Carnet's: sqlite yes" in report.section(
        _result(same=True), "plot.svg")
    assert report.svg(_result(same=True)).startswith("<svg")
