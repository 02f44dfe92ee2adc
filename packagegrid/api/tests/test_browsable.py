"""The browsable API page: DRF's page, with breadcrumbs found without walking the URLconf
for every prefix of the path."""

import pytest
from django.test import Client
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.breadcrumbs import get_breadcrumbs

from packagegrid.api.renderers import BrowsableAPIRenderer
from packagegrid.conftest import make_grid, make_package

pytestmark = pytest.mark.django_db


def _page_request(client: Client, path: str) -> tuple[Response, Request]:
    response = client.get(path, {"format": "api"})
    assert response["Content-Type"].startswith("text/html")
    assert isinstance(response, Response)
    context = response.renderer_context  # type: ignore[attr-defined]  # set by DRF as it renders
    request = context["request"]
    assert isinstance(request, Request)
    return response, request


def test_its_breadcrumbs_are_drfs(client: Client) -> None:
    package = make_package(slug="django-crumbs")
    grid = make_grid(slug="crumbs", packages=[package])
    paths = [
        "/api/v4/",
        "/api/v4/packages/",
        f"/api/v4/packages/{package.id}/",
        f"/api/v4/packages/{package.slug}/",
        f"/api/v4/grids/{grid.id}/",
        "/api/v4/categories/",
        "/api/v5/packages/",
        f"/api/v5/packages/{package.id}/",
        f"/api/v5/packages/{package.id}/dependents/",
        "/api/v4/packages/999999/",  # a 404, rendered as a page too
    ]
    for path in paths:
        response, request = _page_request(client, path)

        ours = BrowsableAPIRenderer().get_breadcrumbs(request)

        assert ours == get_breadcrumbs(request.path, request), path
        assert ours[0][1].startswith(path[:8]), path  # from the version's root
        # One crumb per path segment after /api/: the root of the version, then each view.
        assert len(ours) == path.count("/") - 2, path
        page = response.content.decode()
        for name, url in ours:
            assert f'href="{url.replace("&", "&amp;")}"' in page, (path, name)


def test_its_breadcrumbs_carry_the_format_parameter(client: Client) -> None:
    package = make_package()
    _, request = _page_request(client, f"/api/v4/packages/{package.id}/")

    crumbs = BrowsableAPIRenderer().get_breadcrumbs(request)

    assert [url for _, url in crumbs] == [
        "/api/v4/?format=api",
        "/api/v4/packages/?format=api",
        f"/api/v4/packages/{package.id}/?format=api",
    ]
