"""The browsable API page, cacheable for people who are not logged in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import renderers


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

    def get_rendered_html_form(self, data: Any, view: Any, method: str, request: Any) -> Any:
        if method == "OPTIONS" and not request.user.is_authenticated:
            return None  # left out (see the class docstring); saves rendering it
        return super().get_rendered_html_form(data, view, method, request)
