"""Views that change packages: add, edit, and the edit history with staff revert.

Adding is two steps. The person pastes a repository URL; the first step (`step=check`)
normalises it and either shows the package that already lists it or the form pre-filled
with guesses. htmx runs that step as they type or paste and swaps in the details; without
JavaScript the "Continue" button posts the same step. The second step creates.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from packagegrid.catalog.forms import PackageAddForm, PackageEditForm, RepoURLForm
from packagegrid.catalog.history_services import EditConflict, RevertRefused
from packagegrid.catalog.models import Package
from packagegrid.catalog.review_services import FIELD_LABELS
from packagegrid.catalog.selectors import package_add_guess, package_history
from packagegrid.catalog.services import (
    DuplicateRepository,
    package_create,
    package_edit_revert,
)
from packagegrid.grids.models import Grid
from packagegrid.lib.htmx import HtmxHttpRequest
from packagegrid.maintainers.services import package_update_as_editor
from packagegrid.web.conflicts import edit_conflict
from packagegrid.web.limits import rate_limit
from packagegrid.web.permissions import (
    get_package_edit_for_reverter,
    get_package_for_editor,
    grids_for_package_adder,
    login_first,
    signed_in_user,
)

ADDS_PER_HOUR = 20
EDITS_PER_HOUR = 60
REVERTS_PER_HOUR = 120

_ADD_TEMPLATE = "web/package_add.html"
_ADD_DETAILS_TEMPLATE = "web/includes/package_add_details.html"


@login_first
@require_http_methods(["GET", "HEAD", "POST"])
def package_add(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the empty form (`?grid=<slug>` pre-selects a grid). POST `step=check`: check
    the URL and pre-fill; any other POST: create the package."""
    grids = grids_for_package_adder(signed_in_user(request))
    if request.method != "POST":
        grid_slug = request.GET.get("grid", "")
        grid = grids.filter(slug=grid_slug).first() if grid_slug else None
        grid_value = str(grid.pk) if grid else ""
        return _render_add(request, stage="empty", form=RepoURLForm(), grid_value=grid_value)
    if request.POST.get("step") == "check":
        return _package_add_check(request, grids)
    return _package_add_create(request, grids)


def _package_add_check(request: HtmxHttpRequest, grids: QuerySet[Grid]) -> HttpResponse:
    """Normalise the URL, then show the package listing it or the pre-filled details."""
    form = RepoURLForm(request.POST)
    grid_value = request.POST.get("grid", "")
    if not form.is_valid():
        # Nothing typed yet is no mistake: show no error while the field is empty.
        stage = "url" if request.POST.get("repo_url", "").strip() else "empty"
        return _render_add(request, stage=stage, form=form, grid_value=grid_value)
    guess = package_add_guess(repo=form.repo)
    if guess.existing is not None:
        return _render_add(
            request, stage="duplicate", form=form, existing=guess.existing, grid_value=grid_value
        )
    # Keep what the person already chose; the URL decides the rest.
    kept = {name: request.POST.get(name, "") for name in ("category", "documentation_url")}
    details = PackageAddForm(
        grids=grids,
        initial={
            **kept,
            "grid": grid_value,
            "repo_url": guess.repo_url,
            "title": guess.title,
            "slug": guess.slug,
            "pypi_name": guess.pypi_name,
        },
    )
    return _render_add(request, stage="details", form=details)


@rate_limit("package-add", limit=ADDS_PER_HOUR)
def _package_add_create(request: HtmxHttpRequest, grids: QuerySet[Grid]) -> HttpResponse:
    form = PackageAddForm(request.POST, grids=grids)
    if form.is_valid():
        try:
            package = package_create(**form.service_kwargs(), created_by=signed_in_user(request))
        except DuplicateRepository as duplicate:
            form.duplicate = duplicate.package
            form.add_service_error(duplicate)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, f"Added {package.title}. Its data is being fetched and appears shortly."
            )
            return redirect(package)
    if form.duplicate is not None:
        grid_value = request.POST.get("grid", "")
        return _render_add(
            request, stage="duplicate", form=form, existing=form.duplicate, grid_value=grid_value
        )
    return _render_add(request, stage="details", form=form)


def _render_add(
    request: HtmxHttpRequest,
    *,
    stage: str,
    form: RepoURLForm | PackageAddForm,
    existing: Package | None = None,
    grid_value: str = "",
) -> HttpResponse:
    """The add page, or for htmx only the details it swaps in below the URL field.

    `stage`: "empty" or "url" (the URL alone, with its errors for "url"), "duplicate"
    (the package already listing it), "details" (the pre-filled form). `grid_value` (a
    grid id) is carried through the steps before the grid can be chosen.
    """
    context = {"stage": stage, "form": form, "existing": existing, "grid_value": grid_value}
    if request.htmx:
        return render(request, _ADD_DETAILS_TEMPLATE, context)
    return render(request, _ADD_TEMPLATE, context)


@login_first
@require_http_methods(["GET", "HEAD", "POST"])
def package_edit(request: HttpRequest, slug: str) -> HttpResponse:
    package, _ = get_package_for_editor(request, slug)
    if request.method == "POST":
        return _package_edit_save(request, package)
    form = PackageEditForm(package=package)
    return render(request, "web/package_edit.html", {"package": package, "form": form})


@rate_limit("package-edit", limit=EDITS_PER_HOUR)
def _package_edit_save(request: HttpRequest, package: Package) -> HttpResponse:
    form = PackageEditForm(request.POST, package=package)
    conflict = None
    if form.is_valid():
        try:
            # A verified maintainer's change is saved without review.
            result = package_update_as_editor(
                package=package, user=signed_in_user(request), **form.service_kwargs()
            )
        except DuplicateRepository as duplicate:
            form.duplicate = duplicate.package
            form.add_service_error(duplicate)
        except ValidationError as error:
            form.add_service_error(error)
        except EditConflict as edit:
            current = edit.current
            if not isinstance(current, Package):
                raise Http404("This package was deleted meanwhile.") from None
            conflict = edit_conflict(
                form, current=PackageEditForm(package=current).initial, version=current.version
            )
        else:
            updated, pending = result.package, result.pending
            if pending is None:
                messages.success(request, f"Saved your changes to {updated.title}.")
            else:
                held = " and ".join(FIELD_LABELS[name] for name in sorted(pending.changes))
                messages.info(
                    request,
                    f"Saved. Your change to the {held} of {updated.title} waits for review by "
                    "staff: it takes effect once approved.",
                )
            return redirect(updated)
    context = {"package": package, "form": form, "conflict": conflict}
    return render(request, "web/package_edit.html", context)


@require_safe
def package_history_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Every recorded edit of a package, newest first (anyone may read it)."""
    package = Package.objects.filter(slug=slug).first()
    if package is None:
        raise Http404("No such package.")
    history = package_history(package=package, page_number=request.GET.get("page", ""))
    context = {"package": package, "history": history, "page_obj": history.page}
    return render(request, "web/package_history.html", context)


@require_POST
@rate_limit("package-revert", limit=REVERTS_PER_HOUR)
def package_revert(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    """Staff undo one update of a package; 403 for everyone else."""
    record, user = get_package_edit_for_reverter(request, slug, record_id)
    try:
        package_edit_revert(record=record, user=user)
    except (RevertRefused, ValidationError) as refused:
        text = "; ".join(refused.messages) if isinstance(refused, ValidationError) else refused
        messages.warning(request, f"This change cannot be reverted: {text}")
    else:
        messages.success(request, "The change was reverted.")
    return redirect("package-history", slug=slug)
