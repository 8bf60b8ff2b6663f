"""The scenarios of issue 16 beyond the summary against the baseline (``bench.run`` runs them).

- ``mix_90_10``: of every ten requests, nine professional's summary reads and one
  measurement added by the record's owner (``AddMeasurement``, the mutation of the web
  pages), Carnet against the baseline doing the same mix (its hand-written write).
- ``export``: the FHIR export (``GET /patients/{id}/fhir``, as the owner) of a record of
  10,000 measurements: seconds, MB/s, and the server's peak RSS growth meanwhile.
- ``memory_large_record``: the owner reads a 20,000-entry record (the summary and the first
  pages of its lists) for a while; the server's RSS at the end against after a warm-up.
- ``scale`` (PostgreSQL): the professional's summary p50 at one connection with 10,000
  patients, then with ``--patients-large`` (seeded with COPY in between).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bench import load
from bench.load import Mix, Request

if TYPE_CHECKING:
    from api.settings import Settings
    from bench.run import Bench
    from bench.seed import Viewer

MEASUREMENTS = (Path(__file__).resolve().parent.parent / "web" / "operations"
                / "measurements.graphql").read_text(encoding="utf-8")
# A reading written again and again: an old date, so the summary's latest values stay.
READING = {"kind": "HEART_RATE", "value": 72, "measuredAt": "2024-03-01T08:00:00+01:00"}
LARGE_PAGES = """
query LargePages($id: ID!) {
  patient(id: $id) {
    id
    allergies(first: 100) { totalCount items { id substance reaction } }
    treatments(first: 100) { totalCount items { id medication dose startDate } }
    history(first: 100) { totalCount items { id label onsetDate } }
    vaccinations(first: 100) { totalCount items { id vaccineCode date } }
    measurements(first: 100) { totalCount items { id displayValue measuredAt note } }
  }
}
"""
MEMORY_TARGET = 1.10  # RSS at the end / after the warm-up
SCALE_SMALL = 10_000
# Entries given to each patient added for the large database: about what a national record
# holds on average (issue 16 measured 1,000,000 patients with 9 M entries).
SCALE_ROWS_PER_PATIENT = 9


def write_request(viewer: Viewer, patient_id: int) -> Request:
    from bench.run import graphql_request

    return graphql_request(viewer, MEASUREMENTS, "AddMeasurement",
                           {"input": {"patientId": str(patient_id), **READING}})


def _written(server: Any, request: Request) -> dict[str, Any]:
    """One write by hand: it must have written (a refusal comes as GraphQL data)."""
    from bench.run import check

    answer = json.loads(check(server, request))
    payload = (answer.get("data") or {}).get("addMeasurement") or {}
    if payload.get("userErrors") or not payload.get("measurement"):
        raise RuntimeError(f"{server.name}: AddMeasurement wrote nothing: {answer}")
    written: dict[str, Any] = payload["measurement"]
    return written


def mix_90_10(bench: Bench) -> dict[str, Any]:
    from bench.run import summary_request, versus

    s = bench.seeded
    app, base = bench.servers["app"], bench.servers["baseline"]
    write = write_request(s.owner, s.patient_id)
    ours, theirs = _written(app, write), _written(base, write)
    if {k: v for k, v in ours.items() if k != "id"} != {k: v for k, v in theirs.items()
                                                        if k != "id"}:
        raise RuntimeError(f"AddMeasurement answers differ: {ours} vs {theirs}")
    read = summary_request(s.professional, s.patient_id)
    mix = Mix(((read, 9), (write, 1)))
    return versus(bench, "mix_90_10", ("carnet_mix", app, mix, 8), ("baseline_mix", base, mix, 8),
                  "rps", "8 connections; 9 professional's summary reads, then 1 owner's "
                  "AddMeasurement")


def export(bench: Bench) -> dict[str, Any]:
    from bench.run import cookie, settle

    app = bench.servers["app"]
    record = bench.seeded.large["export"]
    url = f"{app.url}/patients/{record.patient_id}/fhir"
    runs = []
    for repetition in range(bench.mode.repetitions):
        settle(bench)
        body = bytearray()
        with load.RssSampler(app.pid) as rss:
            started = time.monotonic()
            with httpx.stream("GET", url, headers={"Cookie": cookie(record.owner)},
                              timeout=300) as response:
                if response.status_code != 200:
                    raise RuntimeError(f"export answered {response.status_code}")
                for chunk in response.iter_bytes():
                    body += chunk
            seconds = time.monotonic() - started
        if repetition == 0:
            entries = [e for e in json.loads(body).get("entry", [])
                       if e.get("resource", {}).get("resourceType") == "Observation"]
            if len(entries) < record.entries:
                raise RuntimeError(f"export: {len(entries)} observations, "
                                   f"{record.entries} expected")
        runs.append({"seconds": seconds, "bytes": len(body),
                     "mb_per_second": len(body) / 1e6 / seconds,
                     "rss_start_mb": rss.start_mb, "rss_peak_growth_mb": rss.peak_growth_mb,
                     "samples": len(rss.samples)})
    seconds = statistics.median(r["seconds"] for r in runs)
    result = {"entries": record.entries, "seconds": seconds, "bytes": runs[0]["bytes"],
              "mb_per_second": statistics.median(r["mb_per_second"] for r in runs),
              "rss_peak_growth_mb": max(r["rss_peak_growth_mb"] for r in runs),
              "runs": runs, "ratio": None, "metric": "seconds",
              "load": "one download at a time, as the owner"}
    print(f"  export: {record.entries:,} measurements, {result['bytes'] / 1e6:.1f} MB in "
          f"{seconds:.2f} s ({result['mb_per_second']:.1f} MB/s), server peak RSS "
          f"+{result['rss_peak_growth_mb']:.1f} MB", flush=True)
    return result


def memory_large_record(bench: Bench) -> dict[str, Any]:
    from bench.run import check, graphql_request, settle, summary_request

    app = bench.servers["app"]
    record = bench.seeded.large["memory"]
    summary = summary_request(record.owner, record.patient_id)
    pages = graphql_request(record.owner, LARGE_PAGES, "LargePages",
                            {"id": str(record.patient_id)})
    for request in (summary, pages):
        check(app, request)
    reads = Mix(((summary, 1), (pages, 1)))
    settle(bench)
    load.measure(app.url, reads, 4, max(1.0, bench.mode.seconds))  # warm-up: caches fill
    settle(bench)
    measures = []
    with load.RssSampler(app.pid, interval=0.1) as rss:
        for _ in range(bench.mode.repetitions):
            measures.append(load.measure(app.url, reads, 4, bench.mode.seconds, app.pid))
    samples = rss.samples
    ratio = samples[-1] / samples[0] if samples[0] else None
    result = {"entries": record.entries, "ratio": ratio, "metric": "rss",
              "rss_start_mb": rss.start_mb, "rss_end_growth_mb": rss.end_growth_mb,
              "rss_peak_growth_mb": rss.peak_growth_mb,
              "requests": sum(m.requests for m in measures),
              "bad": sum(m.bad for m in measures),
              "rps": statistics.median(m.rps for m in measures),
              "load": "4 connections, the summary and the first pages of every list in turn"}
    print(f"  memory_large_record: {record.entries:,} entries, {result['requests']:,} reads, "
          f"RSS {rss.start_mb:.0f} MB -> +{rss.end_growth_mb:.1f} MB at the end "
          f"(peak +{rss.peak_growth_mb:.1f} MB) -> x{ratio or 0:.3f}", flush=True)
    return result


async def _grow(settings: Settings, total: int) -> tuple[int, float]:
    """Patients added (COPY on PostgreSQL) until there are `total`; (added, seconds)."""
    from tortoise import Tortoise

    from api.db import open_database
    from api.identity.models import Patient
    from bench.seed import CAMILLE_NIR, add_patients

    started = time.monotonic()
    await open_database(settings)
    try:
        have = await Patient.all().count()
        camille = await Patient.get(ins_nir=CAMILLE_NIR)
        if total > have:
            await add_patients(total - have, camille.id,
                               rows_per_patient=SCALE_ROWS_PER_PATIENT)
        return max(total - have, 0), time.monotonic() - started
    finally:
        await Tortoise.close_connections()


def scale(bench: Bench, settings: Settings, large: int) -> dict[str, Any]:
    from bench.run import median_of, settle, summary_request

    app = bench.servers["app"]
    read = summary_request(bench.seeded.professional, bench.seeded.patient_id)
    results: dict[str, Any] = {}
    seeding: dict[str, Any] = {}
    for label, total in (("small", SCALE_SMALL), ("large", large)):
        added, seconds = asyncio.run(_grow(settings, total))
        seeding[label] = {"patients": total, "added": added, "seconds": round(seconds, 1)}
        print(f"  scale: {total:,} patients ({added:,} added in {seconds:.0f} s)", flush=True)
        settle(bench)
        load.measure(app.url, read, 1, 1)
        measures = []
        for _ in range(bench.mode.repetitions):
            settle(bench)
            measures.append(load.measure(app.url, read, 1, bench.mode.seconds, app.pid))
        results[label] = median_of(measures)
    small, big = results["small"]["p50_ms"], results["large"]["p50_ms"]
    ratio = big / small if small and big else None
    print(f"  scale: p50 {small:.2f} ms with {SCALE_SMALL:,} patients, {big:.2f} ms with "
          f"{large:,} -> {ratio or 0:.3f}", flush=True)
    return {"variants": results, "metric": "p50_ms", "ratio": ratio, "a": "large",
            "b": "small", "load": "1 connection", "patients_small": SCALE_SMALL,
            "patients_large": large, "seeding": seeding}
