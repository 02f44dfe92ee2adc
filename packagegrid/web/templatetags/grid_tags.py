"""Template tags of the grid editor. Load with `{% load grid_tags %}`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from packagegrid.grids.selectors import ComparisonColumn, ComparisonRow, GridCell
from packagegrid.web.grid_cells import CellLinks, cell_content, cell_label, feature_row_cells

register = template.Library()


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
