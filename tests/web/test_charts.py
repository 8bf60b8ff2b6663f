"""Measurement charts: small, valid, accessible SVG in the viewer's language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from web.charts import FIRST_COLOUR, MAX_TICKS, SECOND_COLOUR, line_chart, time_ticks, value_ticks

SVG = "{http://www.w3.org/2000/svg}"
START = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)


def _daily(values: list[float], start: datetime = START) -> list[tuple[datetime, float]]:
    return [(start + timedelta(days=index), value) for index, value in enumerate(values)]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def _texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def _desc(root: ET.Element) -> str:
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    return desc.text or ""


def _contrast_with_white(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[index:index + 2], 16) for index in (1, 3, 5))
    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


WEIGHTS = _daily([72.4, 71.9, 73.1, 70.6, 71.2])


def test_the_chart_is_valid_svg_named_and_described_for_screen_readers():
    root = _parse(line_chart(WEIGHTS, title="Poids", unit="kg", lang="fr"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Poids" and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_description_says_first_last_lowest_and_highest_values_in_french():
    desc = _desc(_parse(line_chart(WEIGHTS, title="Poids", unit="kg", lang="fr")))
    assert desc.startswith("5 valeurs du 5 janvier 2026 au 9 janvier 2026.")
    assert "première valeur 72,4 kg" in desc.lower() and "dernière 71,2 kg" in desc
    assert "la plus basse 70,6 kg le 8 janvier 2026" in desc
    assert "la plus haute 73,1 kg le 7 janvier 2026" in desc


def test_the_description_is_in_english_for_an_english_reader():
    desc = _desc(_parse(line_chart(WEIGHTS, title="Weight", unit="kg", lang="en")))
    assert "5 values from January 5, 2026 to January 9, 2026." in desc
    assert "First 72.4 kg, last 71.2 kg, lowest 70.6 kg on January 8, 2026" in desc


def test_the_lowest_and_highest_values_are_written_on_the_chart():
    texts = _texts(_parse(line_chart(WEIGHTS, title="Poids", unit="kg", lang="fr")))
    assert "73,1" in texts and "70,6" in texts and "kg" in texts


def test_text_from_the_caller_is_escaped():
    svg = line_chart(WEIGHTS, title='<script>alert("x")</script> & co', unit="<b>kg</b>",
                     lang="en")
    assert "<script>" not in svg and "<b>" not in svg
    root = _parse(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == '<script>alert("x")</script> & co'
    assert "<b>kg</b>" in _texts(root)


def test_no_values_gives_a_short_chart_that_says_so():
    svg = line_chart([], title="Glycémie", unit="g/L", lang="fr")
    root = _parse(svg)
    assert root.get("role") == "img" and int(root.get("height", "0")) < 100
    assert _texts(root) == ["Glycémie\u202f: pas encore de valeur"]
    assert root.find(f"{SVG}polyline") is None


def test_a_single_value_is_a_dot_in_the_middle_with_its_date():
    root = _parse(line_chart(WEIGHTS[:1], title="Poids", unit="kg", lang="fr", width=640))
    assert root.find(f"{SVG}polyline") is None
    dots = list(root.iter(f"{SVG}circle"))
    assert len(dots) == 1 and 300 < float(dots[0].get("cx") or 0) < 360
    assert "5 janv. 2026" in _texts(root)
    assert _desc(root) == "Une seule valeur, le 5 janvier 2026. 72,4 kg."


def test_equal_values_sit_inside_a_scale_around_them():
    root = _parse(line_chart(_daily([98.0] * 4), title="SpO2", unit="%", lang="en"))
    points = root.find(f"{SVG}polyline")
    assert points is not None
    heights = {float(pair.split(",")[1]) for pair in (points.get("points") or "").split()}
    assert len(heights) == 1 and 0 < heights.pop() < 240
    assert "Every value is 98 %." in _desc(root)
    assert "98" in _texts(root)


def test_the_second_series_is_dashed_and_both_are_named_in_the_legend():
    systolic = _daily([128, 135, 122, 140])
    diastolic = _daily([82, 88, 79, 91])
    root = _parse(line_chart(systolic, second_series=diastolic, title="Tension", unit="mmHg",
                             lang="fr"))
    lines = list(root.iter(f"{SVG}polyline"))
    assert [line.get("stroke") for line in lines] == [FIRST_COLOUR, SECOND_COLOUR]
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    assert {"systolique", "diastolique"} <= set(_texts(root))
    desc = _desc(root)
    assert "Systolique\u202f: première valeur 128 mmHg" in desc
    assert "Diastolique\u202f: première valeur 82 mmHg" in desc


def test_the_series_names_can_be_given():
    root = _parse(line_chart(WEIGHTS, second_series=WEIGHTS, title="T", unit="", lang="en",
                             series_names=("morning", "evening")))
    assert {"morning", "evening"} <= set(_texts(root))


def test_month_ticks_are_written_in_the_viewer_language():
    year = _daily([70.0 + index % 3 for index in range(120)], datetime(2025, 11, 20, tzinfo=UTC))
    french = _texts(_parse(line_chart(year, title="Poids", unit="kg", lang="fr")))
    english = _texts(_parse(line_chart(year, title="Weight", unit="kg", lang="en")))
    assert "janv. 2026" in french and "févr. 2026" in french
    assert "Jan 2026" in english and "Feb 2026" in english


def test_a_year_of_daily_values_stays_a_small_svg():
    year = _daily([70 + (index * 37 % 11) / 3 for index in range(366)],
                  datetime(2025, 1, 1, 7, tzinfo=UTC))
    systolic = [(moment, value + 60) for moment, value in year]
    svg = line_chart(systolic, second_series=year, title="Tension", unit="mmHg", lang="fr")
    root = _parse(svg)
    assert len(list(root.iter())) <= 40
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    numbers = re.findall(r"[\d.]+", " ".join(line.get("points") or ""
                                             for line in root.iter(f"{SVG}polyline")))
    assert all(len(number.partition(".")[2]) <= 1 for number in numbers)
    assert len(svg) < 12_000


def test_the_same_values_give_the_same_chart():
    assert line_chart(WEIGHTS, title="Poids", unit="kg", lang="fr") == line_chart(
        list(reversed(WEIGHTS)), title="Poids", unit="kg", lang="fr")


def test_two_charts_of_one_page_can_keep_their_ids_apart():
    first = _parse(line_chart(WEIGHTS, title="Poids", unit="kg", lang="fr", chart_id="léo"))
    second = _parse(line_chart(WEIGHTS, title="Poids", unit="kg", lang="fr", chart_id="camille"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")
    assert first.get("aria-labelledby") == "lo-t lo-d"  # only safe id characters are kept


def test_the_lines_contrast_with_the_white_background():
    assert _contrast_with_white(FIRST_COLOUR) >= 4.5
    assert _contrast_with_white(SECOND_COLOUR) >= 4.5


@given(st.floats(-1e6, 1e6), st.floats(0, 1e6))
def test_value_ticks_are_few_and_cover_the_values(low, spread):
    ticks = value_ticks(low, low + spread)
    assert 2 <= len(ticks) <= MAX_TICKS
    slack = 1e-9 * max(1.0, abs(low), abs(low + spread))
    assert ticks[0] <= low + slack and ticks[-1] >= low + spread - slack


@given(st.integers(0, 40 * 365 * 24 * 60))
def test_time_ticks_are_few_and_inside_the_period(minutes):
    end = START + timedelta(minutes=minutes)
    ticks, _pattern = time_ticks(START, end)
    assert 1 <= len(ticks) <= MAX_TICKS
    assert all(START <= tick <= end for tick in ticks)
