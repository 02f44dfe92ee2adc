"""Pages about the site itself."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from packagegrid.grids.selectors import COMPARE_MAX_PACKAGES


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    """What the site is, where its numbers come from, the API and feeds, how to help."""
    return render(request, "web/about.html", {"compare_max": COMPARE_MAX_PACKAGES})
