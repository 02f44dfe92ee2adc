"""Views of the read-only web pages: each parses, calls one selector and renders."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import F
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from packagegrid.catalog import page_selectors, trend_selectors
from packagegrid.catalog.models import Category, Package
from packagegrid.lib.status import service_status

PACKAGES_PER_PAGE = 50


def _param(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"page": page_selectors.home_page()})


@require_safe
def package_list(request: HttpRequest) -> HttpResponse:
    categories = page_selectors.category_links(include_discovered=_include_discovered(request))
    slug = _param(request, "category")
    category = next((c for c in categories if c["slug"] == slug), None)
    if category is None:
        count = sum(c["package_count"] for c in categories)
        return _render_package_list(
            request, categories=categories, category=None, category_id=None, count=count
        )
    return _render_package_list(
        request,
        categories=categories,
        category=category,
        category_id=category["id"],
        count=category["package_count"],
    )


@require_safe
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    counted = "counts__packages" if _include_discovered(request) else "counts__reviewed"
    category = get_object_or_404(Category.objects.annotate(count=F(counted)), slug=slug)
    return _render_package_list(
        request,
        categories=None,
        category=category,
        category_id=category.pk,
        count=category.count or 0,  # type: ignore[attr-defined]  # annotation
    )


def _include_discovered(request: HttpRequest) -> bool:
    """The "Include auto-discovered" toggle of the package lists (`?discovered=1`)."""
    return _param(request, "discovered") == "1"


def _render_package_list(
    request: HttpRequest,
    *,
    categories: Sequence[page_selectors.CategoryLink] | None,
    category: Category | page_selectors.CategoryLink | None,
    category_id: int | None,
    count: int,
) -> HttpResponse:
    """The packages list and a category page share one template and one selector."""
    sort = _param(request, "sort")
    if sort not in page_selectors.PACKAGE_SORTS:
        sort = page_selectors.DEFAULT_PACKAGE_SORT
    query = _param(request, "q")
    include_discovered = _include_discovered(request)
    listing = page_selectors.package_list_page(
        category_id=category_id,
        query=query,
        sort=sort,
        page_number=_param(request, "page"),
        per_page=PACKAGES_PER_PAGE,
        include_discovered=include_discovered,
        count=count,
    )
    context = {
        "packages": listing.packages,
        "page_obj": listing.page,
        "categories": categories,
        "category": category,
        "query": query,
        "include_discovered": include_discovered,
        "sort": sort,
        "sort_label": page_selectors.PACKAGE_SORTS[sort][0],
        "sorts": page_selectors.PACKAGE_SORTS,
    }
    return render(request, "web/package_list.html", context)


@require_safe
def package_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = page_selectors.package_page(slug=slug, viewer=request.user)
    except Package.DoesNotExist:
        raise Http404("No such package.") from None
    return render(request, "web/package_detail.html", {"page": page})


@require_safe
def trending(request: HttpRequest) -> HttpResponse:
    context = {
        "packages": trend_selectors.trending_packages(),
        "weeks": trend_selectors.TRENDING_WEEKS,
        "min_gain": trend_selectors.TRENDING_MIN_GAIN,
        "size_floor": trend_selectors.TRENDING_SIZE_FLOOR,
    }
    return render(request, "web/trending.html", context)


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    status = service_status()
    body = {name: "ok" if ok else "error" for name, ok in status.items()}
    return JsonResponse(body, status=200 if all(status.values()) else 503)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers HTTP through the whole middleware stack. It reads
    nothing (no database, no cache), so a probe never waits on either; `/health/` is
    the check that they work. `make bench` measures it as its floor row."""
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    context = {"sitemap_url": f"{settings.SITE_URL}{reverse('sitemap')}"}
    return render(request, "web/robots.txt", context, content_type="text/plain; charset=utf-8")
