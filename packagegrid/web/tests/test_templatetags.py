"""Sparklines, grid cells and supported-release runs."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from packagegrid.web.templatetags.grid_tags import release_spans
from packagegrid.web.templatetags.packagegrid import (
    cell,
    clip,
    compare_pick,
    lifecycle_badge,
    number,
    sparkline,
    time_ago,
    when,
)


def test_it_draws_a_sparkline_from_integers_with_a_label() -> None:
    svg = sparkline([0, 3, 1] + [0] * 49)
    assert svg.startswith('<svg class="sparkline" role="img"')
    assert 'aria-label="4 commits in the last 52 weeks"' in svg
    assert "<title>4 commits in the last 52 weeks</title>" in svg
    points = re.search(r'<polyline class="sparkline-line" points="([^"]+)"', svg)
    assert points is not None
    assert re.fullmatch(r"(\d+,\d+ ?)+", points.group(1))
    assert len(points.group(1).split()) == 52


def test_it_says_one_commit_in_the_singular() -> None:
    assert 'aria-label="1 commit in the last 52 weeks"' in sparkline([1])


@pytest.mark.parametrize("values", [[], None, "", "1,2,3"])
def test_it_notes_missing_data(values: list[Any] | str | None) -> None:
    assert sparkline(values) == '<span class="sparkline-empty">No commit data</span>'


def test_it_ignores_junk_in_the_counts() -> None:
    svg = sparkline(["<script>", None, 2, True, -5, 1.7])
    assert "<script>" not in svg
    assert 'aria-label="3 commits in the last 52 weeks"' in svg


def test_it_draws_all_zeros_as_a_flat_line() -> None:
    assert 'aria-label="0 commits in the last 52 weeks"' in sparkline([0] * 52)


@pytest.mark.parametrize("text", ["+", "yes", "Yes", " YES ", "✓"])
def test_it_renders_yes_shorthand(text: str) -> None:
    html = cell(text)
    assert "mark-yes" in html
    assert '<span class="visually-hidden">Yes</span>' in html


@pytest.mark.parametrize("text", ["-", "no", "NO", "✗"])
def test_it_renders_no_shorthand(text: str) -> None:
    html = cell(text)
    assert "mark-no" in html
    assert '<span class="visually-hidden">No</span>' in html


def test_it_escapes_other_text_and_keeps_line_breaks() -> None:
    assert cell("<b>yes</b>\nmaybe") == "&lt;b&gt;yes&lt;/b&gt;<br>maybe"
    assert cell("yes please") == "yes please"
    assert cell(None) == ""


def test_it_shows_a_placeholder_for_a_missing_time() -> None:
    assert when(None) == '<span class="muted">Never</span>'
    assert when("", empty="Unknown") == '<span class="muted">Unknown</span>'


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=59), "59 minutes ago"),
        (timedelta(hours=2), "2 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=13), "13 days ago"),
        (timedelta(days=20), "2 weeks ago"),
        (timedelta(days=90), "3 months ago"),
        (timedelta(days=800), "2 years ago"),
        (timedelta(days=-3), "2026-06-04"),
    ],
)
def test_it_says_how_long_ago(delta: timedelta, text: str) -> None:
    assert time_ago(NOW - delta, NOW) == text


def test_it_wraps_a_time_in_a_time_element() -> None:
    html = when(datetime(2020, 1, 2, 3, 4, tzinfo=UTC))
    assert html.startswith('<time datetime="2020-01-02T03:04:00+00:00" title="2020-01-02 03:04">')
    assert html.endswith(" years ago</time>")


def test_it_formats_numbers_with_separators() -> None:
    assert number(1234567) == "1,234,567"
    assert number(0) == "0"
    assert number("") == "0"
    assert number(None) == "0"


def test_it_clips_long_text() -> None:
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 9 + "…"
    assert clip(None, 5) == ""


def test_release_spans_link_each_end_of_a_run_to_its_readiness_page() -> None:
    html = release_spans("python", [("3.8", "3.8"), ("3.10", "3.13")])
    assert html == (
        '<a href="/readiness/python/3.8/">3.8</a>, <a href="/readiness/python/3.10/">3.10</a>'
        ' \N{EN DASH} <a href="/readiness/python/3.13/">3.13</a>'
    )
    assert release_spans("django", []) == '<span class="muted">None declared</span>'


def test_release_spans_escape_what_they_show() -> None:
    html = release_spans("django", [("<b>", "<b>")])
    assert "<b>" not in html
    assert html == '<a href="/readiness/django/&lt;b&gt;/">&lt;b&gt;</a>'


def test_it_draws_lifecycle_badges_with_warning_colours_past_stable() -> None:
    assert lifecycle_badge("active", "Active") == (
        '<span class="badge lifecycle-badge" data-lifecycle="active">Active</span>'
    )
    assert lifecycle_badge("abandoned", "<Abandoned>") == (
        '<span class="badge badge-warn lifecycle-badge" data-lifecycle="abandoned">'
        "&lt;Abandoned&gt;</span>"
    )


def test_it_escapes_the_compare_box_of_a_package() -> None:
    box = compare_pick("a-slug", 'Say "hi" <b>')
    assert 'value="a-slug"' in box
    assert 'data-compare="Say &quot;hi&quot; &lt;b&gt;"' in box
    assert '<span class="visually-hidden"> Say &quot;hi&quot; &lt;b&gt;</span>' in box
