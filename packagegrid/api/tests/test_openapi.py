"""Views of `@action` routes described by `@extend_schema` (`api.openapi.ActionSchemaMixin`)."""

import gc
import weakref

import pytest
from django.test import Client

from packagegrid.conftest import make_grid, make_package

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v5/packages/django-core/dependents/", "/api/v3/grids/grid-1/packages/"]
)
def test_a_served_action_view_dies_with_its_request(client: Client, path: str) -> None:
    # Without the mixin, REST framework's schema descriptor pins each view on the action's
    # schema class until the route's next request, so the collection below frees nothing.
    package = make_package(title="django-core", slug="django-core")
    make_grid(packages=[package], slug="grid-1")
    response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    view = weakref.ref(response.renderer_context["view"])  # type: ignore[attr-defined]  # DRF's Response
    del response

    gc.collect()

    assert view() is None
