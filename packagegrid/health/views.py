"""Readiness pages: the releases of Django, Python and Wagtail, and per release the
packages that are ready, with the requirements checker on each page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from packagegrid.health import selectors
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
