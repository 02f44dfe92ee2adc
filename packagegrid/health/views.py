"""Readiness pages: the releases of Django, Python and Wagtail, and per release the
packages that are ready, with the requirements checker on each page. A package's health
breakdown (its rules page) and the page documenting the health formula."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from packagegrid.catalog.models import Package
from packagegrid.health import model, selectors
from packagegrid.health.forms import RequirementsForm
from packagegrid.health.models import Product
from packagegrid.health.releases import PRODUCTS, known_releases


@require_safe
def readiness_index(request: HttpRequest) -> HttpResponse:
    products = [
        (Product(product).label, product, list(reversed(known_releases(product))))
        for product in PRODUCTS
    ]
    today = timezone.localdate()
    return render(request, "health/readiness_index.html", {"products": products, "today": today})


# POST only because a pasted list can be long; it changes nothing (and carries CSRF).
@require_http_methods(["GET", "HEAD", "POST"])
def readiness_release(request: HttpRequest, product: str, version: str) -> HttpResponse:
    try:
        page = selectors.readiness_page(
            product=product,
            version=version,
            page=request.GET.get("page"),
            today=timezone.localdate(),
        )
    except LookupError:
        raise Http404("No such release.") from None
    form = RequirementsForm(request.POST if request.method == "POST" else None)
    checks = None
    if form.is_valid():
        checks = selectors.requirements_check(
            text=form.cleaned_data["requirements"], product=product, version=version
        )
    context = {"page": page, "page_obj": page.packages, "form": form, "checks": checks}
    return render(request, "health/readiness_release.html", context)


@require_safe
def package_rules(request: HttpRequest, slug: str) -> HttpResponse:
    """Why a package has its score: lifecycle, axes and every factor (one query)."""
    try:
        page = selectors.rules_page(slug=slug)
    except Package.DoesNotExist:
        raise Http404("No such package.") from None
    context = {"page": page, "current_model": model.MODEL_VERSION}
    return render(request, "health/package_rules.html", context)


@require_safe
def about_health(request: HttpRequest) -> HttpResponse:
    """How the health score and the lifecycle are computed (no query)."""
    return render(request, "web/about_health.html")
