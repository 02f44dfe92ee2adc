"""Server-rendered SVG charts: a line over time and bars, with no JavaScript.

Pure functions returning safe markup. Like the `sparkline` tag, every coordinate is
drawn in a fixed integer space and every text (titles, summaries, axis labels) is
escaped, so nothing a user typed can become markup. Each chart is an image to assistive
technology (`role="img"`) with a <title> and an `aria-label` carrying a text summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 140
_LEFT = 56  # room for the value labels
_BOTTOM = 20  # room for the date labels
_TOP = 8
_PLOT_WIDTH = WIDTH - _LEFT - 4
_PLOT_HEIGHT = HEIGHT - _BOTTOM - _TOP
_BASE = HEIGHT - _BOTTOM

NOT_ENOUGH_HISTORY = "Not enough history yet."


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: `parts` are stacked bottom up (e.g. releases, then yanked ones), each
    drawn with the class of the same index in the chart's `part_classes`; `detail` is the
    bar's hover text."""

    label: str
    parts: tuple[int, ...]
    detail: str


def month_label(day: date) -> str:
    """ "Jan 2026": how chart summaries and axes name a time."""
    return day.strftime("%b %Y")


def change_summary(name: str, points: Sequence[tuple[date, int]]) -> str:
    """ "Stars grew from 120 to 340 between Jan 2026 and Dec 2026" (or "fell", or "stayed
    at"), from points oldest first; "" for fewer than two points."""
    if len(points) < 2:
        return ""
    (first_day, first), (last_day, last) = points[0], points[-1]
    between = f"between {month_label(first_day)} and {month_label(last_day)}"
    if last == first:
        return f"{name} stayed at {last:,} {between}"
    verb = "grew" if last > first else "fell"
    return f"{name} {verb} from {first:,} to {last:,} {between}"


def _svg(*, css_class: str, title: str, summary: str, body: str) -> SafeString:
    label = escape(summary or title)
    # Safe: every text is escaped; the rest is numbers and fixed words.
    return mark_safe(
        f'<svg class="chart {escape(css_class)}" role="img" aria-label="{label}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _empty(note: str) -> SafeString:
    return mark_safe(f'<p class="empty chart-empty">{escape(note)}</p>')


def _axis(*, top_value: int, bottom_value: int, left_label: str, right_label: str) -> str:
    """Value labels at the top and bottom of the plot, and time labels under its ends."""
    return (
        f'<line class="chart-axis" x1="{_LEFT}" y1="{_BASE}" x2="{WIDTH - 4}" y2="{_BASE}"/>'
        f'<text class="chart-label" x="{_LEFT - 6}" y="{_TOP + 8}" text-anchor="end">'
        f"{top_value:,}</text>"
        f'<text class="chart-label" x="{_LEFT - 6}" y="{_BASE}" text-anchor="end">'
        f"{bottom_value:,}</text>"
        f'<text class="chart-label" x="{_LEFT}" y="{HEIGHT - 4}">{escape(left_label)}</text>'
        f'<text class="chart-label" x="{WIDTH - 4}" y="{HEIGHT - 4}" text-anchor="end">'
        f"{escape(right_label)}</text>"
    )


def line_chart(
    *, points: Sequence[tuple[date, int]], title: str, summary: str, css_class: str = ""
) -> SafeString:
    """A line of `points` (day, value; oldest first) placed by date, scaled between the
    smallest and largest value (both labelled). Fewer than two points render the "not
    enough history yet" note instead."""
    if len(points) < 2:
        return _empty(NOT_ENOUGH_HISTORY)
    first_day, last_day = points[0][0], points[-1][0]
    days = max((last_day - first_day).days, 1)
    values = [max(int(value), 0) for _, value in points]
    low, high = min(values), max(values)
    spread = max(high - low, 1)
    coordinates = " ".join(
        f"{_LEFT + (day - first_day).days * _PLOT_WIDTH // days},"
        f"{_BASE - (value - low) * _PLOT_HEIGHT // spread}"
        for (day, _), value in zip(points, values, strict=True)
    )
    body = (
        _axis(
            top_value=high,
            bottom_value=low,
            left_label=month_label(first_day),
            right_label=month_label(last_day),
        )
        + f'<polyline class="chart-line" points="{coordinates}"/>'
    )
    return _svg(
        css_class=f"chart-line-chart {css_class}".strip(), title=title, summary=summary, body=body
    )


def bar_chart(
    *,
    bars: Sequence[Bar],
    title: str,
    summary: str,
    part_classes: Sequence[str] = ("chart-bar",),
    empty_note: str = "No data.",
) -> SafeString:
    """Bars scaled so the tallest touches the top, labelled under the first and last bar.

    No bars renders `empty_note` instead (all-zero bars are drawn: they are data)."""
    if not bars:
        return _empty(empty_note)
    totals = [sum(max(part, 0) for part in bar.parts) for bar in bars]
    peak = max(totals) or 1
    slot = _PLOT_WIDTH / len(bars)
    width = max(int(slot) - 1, 1)
    shapes: list[str] = []
    for index, bar in enumerate(bars):
        x = _LEFT + int(index * slot)
        bottom = _BASE
        rects: list[str] = []
        for part_index, part in enumerate(bar.parts):
            height = max(part, 0) * _PLOT_HEIGHT // peak
            if not height:
                continue
            css = part_classes[min(part_index, len(part_classes) - 1)]
            rects.append(
                f'<rect class="{escape(css)}" x="{x}" y="{bottom - height}" '
                f'width="{width}" height="{height}"/>'
            )
            bottom -= height
        shapes.append(f"<g><title>{escape(bar.detail)}</title>{''.join(rects)}</g>")
    body = _axis(
        top_value=max(totals), bottom_value=0, left_label=bars[0].label, right_label=bars[-1].label
    ) + "".join(shapes)
    return _svg(css_class="chart-bar-chart", title=title, summary=summary, body=body)
