"""The ad-hoc comparison `/compare/<slug>,<slug>[,...]/`: any packages side by side.

`/compare/` itself is where the compare tray's form goes: `?p=<slug>&p=<slug>` redirects to
the comparison's address, so it works without JavaScript too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from packagegrid.grids.selectors import COMPARE_MAX_PACKAGES, package_comparison


def _parse_slugs(text: str) -> list[str]:
    """The comma-separated slugs, stripped, without empties or repeats, in order."""
    return list(dict.fromkeys(slug.strip() for slug in text.split(",") if slug.strip()))


@require_safe
def compare_picked(request: HttpRequest) -> HttpResponse:
    """`?p=a&p=b` (the ticked "compare" boxes) redirects to `/compare/a,b/`; with none
    ticked, the page explains how to pick packages."""
    # A slug holds no slash: a value with one names no package and cannot go in the path.
    picked = [slug for slug in _parse_slugs(",".join(request.GET.getlist("p"))) if "/" not in slug]
    if picked:
        return HttpResponseRedirect(reverse("compare", args=[",".join(picked)]))
    return render(request, "web/compare.html", {"limit": COMPARE_MAX_PACKAGES, "picking": True})


@require_safe
def compare(request: HttpRequest, slugs: str) -> HttpResponse:
    """The packages named in the URL, in that order; 400 for none or too many, 404 when
    none of them exists."""
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
    comparison = package_comparison(slugs=wanted)
    context = {"comparison": comparison, "limit": COMPARE_MAX_PACKAGES}
    return render(request, "web/compare.html", context, status=200 if comparison.columns else 404)
