"""The feature cells of the grid page, as HTML built in Python.

A grid of 50 packages and 20 features has 1,000 cells; rendering each through a
template include (and a `reverse()` for its edit link) costs several milliseconds, so
a row's cells are built here in one pass. The URLs are made from one `reverse()` per
page (see `CellLinks`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from packagegrid.grids.selectors import ComparisonColumn, ComparisonRow
from packagegrid.web.templatetags.packagegrid import cell

_SAMPLE_SUFFIX = "1/2/"


class CellLinks:
    """The URLs of one grid's cells: `cells/<package id>/<feature id>/` and its `edit/`.

    Also keeps, per page, each column's package id and escaped title, so that a row's
    cells are built without escaping the same titles again on every row.
    """

    __slots__ = ("_columns", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix  # "/grids/<slug>/cells/"
        self._columns: list[tuple[int, str]] | None = None

    @classmethod
    def for_grid(cls, slug: str) -> CellLinks:
        sample = reverse("grid-cell", kwargs={"slug": slug, "package_id": 1, "feature_id": 2})
        assert sample.endswith(_SAMPLE_SUFFIX), sample
        return cls(prefix=sample.removesuffix(_SAMPLE_SUFFIX))

    def view_url(self, package_id: int, feature_id: int) -> str:
        return f"{self.prefix}{int(package_id)}/{int(feature_id)}/"

    def edit_url(self, package_id: int, feature_id: int) -> str:
        return f"{self.prefix}{int(package_id)}/{int(feature_id)}/edit/"

    def columns(self, columns: Sequence[ComparisonColumn]) -> list[tuple[int, str]]:
        """(package id, escaped title) of each column, worked out once per page."""
        if self._columns is None or len(self._columns) != len(columns):
            self._columns = [(int(c.package.pk), escape(c.package.title)) for c in columns]
        return self._columns


def _cell_html(*, text: str, url: str, label: str, autofocus: bool = False) -> str:
    # Safe once marked: `cell` sanitises the text, `label` is escaped by the callers,
    # the URL holds a slug from reverse() and two ints.
    focus = " autofocus" if autofocus else ""
    return (
        f'{cell(text)}<a class="cell-edit" href="{url}" hx-get="{url}"{focus} '
        f'hx-target="closest td" hx-swap="innerHTML">'
        f'<span class="cell-edit-icon" aria-hidden="true">✎</span>'
        f'<span class="visually-hidden">Edit {label}</span></a>'
    )


def cell_content(
    *,
    text: str,
    links: CellLinks,
    package_id: int,
    feature_id: int,
    label: str,
    autofocus: bool = False,
) -> SafeString:
    """What an editable cell holds: the rendered text and its edit link.

    `label` is the escaped "<feature> for <package>" that names the link for screen
    readers. Without JavaScript the link opens the cell's edit page; with htmx it
    swaps the cell's form into the cell. CSS stretches the link over the whole cell,
    so clicking anywhere in the cell edits it. With `autofocus` (a cell just saved or
    cancelled) htmx gives the link the keyboard focus back.
    """
    url = links.edit_url(package_id, feature_id)
    return mark_safe(_cell_html(text=text, url=url, label=label, autofocus=autofocus))


def cell_label(*, feature_title: str, package_title: str) -> str:
    """The escaped words that name a cell: "<feature> for <package>"."""
    return f"{escape(feature_title)} for {escape(package_title)}"


def feature_row_cells(
    *, row: ComparisonRow, columns: Sequence[ComparisonColumn], links: CellLinks | None
) -> SafeString:
    """The <td>s of one feature row; with `links` (the person may edit) each is editable."""
    if links is None:
        return mark_safe("".join(f'<td class="text">{cell(text)}</td>' for text in row.cells))
    feature_id = int(row.feature.pk)
    feature_title = escape(row.feature.title)
    prefix = links.prefix
    parts = [
        f'<td class="text cell" id="cell-{package_id}-{feature_id}">'
        + _cell_html(
            text=text,
            url=f"{prefix}{package_id}/{feature_id}/edit/",
            label=f"{feature_title} for {package_title}",
        )
        + "</td>"
        for (package_id, package_title), text in zip(links.columns(columns), row.cells, strict=True)
    ]
    # Safe: every part is built above from safe pieces.
    return mark_safe("".join(parts))
