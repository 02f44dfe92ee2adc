"""Pages about the site itself."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from packagegrid.grids.selectors import COMPARE_MAX_PACKAGES


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    """What the site is, where its numbers come from, the API and feeds, how to help."""
    return render(request, "web/about.html", {"compare_max": COMPARE_MAX_PACKAGES})


@require_safe
def llms_txt(request: HttpRequest) -> HttpResponse:
    """`/llms.txt`: the site, its API, feeds and MCP server described for language
    models, in the llmstxt.org format (no query)."""
    context = {"site": settings.SITE_URL, "compare_max": COMPARE_MAX_PACKAGES}
    return render(request, "web/llms.txt", context, content_type="text/plain; charset=utf-8")
