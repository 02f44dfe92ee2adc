"""Template tags of the grid editor. Load with `{% load grid_tags %}`."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString

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
