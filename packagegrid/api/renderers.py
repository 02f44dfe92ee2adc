"""The browsable API page, cacheable for people who are not logged in."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve
from rest_framework import renderers
from rest_framework.request import Request
from rest_framework.reverse import preserve_builtin_query_params

ViewName = tuple[Callable[..., Any], str]

# DRF's BrowsableAPIRenderer.get_context builds the page's code stylesheet with pygments
# on every page (about 8% of the page's CPU), though it depends only on the style name:
# built once per style and process. The stylesheet is the same text.
renderers.pygments_css = lru_cache(maxsize=8)(renderers.pygments_css)  # type: ignore[attr-defined]  # not in the stubs


def _named_api_view(view: Callable[..., Any]) -> ViewName | None:
    """`view` and its name (as DRF titles it) when it is a REST framework view.

    Told by what `APIView.as_view` sets on the view (`cls`, a class with a view name):
    importing APIView here would import this module again, through the renderer
    setting it reads.
    """
    cls = getattr(view, "cls", None)
    if not isinstance(cls, type) or not hasattr(cls, "get_view_name"):
        return None
    return view, cls(**getattr(view, "initkwargs", {})).get_view_name()


@lru_cache(maxsize=512)
def _api_view_at(url: str, urlconf: str) -> ViewName | None:
    """The REST framework view at `url` and its name, or None; remembered per process
    (the URLconf is fixed), as every detail page shares its list's and root's crumbs."""
    try:
        return _named_api_view(resolve(url, urlconf).func)
    except Resolver404:
        return None


def _breadcrumb_candidates(url: str) -> Iterator[str]:
    """`url`, then each shorter path ending in a slash: "/api/v4/packages/1/",
    "/api/v4/packages/", "/api/v4/", "/api/", "/"."""
    yield url
    url = url.rstrip("/")
    while url:
        url = url[: url.rfind("/") + 1]
        yield url
        url = url.rstrip("/")


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable page without a CSRF token for visitors who are not logged in.

    The API is read-only and anonymous visitors can send nothing that needs the token, so
    their page leaves out the OPTIONS button (a POST form) and the token DRF's scripts
    would send: the page no longer depends on who asked, sets no CSRF cookie, and the
    response cache stores it like any other anonymous page. Logged-in people get DRF's
    page unchanged.
    """

    def get_context(
        self, data: Any, accepted_media_type: str | None, renderer_context: Mapping[str, Any]
    ) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(data, accepted_media_type, renderer_context)
        request = renderer_context.get("request")
        if request is not None and not request.user.is_authenticated:
            context["options_form"] = None
            # Above the context processor's lazy token, which would set the CSRF cookie.
            context["csrf_token"] = ""
        return context

    def get_breadcrumbs(self, request: Request) -> list[tuple[str, str]]:
        """DRF's breadcrumbs (the API views above this page, outermost first), without
        its cost: DRF resolves every prefix of the path with and without its trailing
        slash, and each prefix that matches nothing walks the whole URLconf. Every API
        route here ends in a slash, so only those prefixes are looked up, each once per
        process; the page's own view is the request's."""
        prefix = get_script_prefix().rstrip("/")
        path = request.path[len(prefix) :]
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        crumbs: list[tuple[str, str]] = []
        seen: list[Callable[..., Any]] = []
        for index, url in enumerate(_breadcrumb_candidates(path)):
            match = request.resolver_match if index == 0 else None
            found = _named_api_view(match.func) if match else _api_view_at(url, urlconf)
            if found is None:
                continue
            view, name = found
            if not seen or seen[-1] != view:  # as DRF: one crumb for a repeated view
                crumbs.insert(0, (name, preserve_builtin_query_params(prefix + url, request)))
                seen.append(view)
        return crumbs

    def get_rendered_html_form(self, data: Any, view: Any, method: str, request: Any) -> Any:
        if method == "OPTIONS" and not request.user.is_authenticated:
            return None  # left out (see the class docstring); saves rendering it
        return super().get_rendered_html_form(data, view, method, request)
