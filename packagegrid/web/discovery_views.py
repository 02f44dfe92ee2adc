"""The review queue of packages discovery listed: staff and trusted editors accept,
reject or merge them (POST with CSRF, recorded in the history)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from packagegrid.discovery.selectors import discovery_review_queue
from packagegrid.discovery.services import (
    DiscoveryAlreadyReviewed,
    discovery_accept,
    discovery_merge,
    discovery_reject,
)
from packagegrid.lib.redirects import safe_next
from packagegrid.web.community_forms import DiscoveryDecisionForm
from packagegrid.web.permissions import (
    discovery_reviewer,
    get_discovered_package_for_reviewer,
    login_first,
)


@require_safe
@login_first
def moderation_discovered(request: HttpRequest) -> HttpResponse:
    discovery_reviewer(request)
    queue = discovery_review_queue(page_number=request.GET.get("page", ""))
    context = {"queue": queue, "page_obj": queue.page, "trusted_edits": settings.TRUSTED_EDITS}
    return render(request, "web/moderation_discovered.html", context)


@require_POST
@login_first
def moderation_discovered_decide(request: HttpRequest, slug: str) -> HttpResponse:
    package, user = get_discovered_package_for_reviewer(request, slug)
    form = DiscoveryDecisionForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(f"Nothing changed: {errors}")
    title, decision = package.title, form.cleaned_data["decision"]
    try:
        if decision == "accept":
            discovery_accept(package=package, user=user)
        elif decision == "reject":
            discovery_reject(package=package, user=user)
        else:
            discovery_merge(package=package, into=form.cleaned_data["into"], user=user)
    except DiscoveryAlreadyReviewed as done:
        messages.warning(request, str(done))
    else:
        verb = {"accept": "accepted", "reject": "rejected", "merge": "merged"}[decision]
        messages.success(request, f"{title} {verb}.")
    return redirect(safe_next(request, default=reverse("moderation-discovered")))
