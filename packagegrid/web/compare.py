"""The ad-hoc comparison `/compare/<slug>,<slug>[,...]/`: any packages side by side."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from packagegrid.grids.selectors import COMPARE_MAX_PACKAGES, package_comparison


def _parse_slugs(text: str) -> list[str]:
    """The comma-separated slugs, stripped, without empties or repeats, in order."""
    return list(dict.fromkeys(slug.strip() for slug in text.split(",") if slug.strip()))


@require_safe
def compare(request: HttpRequest, slugs: str) -> HttpResponse:
    """The packages named in the URL, in that order; 400 for none or too many."""
    wanted = _parse_slugs(slugs)
    if not wanted or len(wanted) > COMPARE_MAX_PACKAGES:
        error = (
            f"A comparison shows at most {COMPARE_MAX_PACKAGES} packages; "
            f"this address names {len(wanted)}. Remove some and try again."
            if wanted
            else "Name the packages to compare, separated by commas: /compare/a,b,c/."
        )
        context = {"error": error, "limit": COMPARE_MAX_PACKAGES}
        return render(request, "web/compare.html", context, status=400)
    context = {"comparison": package_comparison(slugs=wanted), "limit": COMPARE_MAX_PACKAGES}
    return render(request, "web/compare.html", context)
