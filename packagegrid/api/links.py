"""Absolute API hyperlinks, built once per request and formatted per object."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.settings import api_settings


class LinkBuilder:
    """Builds `<scheme>://<host>/api/v4/<collection>/<pk>/` links for one request.

    Like DRF's hyperlinked fields, a `format` query parameter on the request is carried
    over to every link (`?format=api` on the browsable API). Reversing a URL per object is
    the slowest part of DRF's hyperlinks, so the prefix is reversed once and each link is
    plain string formatting.
    """

    def __init__(self, request: Request, root_view_name: str) -> None:
        self.prefix = request.build_absolute_uri(reverse(root_view_name))
        param = api_settings.URL_FORMAT_OVERRIDE
        value = request.query_params.get(param) if param else None
        self.suffix = f"?{urlencode({param: value})}" if param and value else ""

    @classmethod
    def for_site(cls, root_view_name: str) -> "LinkBuilder":
        """Links on SITE_URL, the site's public address, for readers without a request
        (the MCP server)."""
        builder = cls.__new__(cls)
        builder.prefix = f"{settings.SITE_URL}{reverse(root_view_name)}"
        builder.suffix = ""
        return builder

    def __call__(self, collection: str, pk: object) -> str:
        return f"{self.prefix}{collection}/{pk}/{self.suffix}"
