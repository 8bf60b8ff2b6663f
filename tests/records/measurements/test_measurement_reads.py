from datetime import UTC, date, datetime, timedelta

from api import clock
from api.records.measurements.loaders import MAX_SERIES_POINTS
from tests.querycount import count_queries
from tests.records.measurements.support import MINE, iso, signed_in_patient, store

START = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)

SERIES = """
query Series($kind: MeasurementKind!, $since: DateTime, $until: DateTime) {
  me { patient { measurementSeries(kind: $kind, since: $since, until: $until) {
    kind unit displayUnit truncated points { measuredAt value value2 } } } }
}"""

BMI = "{ me { patient { computedBmi { value weight { value } height { value } } } } }"

KINDS = """{ measurementKinds { kind loinc label unit minimum maximum
             components { loinc label minimum maximum } } }"""


def _days(count, start=START):
    return [start + timedelta(days=n) for n in range(count)]


def _page(body):
    return body["data"]["me"]["patient"]["measurements"]


async def test_pages_go_from_newest_to_oldest_without_gaps_or_repeats(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    # Two readings share each instant: the id breaks the tie.
    moments = _days(4) * 2
    await store(alice.patient, "weight", [(m, 70 + n) for n, m in enumerate(moments)])
    seen, after = [], None
    while True:
        page = _page(await alice.ask(MINE, first=3, after=after))
        assert page["totalCount"] == 8
        seen += page["items"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    times = [datetime.fromisoformat(item["measuredAt"]) for item in seen]
    assert len({item["id"] for item in seen}) == 8
    assert times == sorted(times, reverse=True)


async def test_a_page_holds_at_most_100_measurements(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await store(alice.patient, "weight", [(m, 70) for m in _days(120)])
    page = _page(await alice.ask(MINE, first=100))
    assert len(page["items"]) == 100
    assert page["pageInfo"]["hasNextPage"] is True
    assert len(_page(await alice.ask(MINE))["items"]) == 50
    refused = await alice.ask(MINE, first=101)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_PAGE_SIZE"


async def test_a_forged_cursor_is_refused(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    body = await alice.ask(MINE, after="bm90LWEtY3Vyc29y")
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


async def test_the_list_filters_by_kind_and_by_time(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await store(alice.patient, "weight", [(m, 70) for m in _days(10)])
    await store(alice.patient, "heart_rate", [(m, 60) for m in _days(5)], unit="/min")
    heart = _page(await alice.ask(MINE, kind="HEART_RATE"))
    assert heart["totalCount"] == 5 and {i["kind"] for i in heart["items"]} == {"HEART_RATE"}
    window = _page(await alice.ask(MINE, kind="WEIGHT", since=iso(START + timedelta(days=2)),
                                   until=iso(START + timedelta(days=4))))
    assert window["totalCount"] == 3


async def test_a_chart_series_comes_in_time_order(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await store(alice.patient, "blood_pressure", [(m, 120 + n) for n, m in
                                                  enumerate(reversed(_days(5)))], value2=80,
                unit="mm[Hg]")
    series = (await alice.ask(SERIES, kind="BLOOD_PRESSURE"))["data"]["me"]["patient"][
        "measurementSeries"]
    times = [point["measuredAt"] for point in series["points"]]
    assert times == sorted(times)
    assert series["points"][0] == {"measuredAt": series["points"][0]["measuredAt"],
                                   "value": 124, "value2": 80}
    assert (series["unit"], series["truncated"]) == ("mm[Hg]", False)


async def test_a_long_series_is_cut_to_the_most_recent_points_and_says_so(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    days = _days(MAX_SERIES_POINTS + 30)
    await store(alice.patient, "steps", [(m, 5000) for m in days], unit="{steps}/d")
    series = (await alice.ask(SERIES, kind="STEPS"))["data"]["me"]["patient"][
        "measurementSeries"]
    assert series["truncated"] is True
    assert len(series["points"]) == MAX_SERIES_POINTS
    assert datetime.fromisoformat(series["points"][-1]["measuredAt"]) == days[-1]
    narrowed = (await alice.ask(SERIES, kind="STEPS", until=iso(days[100])))["data"]["me"][
        "patient"]["measurementSeries"]
    assert (len(narrowed["points"]), narrowed["truncated"]) == (101, False)


async def test_adding_a_weight_creates_no_bmi_but_one_is_offered(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await alice.add(kind="HEIGHT", value=170)
    assert (await alice.ask(BMI))["data"]["me"]["patient"]["computedBmi"] is None
    await alice.add(kind="WEIGHT", value=72.3)
    offered = (await alice.ask(BMI))["data"]["me"]["patient"]["computedBmi"]
    assert offered == {"value": 25.0, "weight": {"value": 72.3}, "height": {"value": 170}}
    assert _page(await alice.ask(MINE, kind="BMI"))["totalCount"] == 0
    added = await alice.add(kind="BMI", value=offered["value"])
    assert added["measurement"]["loinc"] == "39156-5"


async def test_a_childs_old_height_is_not_used_for_a_bmi(client, settings):
    alice = await signed_in_patient(client, settings.secret_key, birth_date=date(2016, 5, 1))
    now = clock.now()
    await store(alice.patient, "height", [(now - timedelta(days=200), 120)], unit="cm")
    await store(alice.patient, "weight", [(now - timedelta(days=1), 24)])
    assert (await alice.ask(BMI))["data"]["me"]["patient"]["computedBmi"] is None


async def test_reading_60_measurements_costs_as_many_statements_as_reading_one(client, settings):
    one = await signed_in_patient(client, settings.secret_key)
    await store(one.patient, "weight", [(START, 70)])
    with count_queries() as few:
        assert _page(await one.ask(MINE, first=100))["totalCount"] == 1
    many = await signed_in_patient(client, settings.secret_key)
    await store(many.patient, "weight", [(m, 70) for m in _days(60)])
    with count_queries() as lots:
        assert _page(await many.ask(MINE, first=100))["totalCount"] == 60
    assert few.count == lots.count


async def test_the_kinds_are_listed_for_forms_with_codes_units_and_ranges(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    kinds = {k["kind"]: k for k in (await alice.ask(KINDS))["data"]["measurementKinds"]}
    assert len(kinds) == 13
    assert (kinds["WEIGHT"]["unit"], kinds["WEIGHT"]["minimum"]) == ("kg", 0.2)
    pressure = kinds["BLOOD_PRESSURE"]
    assert pressure["loinc"] == "85354-9"
    assert [c["loinc"] for c in pressure["components"]] == ["8480-6", "8462-4"]
    assert pressure["components"][1]["label"] == "Tension basse (diastolique)"


async def test_a_window_that_ends_before_it_starts_is_refused(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    body = await alice.ask(MINE, since=iso(START), until=iso(START - timedelta(days=1)))
    assert body["errors"][0]["extensions"]["code"] == "BAD_RANGE"
    assert body["data"]["me"]["patient"]["measurements"] is None
