"""The API's pages for people: the overview at `/api/`, Swagger UI and Redoc.

Swagger UI and Redoc are served from the static files of drf-spectacular-sidecar, with no
CDN, and started by `js/api-docs.js`: no page has inline script.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

# Redoc styles itself by inserting <style> elements (styled-components) and runs its
# search index in a worker made from a blob: URL. The page shows only the schema, no data
# that people write, so its policy allows both; scripts stay restricted to our own files.
# Images only from the site: Redoc's "powered by" logo on its CDN is blocked, so the page
# makes no request elsewhere.
REDOC_CSP: dict[str, Any] = {
    **settings.SECURE_CSP,
    "img-src": [CSP.SELF, "data:"],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],
}


@require_safe
def api_home(request: HttpRequest) -> HttpResponse:
    """What API v3, v4 and v5 are for, with links to the docs and the schema."""
    return render(request, "api/home.html")


@require_safe
def swagger_ui(request: HttpRequest) -> HttpResponse:
    """Swagger UI over `/api/schema/`: every operation, with "Try it out"."""
    return render(request, "api/swagger_ui.html")


@require_safe
@csp_override(REDOC_CSP)
def redoc(request: HttpRequest) -> HttpResponse:
    """Redoc over `/api/schema/`: the reference as one long page."""
    return render(request, "api/redoc.html")
