"""Search pages: the results page, the type-ahead fragment and the OpenSearch description.

Each parses the query string, calls one selector and renders.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from packagegrid.search.documents import FACET_KEYS
from packagegrid.search.selectors import (
    DEFAULT_SORT,
    SORTS,
    STATUS_LIFECYCLES,
    SearchFilters,
    search_page,
    search_suggestions,
)

MAX_PARAM_CHARS = 200


def _param(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "")[:MAX_PARAM_CHARS].strip()


def _without_status(request: HttpRequest) -> str:
    """This page's URL with the retired `status` filter replaced by its `lifecycle`
    (`STATUS_LIFECYCLES`; an unknown value is dropped; a `lifecycle` given wins)."""
    params = request.GET.copy()
    status = params.pop("status", [""])[-1].strip()
    if not params.get("lifecycle") and status in STATUS_LIFECYCLES:
        params["lifecycle"] = STATUS_LIFECYCLES[status]
    return f"{request.path}?{params.urlencode()}" if params else request.path


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    if "status" in request.GET:  # the facet became "lifecycle": old links keep working
        return HttpResponsePermanentRedirect(_without_status(request))
    query = _param(request, "q")
    sort = _param(request, "sort")
    sort = sort if sort in SORTS else DEFAULT_SORT
    filters = SearchFilters(**{key: _param(request, key) for key in FACET_KEYS})
    result = None
    if query:
        result = search_page(
            query=query, filters=filters, sort=sort, page_number=_param(request, "page")
        )
    context = {
        "query": query,
        "result": result,
        "sort": sort,
        "sorts": SORTS,
        "filters": filters.active(),
    }
    return render(request, "web/search.html", context)


@require_safe
def suggest(request: HttpRequest) -> HttpResponse:
    """The type-ahead: an HTML fragment of up to 8 options, or with `format=json` the
    OpenSearch suggestions shape `[query, [titles]]` for browsers' address bars."""
    query = _param(request, "q")
    suggestions = search_suggestions(query=query)
    if request.GET.get("format") == "json":
        titles = [s.item.title for s in suggestions]
        return JsonResponse([query, titles], safe=False)
    return render(request, "search/suggest.html", {"query": query, "suggestions": suggestions})


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "search/opensearch.xml",
        {"site_url": settings.SITE_URL},
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
