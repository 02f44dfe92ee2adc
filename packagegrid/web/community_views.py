"""Views of community actions and moderation: "I use this", favorites, flags, and the
staff pages that resolve flags, review held changes and delete packages.

Every state change is a POST with CSRF. The toggles answer htmx with the re-rendered
button (and the package page's user count, out of band) and everyone else with a
redirect back, so they work without JavaScript.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from packagegrid.catalog.community_selectors import favorite_count, usage_count
from packagegrid.catalog.community_services import favorite_toggle, usage_toggle
from packagegrid.catalog.models import Package
from packagegrid.catalog.moderation_selectors import flag_list_open, pending_change_list_open
from packagegrid.catalog.moderation_services import (
    FlagAlreadyResolved,
    FlagRefused,
    flag_create,
    flag_resolve,
    package_delete,
)
from packagegrid.catalog.review_services import PendingChangeRefused, pending_change_resolve
from packagegrid.lib.htmx import HtmxHttpRequest
from packagegrid.lib.redirects import safe_next
from packagegrid.web.community_forms import FlagDecisionForm, FlagForm, ToggleForm
from packagegrid.web.limits import rate_limit
from packagegrid.web.permissions import (
    get_flag_for_moderator,
    get_package_for_deleter,
    get_package_for_member,
    get_pending_change_for_reviewer,
    login_first,
    staff_user,
)

TOGGLES_PER_HOUR = 120
FLAGS_PER_HOUR = 10


def _toggled(
    request: HtmxHttpRequest, *, package: Package, template: str, on: bool, count: int, done: str
) -> HttpResponse:
    """htmx gets the button again; a plain form post goes back where it came from."""
    if request.htmx:
        context = {"package": package, "on": on, "count": count, "swap_oob": True}
        return render(request, template, context)
    messages.success(request, done)
    return redirect(safe_next(request, default=package.get_absolute_url()))


@require_POST
@login_first
@rate_limit("community-toggle", limit=TOGGLES_PER_HOUR)
def package_usage(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    package, user = get_package_for_member(request, slug)
    form = ToggleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected on=on or on=off.")
    on = usage_toggle(package=package, user=user, on=form.cleaned_data["on"])
    done = f"You use {package.title}." if on else f"You no longer use {package.title}."
    return _toggled(
        request,
        package=package,
        template="web/includes/usage_toggle.html",
        on=on,
        count=usage_count(package=package),
        done=done,
    )


@require_POST
@login_first
@rate_limit("community-toggle", limit=TOGGLES_PER_HOUR)
def package_favorite(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    package, user = get_package_for_member(request, slug)
    form = ToggleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected on=on or on=off.")
    on = favorite_toggle(package=package, user=user, on=form.cleaned_data["on"])
    done = f"{package.title} is {'now' if on else 'no longer'} one of your favorites."
    return _toggled(
        request,
        package=package,
        template="web/includes/favorite_toggle.html",
        on=on,
        count=favorite_count(package=package),
        done=done,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_first
@rate_limit("flag", limit=FLAGS_PER_HOUR)
def package_flag(request: HttpRequest, slug: str) -> HttpResponse:
    package, user = get_package_for_member(request, slug)
    form = FlagForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            flag_create(package=package, user=user, **form.cleaned_data)
        except FlagRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Thank you. Staff will review your report.")
            return redirect(package)
    status = 400 if form.errors else 200
    return render(
        request, "web/package_flag.html", {"package": package, "form": form}, status=status
    )


@require_safe
@login_first
def moderation_flags(request: HttpRequest) -> HttpResponse:
    staff_user(request)
    queue = flag_list_open(page_number=request.GET.get("page", ""))
    return render(request, "web/moderation_flags.html", {"queue": queue, "page_obj": queue.page})


@require_POST
@login_first
def moderation_flag_resolve(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag, user = get_flag_for_moderator(request, flag_id)
    form = FlagDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected decision=approve or decision=reject.")
    try:
        flag_resolve(flag=flag, user=user, approve=form.approve)
    except FlagAlreadyResolved as resolved:
        messages.warning(request, str(resolved))
    else:
        verdict = "approved" if form.approve else "rejected"
        messages.success(request, f"Flag on {flag.package.title} {verdict}.")
    return redirect(safe_next(request, default=reverse("moderation-flags")))


@require_safe
@login_first
def moderation_changes(request: HttpRequest) -> HttpResponse:
    staff_user(request)
    queue = pending_change_list_open(page_number=request.GET.get("page", ""))
    context = {"queue": queue, "page_obj": queue.page, "trusted_edits": settings.TRUSTED_EDITS}
    return render(request, "web/moderation_changes.html", context)


@require_POST
@login_first
def moderation_change_resolve(request: HttpRequest, change_id: int) -> HttpResponse:
    change, user = get_pending_change_for_reviewer(request, change_id)
    form = FlagDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected decision=approve or decision=reject.")
    try:
        pending_change_resolve(change=change, user=user, approve=form.approve)
    except (PendingChangeRefused, ValidationError) as refused:  # duplicates included
        text = "; ".join(refused.messages) if isinstance(refused, ValidationError) else refused
        messages.warning(request, f"Nothing changed: {text}")
    else:
        verdict = "approved and applied" if form.approve else "rejected"
        messages.success(request, f"Change to {change.package.title} {verdict}.")
    return redirect(safe_next(request, default=reverse("moderation-changes")))


@require_http_methods(["GET", "HEAD", "POST"])
@login_first
def package_delete_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    package, user = get_package_for_deleter(request, slug)
    if request.method != "POST":
        return render(request, "web/package_delete.html", {"package": package})
    title = package.title
    package_delete(package=package, user=user)
    messages.success(request, f"Deleted {title}.")
    return redirect("packages")
