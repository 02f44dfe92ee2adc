"""Views of verified maintainers: the public maintainer page of a package, claiming it
through GitHub, the maintainer's powers, staff revoking claims and deciding delisting
requests.

Every state change is a POST with CSRF. A maintainer action first confirms the claim
(`get_claim_for_maintainer`, which asks GitHub again when the last confirmation is stale):
someone who is not, or no longer, the maintainer gets a 403 with the reason, and a 503
when GitHub cannot confirm the rights now; nothing changes in either case.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from packagegrid.catalog.models import Package
from packagegrid.catalog.moderation_services import FlagAlreadyResolved
from packagegrid.fetchers.refresh import RefreshRefused
from packagegrid.lib.redirects import safe_next
from packagegrid.maintainers.github import GitHubUnavailable
from packagegrid.maintainers.selectors import delisting_list_open, maintainer_page
from packagegrid.maintainers.services import (
    ClaimRefused,
    DelistingRefused,
    NotAMaintainer,
    delisting_request_create,
    delisting_request_resolve,
    maintainer_claim,
    maintainer_claim_revoke,
    maintainer_flag_answer,
    maintainer_refresh,
    package_deprecate,
    package_mark_finished,
)
from packagegrid.web.community_forms import FlagDecisionForm, ToggleForm
from packagegrid.web.limits import rate_limit
from packagegrid.web.maintainer_forms import DelistingForm, DeprecateForm, FlagAnswerForm
from packagegrid.web.permissions import (
    get_claim_for_maintainer,
    get_claim_for_revoker,
    get_delisting_for_reviewer,
    get_flag_for_maintainer,
    get_package_for_member,
    login_first,
    staff_user,
)

CLAIMS_PER_HOUR = 10
MAINTAINER_ACTIONS_PER_HOUR = 60
UNAVAILABLE = "GitHub cannot confirm your rights on the repository right now; try again later."


def _refused(request: HttpRequest, slug: str, message: str, status: int) -> HttpResponse:
    context = {"slug": slug, "message": message}
    return render(request, "web/maintainer_refused.html", context, status=status)


def _maintainer_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POST only, logged in, rate limited; a refusal of the claim is shown with its reason
    (403), GitHub being unreachable as a 503."""

    @require_POST
    @login_first
    @rate_limit("maintainer-action", limit=MAINTAINER_ACTIONS_PER_HOUR)
    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, slug, *args, **kwargs)
        except PermissionDenied as refused:
            return _refused(request, slug, str(refused), 403)
        except GitHubUnavailable:
            return _refused(request, slug, UNAVAILABLE, 503)

    return wrapped


def _back(slug: str) -> HttpResponse:
    return redirect("package-maintainers", slug=slug)


@require_safe
def package_maintainers(request: HttpRequest, slug: str) -> HttpResponse:
    """Who maintains the package, what their claims allowed them to do, and, for the
    viewer, the claim button or the maintainer's tools."""
    package = Package.objects.filter(slug=slug).first()
    if package is None:
        raise Http404("No such package.")
    page = maintainer_page(package=package, viewer=request.user)
    context = {"page": page, "package": package, "deprecate_form": DeprecateForm()}
    return render(request, "web/package_maintainers.html", context)


@require_POST
@login_first
@rate_limit("maintainer-claim", limit=CLAIMS_PER_HOUR)
def package_claim(request: HttpRequest, slug: str) -> HttpResponse:
    package, user = get_package_for_member(request, slug)
    try:
        claim = maintainer_claim(package=package, user=user)
    except ClaimRefused as refused:
        return _refused(request, slug, str(refused), 403)
    except GitHubUnavailable:
        return _refused(request, slug, UNAVAILABLE, 503)
    messages.success(
        request, f"You are a verified maintainer of {package.title} (@{claim.github_login})."
    )
    return _back(slug)


@_maintainer_action
def package_finished(request: HttpRequest, slug: str) -> HttpResponse:
    claim, user = get_claim_for_maintainer(request, slug)
    form = ToggleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected on=on or on=off.")
    package = package_mark_finished(claim=claim, user=user, finished=form.cleaned_data["on"])
    state = "finished" if package.finished else "no longer finished"
    messages.success(request, f"{package.title} is marked {state}.")
    return _back(slug)


@_maintainer_action
def package_deprecate_view(request: HttpRequest, slug: str) -> HttpResponse:
    claim, user = get_claim_for_maintainer(request, slug)
    form = DeprecateForm(request.POST)
    if not form.is_valid():
        errors = form.errors.get("replacement") or ["Bad input."]
        return HttpResponseBadRequest("; ".join(str(error) for error in errors))
    try:
        package = package_deprecate(
            claim=claim, user=user, replacement=form.cleaned_data["replacement"]
        )
    except ValidationError as invalid:
        return HttpResponseBadRequest("; ".join(invalid.messages))
    if package.replaced_by is None:
        messages.success(request, f"{package.title} is not marked deprecated.")
    else:
        messages.success(
            request, f"{package.title} is marked deprecated, replaced by {package.replaced_by}."
        )
    return _back(slug)


@_maintainer_action
def package_flag_answer(request: HttpRequest, slug: str, flag_id: int) -> HttpResponse:
    flag, claim, user = get_flag_for_maintainer(request, slug, flag_id)
    form = FlagAnswerForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected decision=approve or decision=reject, a short note.")
    try:
        maintainer_flag_answer(
            claim=claim, user=user, flag=flag, approve=form.approve, note=form.cleaned_data["note"]
        )
    except FlagAlreadyResolved as resolved:
        messages.warning(request, str(resolved))
    else:
        messages.success(request, "Your answer to the flag is recorded.")
    return _back(slug)


@_maintainer_action
def package_delisting(request: HttpRequest, slug: str) -> HttpResponse:
    claim, user = get_claim_for_maintainer(request, slug)
    form = DelistingForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Give a reason of at most 2000 characters.")
    try:
        delisting_request_create(claim=claim, user=user, reason=form.cleaned_data["reason"])
    except DelistingRefused as refused:
        messages.warning(request, str(refused))
    else:
        messages.success(request, "Staff will review your delisting request.")
    return _back(slug)


@_maintainer_action
def package_maintainer_refresh(request: HttpRequest, slug: str) -> HttpResponse:
    claim, user = get_claim_for_maintainer(request, slug)
    try:
        maintainer_refresh(claim=claim, user=user)
    except RefreshRefused as refused:
        messages.warning(request, str(refused))
    else:
        messages.success(request, "A refresh is on its way.")
    return _back(slug)


@require_POST
@login_first
def package_claim_revoke(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    """Staff revoke a verified claim; 403 for everyone else."""
    claim, user = get_claim_for_revoker(request, slug, claim_id)
    try:
        maintainer_claim_revoke(claim=claim, user=user)
    except NotAMaintainer as refused:
        messages.warning(request, str(refused))
    else:
        messages.success(request, f"The claim of @{claim.github_login} is revoked.")
    return _back(slug)


@require_safe
@login_first
def moderation_delistings(request: HttpRequest) -> HttpResponse:
    staff_user(request)
    queue = delisting_list_open(page_number=request.GET.get("page", ""))
    return render(
        request, "web/moderation_delistings.html", {"queue": queue, "page_obj": queue.page}
    )


@require_POST
@login_first
def moderation_delisting_resolve(request: HttpRequest, request_id: int) -> HttpResponse:
    delisting, user = get_delisting_for_reviewer(request, request_id)
    form = FlagDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected decision=approve or decision=reject.")
    try:
        delisting_request_resolve(request=delisting, user=user, approve=form.approve)
    except DelistingRefused as refused:
        messages.warning(request, str(refused))
    else:
        verdict = "delisted" if form.approve else "kept listed"
        messages.success(request, f"{delisting.package_title} is {verdict}.")
    return redirect(safe_next(request, default=reverse("moderation-delistings")))
