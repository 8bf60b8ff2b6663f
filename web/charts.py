"""Measurement charts as small, accessible inline SVG: no script, no chart library.

`line_chart` is a plain function of its inputs (the message catalogue it reads is
loaded once and cached), so any page can call it while rendering. Screen readers get
a title and a description in words (first, last, lowest and highest values); the
second series (diastolic pressure) is dashed, so it reads without colour.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

from api.dates import long_date, month_start, months_after
from web.i18n import pick_language, translations

Series = Sequence[tuple[datetime, float]]

MAX_TICKS = 4
# Dark enough on white (8:1 and 5.8:1) and apart in hue; the second one is also dashed.
FIRST_COLOUR, SECOND_COLOUR = "#0b4f9c", "#a64b00"
TEXT_COLOUR, AXIS_COLOUR, GRID_COLOUR = "#4a4a55", "#6b7180", "#dfe3ea"
DASHES = "7 4"
LEFT, RIGHT, TOP, BOTTOM, INSET = 44, 24, 34, 30, 8
UNIT_X = 2
# A generous width per character at font-size 12, to keep the legend clear of the unit.
CHARACTER_WIDTH = 7.5
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
_DAY_STEPS = (1, 2, 7, 14)


def _n(value: float) -> str:
    """A coordinate rounded to one decimal, without a useless ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr(text: str) -> str:
    return escape(text, quote=True)


def value_ticks(low: float, high: float) -> list[float]:
    """Round numbers (1, 2, 2.5 or 5 times a power of ten) spanning low..high."""
    if high - low < 1e-6 * max(1.0, abs(low), abs(high)):  # equal, for a measurement
        pad = max(abs(low) * 0.1, 1.0)
        low, high = low - pad, high + pad
    raw = (high - low) / (MAX_TICKS - 1)
    power = 10 ** math.floor(math.log10(raw))
    for step in (m * power for m in (1, 2, 2.5, 5, 10, 20, 25, 50)):
        first, last = math.floor(low / step), math.ceil(high / step)
        # Rounding outwards may add a step or two: then take the next size.
        if step >= raw and last - first < MAX_TICKS:
            break
    return [round(index * step, 10) + 0.0 for index in range(first, last + 1)]


def _month_ticks(start: datetime, end: datetime, step: int) -> list[datetime]:
    """The first days of the months between start and end, every `step` months counted from
    January of year 0 (so a two-year step falls on even years)."""
    moment, ticks = month_start(start), []
    while moment <= end:
        if moment >= start and (moment.year * 12 + moment.month - 1) % step == 0:
            ticks.append(moment)
        moment = months_after(moment, 1)
    return ticks


def _day_ticks(start: datetime, end: datetime, step: int) -> list[datetime]:
    moment = start.replace(hour=0, minute=0, second=0, microsecond=0)
    if moment < start:
        moment += timedelta(days=1)
    ticks: list[datetime] = []
    while moment <= end:
        ticks.append(moment)
        moment += timedelta(days=step)
    return ticks


def time_ticks(start: datetime, end: datetime) -> tuple[list[datetime], str]:
    """At most MAX_TICKS readable dates between start and end, and their babel pattern."""
    if end - start >= timedelta(days=45):
        for step in _MONTH_STEPS:
            ticks = _month_ticks(start, end, step)
            if len(ticks) <= MAX_TICKS:
                return ticks, ("y" if step >= 12 else "MMM y")
    for step in _DAY_STEPS:
        ticks = _day_ticks(start, end, step)
        if 0 < len(ticks) <= MAX_TICKS:
            return ticks, "d MMM"
    return ([start] if start == end else [start, end]), "d MMM y"


def _local(points: Series, zone: ZoneInfo) -> list[tuple[datetime, float]]:
    return sorted((moment.astimezone(zone) if moment.tzinfo else moment, float(value))
                  for moment, value in points)


def _chart_id(title: str, points: Series) -> str:
    digest = hashlib.sha1(f"{title}|{len(points)}|{points[:1]}".encode(), usedforsecurity=False)
    return "chart-" + digest.hexdigest()[:8]


def _sentence(_: Callable[[str], str], points: list[tuple[datetime, float]], name: str,
              number: Callable[[float], str], day: Callable[[date], str]) -> str:
    values = [value for _moment, value in points]
    low, high = min(values), max(values)
    if len(values) == 1:
        text = number(low)
    elif low == high:
        text = _("every value is %(value)s") % {"value": number(low)}
    else:
        low_at = points[values.index(low)][0].date()
        high_at = points[values.index(high)][0].date()
        text = _("first %(first)s, last %(last)s, lowest %(low)s on %(low_date)s, "
                 "highest %(high)s on %(high_date)s") % {
            "first": number(values[0]), "last": number(values[-1]),
            "low": number(low), "low_date": day(low_at),
            "high": number(high), "high_date": day(high_at)}
    if name:
        text = _("%(name)s: %(values)s") % {"name": name, "values": text}
    return text[:1].upper() + text[1:] + "."


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" font-size="12" fill="{TEXT_COLOUR}">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        + "".join(body) + "</svg>"
    )


def line_chart(points: Series, *, title: str, unit: str, lang: str,
               second_series: Series | None = None, width: int = 400, height: int = 220,
               series_names: tuple[str, str] | None = None, chart_id: str | None = None,
               timezone: str = "Europe/Paris") -> str:
    """The series as an inline SVG line chart (or a short "no values yet" one when empty).

    `series_names` name the two lines when there is a second series (by default
    systolic and diastolic); `chart_id` keeps ids unique when a page has two charts
    with the same title; aware datetimes are shown in `timezone`.
    """
    lang = pick_language(lang)
    _ = translations(lang).gettext
    zone = ZoneInfo(timezone)
    first, second = _local(points, zone), _local(second_series or [], zone)
    chart_id = re.sub(r"[^A-Za-z0-9_-]", "", chart_id or _chart_id(title, first)) or "chart"
    if not first:
        empty = _("%(title)s: no values yet") % {"title": title}
        return _svg(chart_id, width, 40, title, empty + ".",
                    [f'<text x="8" y="25">{escape(empty)}</text>'])

    def number(value: float) -> str:
        return format_decimal(value, "#,##0.###", locale=lang)

    def with_unit(value: float) -> str:
        return f"{number(value)} {unit}".strip()

    def day(moment: date) -> str:
        return long_date(moment, lang)

    names = series_names or ((_("systolic"), _("diastolic")) if second else ("", ""))
    everything = first + second
    moments = [moment for moment, _value in everything]
    start, end = min(moments), max(moments)
    ticks = value_ticks(min(v for _m, v in everything), max(v for _m, v in everything))
    low, high = ticks[0], ticks[-1]
    left, right, top, bottom = LEFT, width - RIGHT, TOP, height - BOTTOM
    span = (end - start).total_seconds()

    def x(moment: datetime) -> float:
        if span == 0:
            return (left + right) / 2
        share = (moment - start).total_seconds() / span
        return left + INSET + share * (right - left - 2 * INSET)

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    sentences = [_sentence(_, first, names[0], with_unit, day)]
    if second:
        sentences.append(_sentence(_, second, names[1], with_unit, day))
    if len(first) == 1:
        sentences.insert(0, _("One value, on %(date)s.") % {"date": day(start.date())})
    else:
        sentences.insert(0, _("%(count)s values from %(start)s to %(end)s.") % {
            "count": number(len(first)), "start": day(start.date()), "end": day(end.date())})
    desc = " ".join(sentences)

    grid = "".join(f"M{left} {_n(y(tick))}H{right}" for tick in ticks)
    body = [
        f'<path d="{grid}" stroke="{GRID_COLOUR}"/>',
        f'<path d="M{left} {top}V{bottom}H{right}" stroke="{AXIS_COLOUR}" fill="none"/>',
        # From the left edge, over the plot: anchored at the axis, a unit wider than the
        # margin ("mmHg", "battements/min") was cut off.
        f'<text x="{UNIT_X}" y="{top - 14}">{escape(unit)}</text>',
    ]
    body += [f'<text x="{left - 6}" y="{_n(y(tick) + 4)}" text-anchor="end">'
             f"{escape(number(tick))}</text>" for tick in ticks]
    dates, pattern = time_ticks(start, end)
    for moment in dates:
        position = x(moment)
        anchor = "end" if position > width - 50 else "start" if position < 40 else "middle"
        body.append(f'<text x="{_n(position)}" y="{bottom + 18}" text-anchor="{anchor}">'
                    f"{escape(format_date(moment, pattern, locale=lang))}</text>")
    for series, colour, dashed in ((first, FIRST_COLOUR, False), (second, SECOND_COLOUR, True)):
        if len(series) > 1:
            line = " ".join(f"{_n(x(moment))},{_n(y(value))}" for moment, value in series)
            dash = f' stroke-dasharray="{DASHES}"' if dashed else ""
            body.append(f'<polyline points="{line}" fill="none" stroke="{colour}" '
                        f'stroke-width="2"{dash}/>')
    if len(second) == 1:  # a lone second value: a hollow dot, told apart from the solid one
        (moment, value), = second
        body.append(f'<circle cx="{_n(x(moment))}" cy="{_n(y(value))}" r="3.5" fill="#fff" '
                    f'stroke="{SECOND_COLOUR}" stroke-width="2"/>')
    body += _extremes(first, x, y, number, (bottom, width))
    if second:
        body += _legend(names, width, after=UNIT_X + len(unit) * CHARACTER_WIDTH + 12)
    return _svg(chart_id, width, height, title, desc, body)


def _extremes(points: list[tuple[datetime, float]], x: Callable[[datetime], float],
              y: Callable[[float], float], number: Callable[[float], str],
              frame: tuple[int, int]) -> list[str]:
    """A dot and its value at the highest and the lowest point (one when they are equal).

    The highest value is written above its dot, the lowest below, unless that would
    run into the dates under the axis.
    """
    bottom, width = frame
    values = [value for _moment, value in points]
    marks = [(values.index(max(values)), False)]
    if min(values) != max(values):
        marks.append((values.index(min(values)), True))
    found = []
    for index, below in marks:
        moment, value = points[index]
        cx, cy = x(moment), y(value)
        shift = 17 if below and cy + 17 <= bottom - 2 else -8
        anchor = "end" if cx > width - 60 else "start" if cx < 60 else "middle"
        found.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="3.5" fill="{FIRST_COLOUR}"/>')
        found.append(f'<text x="{_n(cx)}" y="{_n(cy + shift)}" text-anchor="{anchor}" '
                     f'font-weight="600">{escape(number(value))}</text>')
    return found


def _legend(names: tuple[str, str], width: int, after: float = 0) -> list[str]:
    """Two line samples, solid then dashed, with their names, above the plot, to the right
    of `after` (where the unit ends)."""
    first = max(LEFT + 10, math.ceil(after))
    half = (width - first - RIGHT) // 2
    found = []
    for offset, name, colour, dash in ((0, names[0], FIRST_COLOUR, ""),
                                       (half, names[1], SECOND_COLOUR, DASHES)):
        start = first + offset
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        found.append(f'<path d="M{start} 14H{start + 24}" stroke="{colour}" stroke-width="2"'
                     f'{dashes}/>')
        found.append(f'<text x="{start + 30}" y="18">{escape(name)}</text>')
    return found
