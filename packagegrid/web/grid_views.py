"""Views of the grids: the list, the grid page with its editor, and the grid's history.

Every change is a POST with CSRF that calls one service. With htmx (the `HX-Request`
header) a change answers with the part of the page it changed: the grid body (tools and
table) or one cell. Without JavaScript every form posts normally and is answered with a
redirect back to the grid page, so the editor works either way. Deleting and removing
ask first: htmx with `hx-confirm`, plain links through a confirmation page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from packagegrid.catalog.history_services import EditConflict, RevertRefused
from packagegrid.grids import selectors as grid_selectors
from packagegrid.grids.forms import AddPackageForm, ElementForm, FeatureForm, GridForm, search_text
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.grids.selectors import (
    GRID_COMPARISON_SORTS,
    GridCell,
    grid_cell,
    grid_comparison,
    grid_history,
    grid_history_records,
    grid_package_candidates,
)
from packagegrid.grids.services import (
    element_set,
    feature_create,
    feature_delete,
    feature_update,
    grid_add_package,
    grid_create,
    grid_delete,
    grid_edit_revert,
    grid_remove_package,
    grid_set_locked,
    grid_update,
)
from packagegrid.lib.htmx import HtmxHttpRequest
from packagegrid.watching.selectors import grid_for_page
from packagegrid.web.conflicts import edit_conflict, edit_values
from packagegrid.web.grid_cells import CellLinks
from packagegrid.web.limits import rate_limit
from packagegrid.web.permissions import (
    can_edit_grid,
    get_feature_for_editor,
    get_grid_for_editor,
    get_grid_for_staff,
    get_grid_package_for_editor,
    login_first,
    signed_in_user,
)

GRIDS_PER_HOUR = 20  # new grids per person
GRID_EDITS_PER_HOUR = 600  # packages, features and cells: a big grid takes many edits
MAX_GRID_QUERY_LENGTH = 200
GET_OR_POST = ["GET", "HEAD", "POST"]


def _param(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "")


def _sort(request: HttpRequest) -> str:
    """The grid page's sort, carried by the editor's forms so a change keeps the order."""
    sort = request.POST.get("sort") or request.GET.get("sort") or ""
    return sort if sort in GRID_COMPARISON_SORTS else ""


def _grid_url(grid: Grid, sort: str = "", anchor: str = "") -> str:
    query = f"?{urlencode({'sort': sort})}" if sort else ""
    return f"{grid.get_absolute_url()}{query}{'#' + anchor if anchor else ''}"


def _grid_context(request: HttpRequest, *, grid: Grid, **extra: Any) -> dict[str, Any]:
    """What the grid page and its body need: the comparison (three queries) and, for
    people who may edit, the editor's forms and the cells' links (no query)."""
    comparison = grid_comparison(grid=grid, sort=_sort(request))
    editable = can_edit_grid(request.user, grid)
    return {
        "grid": grid,
        "comparison": comparison,
        "sorts": GRID_COMPARISON_SORTS,
        "can_edit": editable,
        "links": CellLinks.for_grid(grid.slug) if editable else None,
        "feature_form": FeatureForm(auto_id="new-feature-%s"),
        **extra,
    }


def _grid_body(request: HttpRequest, grid: Grid, **extra: Any) -> HttpResponse:
    return render(request, "web/grids/_grid_body.html", _grid_context(request, grid=grid, **extra))


# Sent (HX-Trigger) when the grid's packages changed: the package search above the grid
# body listens for it and runs again, so its list never offers a package already added.
PACKAGES_CHANGED_EVENT = "grid-packages-changed"


def _changed(
    request: HtmxHttpRequest, grid: Grid, message: str, *, packages_changed: bool = False
) -> HttpResponse:
    """After a change: htmx gets the grid body again, a plain POST goes back to the page."""
    if request.htmx:
        response = _grid_body(request, grid, notice=message)
        if packages_changed:
            response["HX-Trigger"] = PACKAGES_CHANGED_EVENT
        return response
    messages.success(request, message)
    return redirect(_grid_url(grid, _sort(request)))


def _refused(request: HtmxHttpRequest, grid: Grid, message: str) -> HttpResponse:
    """Bad input that has no form to show it in: nothing changed, say why."""
    if request.htmx:
        return _grid_body(request, grid, notice=message, notice_is_error=True)
    messages.error(request, message)
    return redirect(_grid_url(grid, _sort(request)))


def _first_error(form: AddPackageForm) -> str:
    return str(next(iter(form.errors.values()))[0])


@require_safe
def grid_list(request: HttpRequest) -> HttpResponse:
    sort = _param(request, "sort")
    if sort not in grid_selectors.GRID_SORTS:
        sort = grid_selectors.DEFAULT_GRID_SORT
    query = _param(request, "q").strip()[:MAX_GRID_QUERY_LENGTH]
    context = {
        "grids": grid_selectors.grid_list(sort=sort, query=query),
        "sort": sort,
        "sorts": grid_selectors.GRID_SORTS,
        "query": query,
    }
    return render(request, "web/grid_list.html", context)


@require_safe
def grid_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        grid = grid_for_page(slug=slug, viewer=request.user)
    except Grid.DoesNotExist:
        raise Http404("No such grid.") from None
    return render(request, "web/grid_detail.html", _grid_context(request, grid=grid))


@login_first
@require_http_methods(GET_OR_POST)
@rate_limit("grid-create", limit=GRIDS_PER_HOUR)
def grid_add(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = GridForm(request.POST) if request.method == "POST" else GridForm()
    if form.is_valid():
        try:
            grid = grid_create(user=user, **edit_values(form)[0])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Created the grid “{grid.title}”: now add packages.")
            return redirect(grid)
    return render(request, "web/grids/grid_form.html", {"form": form, "grid": None})


@login_first
@require_http_methods(GET_OR_POST)
@rate_limit("grid-edit", limit=GRID_EDITS_PER_HOUR)
def grid_edit(request: HttpRequest, slug: str) -> HttpResponse:
    grid, user = get_grid_for_editor(request, slug)
    if request.method == "POST":
        form = GridForm(request.POST, grid=grid)
    else:
        form = GridForm(grid=grid, initial=_grid_initial(grid))
    conflict = None
    if form.is_valid():
        values, version = edit_values(form)
        try:
            grid_update(grid=grid, user=user, expected_version=version, **values)
        except ValidationError as error:
            form.add_error(None, error)
        except EditConflict as edit:
            current = _current(edit, Grid)
            conflict = edit_conflict(form, current=_grid_initial(current), version=current.version)
        else:
            messages.success(request, "Saved the grid.")
            return redirect(grid)
    context = {"form": form, "grid": grid, "conflict": conflict}
    return render(request, "web/grids/grid_form.html", context)


def _current[Versioned: (Grid, Feature, Element)](
    conflict: EditConflict, model: type[Versioned]
) -> Versioned:
    """The object a conflicting save met, as saved now; 404 when it was deleted."""
    if not isinstance(conflict.current, model):
        raise Http404(f"This {model._meta.verbose_name} was deleted meanwhile.")
    return conflict.current


def _grid_initial(grid: Grid) -> dict[str, Any]:
    return {
        "title": grid.title,
        "slug": grid.slug,
        "description": grid.description,
        "version": grid.version,
    }


@login_first
@require_POST
def grid_lock(request: HttpRequest, slug: str) -> HttpResponse:
    grid, user = get_grid_for_staff(request, slug)
    is_locked = request.POST.get("is_locked") == "1"
    grid_set_locked(grid=grid, is_locked=is_locked, user=user)
    done = "Locked the grid: only staff can edit it now." if is_locked else "Unlocked the grid."
    messages.success(request, done)
    return redirect(grid)


@login_first
@require_http_methods(GET_OR_POST)
def grid_delete_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    grid, user = get_grid_for_staff(request, slug)
    if request.method == "POST":
        grid_delete(grid=grid, user=user)
        messages.success(request, f"Deleted the grid “{grid.title}”.")
        return redirect("grids")
    return render(
        request,
        "web/grids/confirm.html",
        {
            "grid": grid,
            "title": f"Delete the grid “{grid.title}”?",
            "warning": "Its features and cells are deleted with it; the packages stay.",
            "action": reverse("grid-delete", kwargs={"slug": grid.slug}),
            "button": "Delete grid",
        },
    )


@require_safe
def grid_history_page(request: HttpRequest, slug: str) -> HttpResponse:
    grid = get_object_or_404(Grid, slug=slug)
    history = grid_history(grid=grid, page_number=_param(request, "page"))
    context = {"grid": grid, "history": history, "page_obj": history.page}
    return render(request, "web/grids/history.html", context)


@login_first
@require_POST
def grid_revert(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    grid, user = get_grid_for_staff(request, slug)
    record = grid_history_records(grid=grid).filter(pk=record_id).first()
    if record is None:
        raise Http404("No such edit of this grid.")
    try:
        cells = grid_edit_revert(grid=grid, record=record, user=user)
    except (RevertRefused, ValidationError) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"Could not revert this edit: {text}")
    else:
        done = "Reverted the edit." if cells is None else f"Restored it with {cells} cell(s)."
        messages.success(request, done)
    grid.refresh_from_db(fields=["slug"])  # a reverted slug moves the page
    return redirect("grid-history", slug=grid.slug)


@login_first
@require_http_methods(GET_OR_POST)
@rate_limit("grid-edit", limit=GRID_EDITS_PER_HOUR)
def grid_package_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the packages not yet in the grid that match `q` (type-ahead); POST: add one."""
    grid, user = get_grid_for_editor(request, slug)
    if request.method != "POST":
        query = search_text(_param(request, "q"))
        context = {
            "grid": grid,
            "query": query,
            "candidates": grid_package_candidates(grid=grid, query=query),
            "sort": _sort(request),
        }
        partial = "web/grids/_package_results.html" if request.htmx else None
        return render(request, partial or "web/grids/package_add.html", context)
    form = AddPackageForm(request.POST)
    if not form.is_valid():
        return _refused(request, grid, _first_error(form))
    package = form.cleaned_data["package"]
    try:
        grid_add_package(grid=grid, package=package, user=user)
    except ValidationError as error:
        return _refused(request, grid, error.messages[0])
    return _changed(request, grid, f"Added {package.title} to the grid.", packages_changed=True)


@login_first
@require_http_methods(GET_OR_POST)
@rate_limit("grid-edit", limit=GRID_EDITS_PER_HOUR)
def grid_package_remove(request: HtmxHttpRequest, slug: str, package_slug: str) -> HttpResponse:
    link, user = get_grid_package_for_editor(request, slug, package_slug)
    grid, package = link.grid, link.package
    if request.method == "POST":
        grid_remove_package(grid_package=link, user=user)
        message = f"Removed {package.title} from the grid."
        return _changed(request, grid, message, packages_changed=True)
    action = reverse(
        "grid-package-remove", kwargs={"slug": grid.slug, "package_slug": package.slug}
    )
    return render(
        request,
        "web/grids/confirm.html",
        {
            "grid": grid,
            "title": f"Remove {package.title} from “{grid.title}”?",
            "warning": "Its cells in this grid are deleted; the package itself stays.",
            "action": action,
            "button": "Remove package",
            "sort": _sort(request),
        },
    )


@login_first
@require_http_methods(GET_OR_POST)
@rate_limit("grid-edit", limit=GRID_EDITS_PER_HOUR)
def grid_feature_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    grid, user = get_grid_for_editor(request, slug)
    data = request.POST if request.method == "POST" else None
    form = FeatureForm(data, auto_id="new-feature-%s")
    if form.is_valid():
        feature = feature_create(grid=grid, user=user, **edit_values(form)[0])
        return _changed(request, grid, f"Added the feature “{feature.title}”.")
    if request.htmx and form.is_bound:
        return _grid_body(request, grid, feature_form=form)
    context = {"grid": grid, "form": form, "feature": None, "sort": _sort(request)}
    return render(request, "web/grids/feature_form.html", context)


@login_first
@require_http_methods(GET_OR_POST)
@rate_limit("grid-edit", limit=GRID_EDITS_PER_HOUR)
def grid_feature_edit(request: HtmxHttpRequest, slug: str, feature_id: int) -> HttpResponse:
    feature, user = get_feature_for_editor(request, slug, feature_id)
    grid, auto_id = feature.grid, f"feature-{feature.pk}-%s"
    if request.method == "POST":
        form = FeatureForm(request.POST, auto_id=auto_id)
    else:
        form = FeatureForm(initial=_feature_initial(feature), auto_id=auto_id)
    conflict = None
    if form.is_valid():
        values, version = edit_values(form)
        try:
            feature_update(feature=feature, user=user, expected_version=version, **values)
        except EditConflict as edit:
            current = _current(edit, Feature)
            initial = _feature_initial(current)
            conflict = edit_conflict(form, current=initial, version=current.version)
        else:
            return _changed(request, grid, f"Saved the feature “{feature.title}”.")
    context = {
        "grid": grid,
        "form": form,
        "feature": feature,
        "sort": _sort(request),
        "conflict": conflict,
    }
    if request.htmx and form.is_bound:
        return _grid_body(
            request, grid, editing_feature=feature.pk, editing_form=form, conflict=conflict
        )
    if request.htmx:
        return render(request, "web/grids/_feature_form.html", context)
    return render(request, "web/grids/feature_form.html", context)


def _feature_initial(feature: Feature) -> dict[str, Any]:
    return {"title": feature.title, "description": feature.description, "version": feature.version}


@login_first
@require_http_methods(GET_OR_POST)
@rate_limit("grid-edit", limit=GRID_EDITS_PER_HOUR)
def grid_feature_delete(request: HtmxHttpRequest, slug: str, feature_id: int) -> HttpResponse:
    feature, user = get_feature_for_editor(request, slug, feature_id)
    grid = feature.grid
    if request.method == "POST":
        feature_delete(feature=feature, user=user)
        return _changed(request, grid, f"Deleted the feature “{feature.title}”.")
    action = reverse("grid-feature-delete", kwargs={"slug": grid.slug, "feature_id": feature.pk})
    return render(
        request,
        "web/grids/confirm.html",
        {
            "grid": grid,
            "title": f"Delete the feature “{feature.title}”?",
            "warning": "Its cells, for every package in the grid, are deleted with it.",
            "action": action,
            "button": "Delete feature",
            "sort": _sort(request),
        },
    )


def _cell(
    request: HttpRequest, slug: str, package_id: int, feature_id: int
) -> tuple[GridCell, User]:
    grid, user = get_grid_for_editor(request, slug)
    try:
        return grid_cell(grid=grid, package_id=package_id, feature_id=feature_id), user
    except (GridPackage.DoesNotExist, Feature.DoesNotExist):
        raise Http404("No such cell in this grid.") from None


@login_first
@require_safe
def grid_cell_detail(
    request: HtmxHttpRequest, slug: str, package_id: int, feature_id: int
) -> HttpResponse:
    """The cell as the table shows it (htmx: "Cancel" in the cell's form)."""
    cell, _user = _cell(request, slug, package_id, feature_id)
    if not request.htmx:
        return redirect(_grid_url(cell.feature.grid, anchor=f"cell-{package_id}-{feature_id}"))
    return _render_cell(request, cell)


def _render_cell(request: HttpRequest, cell: GridCell) -> HttpResponse:
    links = CellLinks.for_grid(cell.feature.grid.slug)
    return render(request, "web/grids/_cell.html", {"cell": cell, "links": links})


@login_first
@require_http_methods(GET_OR_POST)
@rate_limit("grid-edit", limit=GRID_EDITS_PER_HOUR)
def grid_cell_edit(
    request: HtmxHttpRequest, slug: str, package_id: int, feature_id: int
) -> HttpResponse:
    cell, user = _cell(request, slug, package_id, feature_id)
    auto_id = f"cell-{package_id}-{feature_id}-%s"
    if request.method == "POST":
        form = ElementForm(request.POST, auto_id=auto_id)
    else:
        form = ElementForm(initial={"text": cell.text, "version": cell.version}, auto_id=auto_id)
    grid = cell.feature.grid
    conflict = None
    if form.is_valid():
        values, version = edit_values(form)
        text = values["text"]
        try:
            element_set(
                grid_package=cell.grid_package,
                feature=cell.feature,
                text=text,
                user=user,
                expected_version=version,
            )
        except EditConflict as edit:
            current = _current(edit, Element)
            conflict = edit_conflict(form, current={"text": current.text}, version=current.version)
        else:
            saved = replace(cell, text=text)
            if request.htmx:
                return _render_cell(request, saved)
            messages.success(request, "Saved the cell.")
            return redirect(_grid_url(grid, anchor=f"cell-{package_id}-{feature_id}"))
    links = CellLinks.for_grid(grid.slug)
    context = {"grid": grid, "cell": cell, "form": form, "links": links, "conflict": conflict}
    template = "web/grids/_cell_form.html" if request.htmx else "web/grids/cell_form.html"
    return render(request, template, context)
