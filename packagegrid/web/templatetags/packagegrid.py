"""Template helpers: commit sparklines, grid cells with ✓/✗ shorthand, times.

Load with `{% load packagegrid %}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from packagegrid.catalog.models import Package
from packagegrid.catalog.page_selectors import ListRow, list_row
from packagegrid.health.models import Lifecycle
from packagegrid.lib.markup import render_markdown
from packagegrid.lib.urls import route_path, url_maker

register = template.Library()


@register.simple_tag
def route(name: str) -> str:
    """`{% route "packages" %}`: the path `{% url "packages" %}` gives, for a route
    without arguments, reversed once per process instead of on every render
    (`packagegrid.lib.urls.route_path`)."""
    return route_path(name)


# Cell text (stripped, case-folded) that reads as a plain yes or no.
YES_TEXTS = frozenset({"+", "yes", "✓"})
NO_TEXTS = frozenset({"-", "no", "✗"})
# The mark is hidden from screen readers, which read the word instead.
_YES_MARK = mark_safe(
    '<span class="mark mark-yes" aria-hidden="true">✓</span>'
    '<span class="visually-hidden">Yes</span>'
)
_NO_MARK = mark_safe(
    '<span class="mark mark-no" aria-hidden="true">✗</span><span class="visually-hidden">No</span>'
)

# The sparkline is drawn in a fixed integer coordinate space and stretched by CSS/SVG to
# the requested size, so every coordinate written into the markup is an int.
_STEP = 10
_HEIGHT = 100


def _as_count(value: object) -> int:
    """A non-negative int from a stored weekly count; anything unexpected counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return max(int(value), 0)


@register.simple_tag
def sparkline(
    values: object, width: int = 120, height: int = 28, noun: str = "commit"
) -> SafeString:
    """An inline SVG line of weekly counts (oldest first) with an accessible label.

    The line is scaled so the busiest week touches the top; `width`/`height` set the
    drawn size. `noun` names what is counted: commits (over 52 weeks, the default) or
    "download" (over as many weeks as given). `values` that is not a non-empty list
    renders a "No commit data" (or download) note.
    """
    if noun not in ("commit", "download"):
        noun = "commit"
    if not isinstance(values, list | tuple) or not values:
        return mark_safe(f'<span class="sparkline-empty">No {noun} data</span>')
    # Stored counts are ints; anything else (never expected) is read as 0.
    if all(type(value) is int and value >= 0 for value in values):
        counts = list(values)
    else:
        counts = [_as_count(value) for value in values]
    total = sum(counts)
    peak = max(counts) or 1
    if len(counts) == 1:
        counts = counts * 2  # one week still draws as a flat line
    last_x = _STEP * (len(counts) - 1)
    scale = _HEIGHT - 4
    points = " ".join(
        f"{index * _STEP},{_HEIGHT - 2 - count * scale // peak}"
        for index, count in enumerate(counts)
    )
    if noun == "commit":
        label = f"{total} commit{'' if total == 1 else 's'} in the last 52 weeks"
    else:
        weeks = len(values)
        label = f"{total:,} {noun}{'' if total == 1 else 's'} in the last {weeks} whole weeks"
    svg = (
        f'<svg class="sparkline" role="img" aria-label="{label}" width="{int(width)}" '
        f'height="{int(height)}" viewBox="0 0 {last_x} {_HEIGHT}" preserveAspectRatio="none">'
        f"<title>{label}</title>"
        f'<polygon class="sparkline-area" points="0,{_HEIGHT} {points} {last_x},{_HEIGHT}"/>'
        f'<polyline class="sparkline-line" points="{points}" '
        f'vector-effect="non-scaling-stroke"/></svg>'
    )
    # Safe: only ints and the fixed label above go into this markup.
    return mark_safe(svg)


@register.filter
def cell(text: object) -> SafeString:
    """A grid cell: ✓ for "+"/"yes"/"✓", ✗ for "-"/"no"/"✗", else the text as safe
    inline Markdown (raw HTML is shown as text; links are http(s)/mailto only).

    Text that starts with ✓ or ✗ and goes on ("✓ since 2.0") gets the mark, then the
    rest. Line breaks in the text become <br>.
    """
    value = "" if text is None else str(text)
    shorthand = value.strip().casefold()
    if shorthand in YES_TEXTS:
        return _YES_MARK
    if shorthand in NO_TEXTS:
        return _NO_MARK
    mark = _LEADING_MARKS.get(shorthand[:1])
    if mark is not None and shorthand[1:2].isspace():
        # Safe: a fixed mark and sanitised Markdown.
        return mark_safe(f"{mark} {_inline_markdown(value.strip()[1:].strip())}")
    return _inline_markdown(value)


_LEADING_MARKS = {"✓": _YES_MARK, "✗": _NO_MARK}


def _inline_markdown(value: str) -> SafeString:
    # Soft line breaks come out as "\n" and hard ones as "<br>\n": both show as one <br>.
    html = render_markdown(value, inline=True).replace("<br>\n", "\n").replace("\n", "<br>")
    # Safe: render_markdown's output is sanitised by nh3.
    return mark_safe(html)


@register.filter
def markdown(text: object) -> SafeString:
    """`text` as safe Markdown blocks (paragraphs, lists, links; raw HTML shown as text)."""
    # Safe: render_markdown's output is sanitised by nh3.
    return mark_safe(render_markdown("" if text is None else str(text)))


def time_ago(moment: datetime, now: datetime) -> str:
    """ "3 days ago", "2 months ago": one unit, rounded down; the date when in the future.

    Written out here rather than with humanize's naturaltime, which goes through the
    translation machinery and costs ~100 µs a call: too much for a 300-row list.
    """
    seconds = int((now - moment).total_seconds())
    if seconds < 0:
        return moment.strftime("%Y-%m-%d")
    if seconds < 60:
        return "just now"
    days = seconds // 86400
    for size, unit, count in (
        (3600, "minute", seconds // 60),
        (86400, "hour", seconds // 3600),
        (14 * 86400, "day", days),
        (61 * 86400, "week", days // 7),
        (365 * 86400, "month", days // 30),
    ):
        if seconds < size:
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    years = days // 365
    return f"{years} year{'' if years == 1 else 's'} ago"


@register.simple_tag
def when(moment: object, empty: str = "Never") -> SafeString:
    """A <time> showing "3 days ago", with the date as machine-readable and hover text.

    Anything but a datetime (None, or "" for a missing related record) shows `empty`.
    """
    if not isinstance(moment, datetime):
        return format_html('<span class="muted">{}</span>', empty)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.get_current_timezone())
    ago = time_ago(moment, timezone.now())
    # Safe: ISO dates, digits and fixed words only (format_html costs a third of the tag).
    return mark_safe(
        f'<time datetime="{moment.isoformat()}" title="{moment:%Y-%m-%d %H:%M}">{ago}</time>'
    )


@register.filter
def number(value: object) -> str:
    """An int with thousands separators ("12,345"); 0 for a missing value.

    A cheaper stand-in for humanize's intcomma, which goes through number formatting
    and localisation on every call.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        return "0"
    return f"{value:,}"


@register.filter
def clip(value: object, length: int) -> str:
    """`value` cut to at most `length` characters, ending in "…" when cut.

    A cheaper stand-in for truncatechars (whose Truncator handles combining characters
    we do not need to care about in one-line descriptions). Autoescaping still applies.
    """
    text = "" if value is None else str(value)
    if len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"


@register.simple_tag
def lifecycle_badge(lifecycle: object, label: object) -> SafeString:
    """A lifecycle badge: `lifecycle` (the state, e.g. "abandoned") and `label` (its
    name); warning colours for every state but active and stable. Inline, no whitespace."""
    warn = "" if lifecycle in ("active", "stable") else " badge-warn"
    # Safe: both values are escaped.
    return mark_safe(
        f'<span class="badge{warn} lifecycle-badge" data-lifecycle="{escape(lifecycle)}">'
        f"{escape(label)}</span>"
    )


@register.simple_tag
def compare_pick(slug: object, title: object) -> SafeString:
    """A "Compare" box for the package `slug` called `title`; js/compare.js keeps the
    ticked ones in the tray."""
    title = escape(title)
    # Safe: both values are escaped.
    return mark_safe(
        f'<label class="compare-pick"><input type="checkbox" name="p" value="{escape(slug)}"'
        f' form="compare-form" data-compare="{title}"> Compare'
        f'<span class="visually-hidden"> {title}</span></label>'
    )


@register.simple_tag
def package_rows(packages: Iterable[Package | ListRow]) -> SafeString:
    """The rows of a package table (web/includes/package_table.html), built in Python.

    Each is a list row read from the search index (`page_selectors.ListRow`: the lists),
    or a package with its category, fetched data and health joined and, optionally,
    `usage` annotated (a profile's lists). The same markup as a template per row, without
    its per-row includes, variable lookups and URL reversing: one `reverse()` for the
    whole table.
    """
    package_url = url_maker("package")
    rows = [
        _package_row(package if isinstance(package, dict) else list_row(package), package_url)
        for package in packages
    ]
    # Safe: every value from the database goes through escape() in _package_row.
    return mark_safe("".join(rows))


# The marker's tooltip wherever an unreviewed package is named (package rows, search).
_DISCOVERED_TITLE = "Found on PyPI by discovery; not yet reviewed"

_LIFECYCLE_LABELS: dict[str, str] = {value: str(label) for value, label in Lifecycle.choices}


def _package_row(row: ListRow, package_url: Callable[[str], str]) -> str:
    lifecycle = row["health_lifecycle"]
    title = escape(row["title"])
    url = escape(package_url(row["slug"]))
    badges = ""
    # Until the next recompute, the stored lifecycle may not say it yet.
    if row["archived"] and lifecycle not in ("archived", "deprecated"):
        badges += '<span class="badge badge-warn">archived</span>'
    if row["deprecated"] and lifecycle != "deprecated":
        badges += '<span class="badge badge-warn">deprecated</span>'
    if not row["reviewed"]:
        badges += f'<span class="badge" title="{_DISCOVERED_TITLE}">auto-discovered</span>'
    description = row["description"] or row["summary"]
    if description:
        description = f'\n        <p class="description">{escape(clip(description, 200))}</p>'
    score = row["health_score"]
    if score is not None:
        badge = lifecycle_badge(lifecycle, _LIFECYCLE_LABELS.get(lifecycle, lifecycle))
        health = f'<span class="health-chip">{score}</span> {badge}'
    else:
        health = '<span class="muted">Not scored</span>'
    return (
        f'\n    <tr>\n      <th scope="row" class="package-cell">\n'
        f'        <a class="package-title" href="{url}">{title}</a>{badges}\n'
        f"        {compare_pick(row['slug'], row['title'])}{description}\n"
        f"      </th>\n"
        f'      <td class="num" data-label="Health">{health}</td>\n'
        f'      <td class="num" data-label="Stars">{number(row["stars"])}</td>\n'
        f'      <td class="num" data-label="Forks">{number(row["forks"])}</td>\n'
        f'      <td class="num" data-label="Users">{number(row["usage"])}</td>\n'
        f'      <td data-label="Last commit">'
        f"{when(row['last_commit_at'], empty='Unknown')}</td>\n"
        f'      <td data-label="Commits, 52 weeks">'
        f"{sparkline(row['commits_over_52'])}</td>\n"
        f"    </tr>"
    )
