"""Template tags of the grid editor. Load with `{% load grid_tags %}`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from html import escape as html_escape

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from packagegrid.grids.models import Grid
from packagegrid.grids.selectors import ComparisonColumn, ComparisonRow, GridCell
from packagegrid.lib.urls import url_maker
from packagegrid.web.grid_cells import CellLinks, cell_content, cell_label, feature_row_cells
from packagegrid.web.templatetags.packagegrid import (
    clip,
    compare_pick,
    lifecycle_badge,
    number,
    sparkline,
    when,
)

register = template.Library()


def escape(value: object) -> str:
    """Django's escape() without its lazy-string wrapper, which costs as much as the
    escaping itself when a table escapes thousands of values (the same output)."""
    return html_escape(str(value))


@register.simple_tag
def feature_cells(
    row: ComparisonRow, columns: Sequence[ComparisonColumn], links: CellLinks | None
) -> SafeString:
    """The <td>s of a feature row, editable when `links` is given."""
    return feature_row_cells(row=row, columns=columns, links=links)


@register.simple_tag
def editable_cell(grid_cell: GridCell, links: CellLinks, autofocus: bool = False) -> SafeString:
    """The content of one editable cell (its text and edit link)."""
    return cell_content(
        text=grid_cell.text,
        links=links,
        package_id=grid_cell.grid_package.package_id,
        feature_id=grid_cell.feature.pk,
        label=cell_label(
            feature_title=grid_cell.feature.title,
            package_title=grid_cell.grid_package.package.title,
        ),
        autofocus=autofocus,
    )


_DASH = " \N{EN DASH} "


@cache
def _readiness_prefix(script_prefix: str, product: str) -> str:
    """The readiness pages' prefix, "/readiness/<product>/": one reverse() per product
    (and script prefix)."""
    return reverse("readiness-release", args=[product, "0.0"]).removesuffix("0.0/")


@register.simple_tag
def release_spans(product: str, spans: Sequence[tuple[str, str]]) -> SafeString:
    """Supported releases as runs, a run's ends joined by an en dash ("3.2, 4.2 to 5.2"),
    each end linking to its readiness page; "None declared" when there is none.

    Built here rather than with `{% url %}`: a 25-package grid has up to 200 of these
    links, and a reverse() each costs more than the rest of the row."""
    if not spans:
        return mark_safe('<span class="muted">None declared</span>')
    prefix = _readiness_prefix(get_script_prefix(), product)

    def link(version: str) -> str:
        shown = escape(version)
        return f'<a href="{prefix}{shown}/">{shown}</a>'

    runs = [
        link(first) if first == last else f"{link(first)}{_DASH}{link(last)}"
        for first, last in spans
    ]
    # Safe: the prefix comes from reverse() and every version is escaped.
    return mark_safe(", ".join(runs))


def _row(title: str, cells: Iterable[str]) -> str:
    return (
        f'\n      <tr class="standard">\n        <th scope="row">{title}</th>\n        '
        f"{''.join(cells)}\n      </tr>"
    )


def _latest_release_cell(column: ComparisonColumn) -> str:
    release = column.latest_release
    if release:
        html = f'<span class="version">{escape(release.version)}</span>'
        if release.yanked:
            html += ' <span class="badge badge-warn">Yanked</span>'
        if release.uploaded:
            html += f'<br><span class="muted small">{when(release.uploaded)}</span>'
        return html
    if column.pypi and column.pypi.latest_version:
        return f'<span class="version">{escape(column.pypi.latest_version)}</span>'
    return '<span class="muted">Unknown</span>'


@register.simple_tag
def comparison_standard_rows(columns: Sequence[ComparisonColumn]) -> SafeString:
    """The standard rows of a comparison table (the grid page and /compare/), built in
    Python: 14 rows of a 25-package grid are 350 cells, whose template tags, lookups and
    per-cell `{% url %}` cost more than the rest of the page. The URL of the health rules
    is reversed once per table."""
    rules_url = url_maker("package-rules")
    health_cells, lifecycle_cells = [], []
    for column in columns:
        health = column.health
        if health:
            url = escape(rules_url(column.package.slug))
            health_cells.append(f'<td class="num"><a href="{url}">{health.score}</a></td>')
            badge = lifecycle_badge(health.lifecycle, health.get_lifecycle_display())
            reason = escape(health.lifecycle_reason)
            lifecycle_cells.append(
                f'<td>{badge}<span class="lifecycle-reason">{reason}</span></td>'
            )
        else:
            health_cells.append('<td class="num"><span class="muted">Not scored</span></td>')
            lifecycle_cells.append('<td><span class="muted">Unknown</span></td>')
    repos = [column.repo for column in columns]
    rows = [
        _row(
            "Description",
            (f'<td class="text">{escape(clip(c.description, 240))}</td>' for c in columns),
        ),
        _row("Category", (f"<td>{escape(c.package.category.title)}</td>" for c in columns)),
        _row("Health", health_cells),
        _row("Lifecycle", lifecycle_cells),
        _row("Django", (f"<td>{release_spans('django', c.django)}</td>" for c in columns)),
        _row("Python", (f"<td>{release_spans('python', c.python)}</td>" for c in columns)),
        _row("Stars", (f'<td class="num">{number(r.stars if r else None)}</td>' for r in repos)),
        _row("Forks", (f'<td class="num">{number(r.forks if r else None)}</td>' for r in repos)),
        _row(
            "Last commit",
            (f"<td>{when(r.last_commit_at if r else None, empty='Unknown')}</td>" for r in repos),
        ),
        _row(
            "Commits, 52 weeks",
            (
                f"<td>{sparkline(r.commits_over_52 if r else None, width=110, height=28)}</td>"
                for r in repos
            ),
        ),
        _row("Latest release", (f"<td>{_latest_release_cell(c)}</td>" for c in columns)),
        _row("License", (f"<td>{escape(c.license or 'Unknown')}</td>" for c in columns)),
        _row(
            "Downloads, last month",
            (
                f'<td class="num">{number(c.downloads.last_month)}</td>'
                if c.downloads
                else '<td class="num"><span class="muted">Unknown</span></td>'
                for c in columns
            ),
        ),
        _row("Users", (f'<td class="num">{number(c.package.usage)}</td>' for c in columns)),  # type: ignore[attr-defined]  # annotated
    ]
    # Safe: every value from the database is escaped above or comes from a tag that escapes.
    return mark_safe("".join(rows))


@register.simple_tag
def comparison_head(
    columns: Sequence[ComparisonColumn], grid_slug: str, sort: str, can_edit: bool
) -> SafeString:
    """The package <th>s of a grid's table, built in Python (the same markup as a
    template loop, with one `reverse()` for the package pages and, for editors, one for
    the remove links)."""
    package_url = url_maker("package")
    remove_url_of = (
        url_maker("grid-package-remove", arg="package_slug", slug=grid_slug) if can_edit else None
    )
    cells = []
    for column in columns:
        package = column.package
        title = escape(package.title)
        html = (
            f'\n        <th scope="col"><a href="{escape(package_url(package.slug))}">{title}</a>'
        )
        if column.repo and column.repo.archived:
            html += ' <span class="badge badge-warn">archived</span>'
        if package.replaced_by_id:
            html += ' <span class="badge badge-warn">deprecated</span>'
        if column.advisories:
            html += ' <a class="badge badge-warn" href="#advisories">advisory</a>'
        html += f"\n          {compare_pick(package.slug, package.title)}"
        if remove_url_of is not None:
            remove_url = escape(remove_url_of(package.slug))
            html += (
                f'\n          <a class="row-action danger-link" href="{remove_url}"'
                f' hx-post="{remove_url}" hx-vals=\'{{"sort": "{escape(sort)}"}}\''
                f' hx-confirm="Remove {title} from this grid? Its cells here are deleted."'
                ' hx-target="#grid-body" hx-swap="outerHTML">Remove<span'
                f' class="visually-hidden"> {title}</span></a>'
            )
        cells.append(f"{html}</th>\n        ")
    # Safe: the URLs come from reverse() with quoted slugs, every other value is escaped.
    return mark_safe("".join(cells))


@register.simple_tag
def grid_rows(grids: Iterable[Grid]) -> SafeString:
    """The rows of the grids list (web/grid_list.html), built in Python: the same markup
    as a template loop over 300 grids, with one `reverse()` for the whole table. Each
    grid has `package_count` annotated (`grid_list`)."""
    grid_url = url_maker("grid")
    rows = []
    for grid in grids:
        url = escape(grid_url(grid.slug))
        locked = ' <span class="badge">Locked</span>' if grid.is_locked else ""
        description = (
            f'<p class="description">{escape(clip(grid.description, 200))}</p>'
            if grid.description
            else ""
        )
        count = number(grid.package_count)  # type: ignore[attr-defined]  # annotated
        rows.append(
            f'\n    <tr>\n      <th scope="row" class="package-cell">\n'
            f'        <a class="package-title" href="{url}">{escape(grid.title)}</a>{locked}\n'
            f"        {description}\n      </th>\n"
            f'      <td class="num" data-label="Packages">{count}</td>\n'
            f'      <td data-label="Last modified">{when(grid.modified)}</td>\n    </tr>\n    '
        )
    # Safe: the URLs come from reverse() with quoted slugs, every other value is escaped.
    return mark_safe("".join(rows))
