"""API v4: read-only, wire-compatible with djangopackages.org's `/api/v4/`."""

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from packagegrid.api.links import LinkBuilder
from packagegrid.api.serializers import (
    CategorySerializer,
    GridSerializer,
    PackageSerializer,
    SearchItemSerializer,
)
from packagegrid.catalog.models import Category
from packagegrid.catalog.selectors import package_list_for_api
from packagegrid.grids.selectors import grid_list_for_api
from packagegrid.search.selectors import search_items

V4_ROOT = "v4:api-root"


class LinkContextMixin:
    """Hands serializers a LinkBuilder for this request."""

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        context["links"] = LinkBuilder(context["request"], V4_ROOT)
        return context


class IdOrSlugLookupMixin:
    """Finds an object by numeric id first, then by slug (404 when neither matches)."""

    kwargs: dict[str, Any]
    # Slugs are [-\w]+; refusing anything else here also keeps NUL bytes from PostgreSQL.
    lookup_value_regex = r"[-\w]+"

    def get_object(self) -> Model:
        key = str(self.kwargs["pk"])
        queryset: QuerySet[Any] = self.get_queryset()  # type: ignore[attr-defined]
        if key.isdigit():
            found = queryset.filter(pk=int(key)).first()
            if found is not None:
                return found  # type: ignore[no-any-return]
        found = queryset.filter(slug=key).first()
        if found is None:
            raise Http404(f"No {queryset.model._meta.verbose_name} with id or slug {key!r}.")
        return found  # type: ignore[no-any-return]


class PackageViewSet(LinkContextMixin, IdOrSlugLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Packages, newest id first; found by id or slug."""

    queryset = package_list_for_api()
    serializer_class = PackageSerializer

    def get_view_description(self, html: bool = False) -> str:
        # djangopackages.org's browsable API shows this line; clients that scrape the page
        # expect it, although the endpoint is read-only.
        return "API endpoint that allows packages to be viewed or edited."


class GridViewSet(LinkContextMixin, IdOrSlugLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Grids, newest id first; found by id or slug."""

    queryset = grid_list_for_api()
    serializer_class = GridSerializer


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Categories, newest id first; found by id."""

    queryset = Category.objects.order_by("-id")
    serializer_class = CategorySerializer


class SearchViewSet(viewsets.ViewSet):
    """The 20 best packages and grids for `?q=`, as a bare list (not paginated)."""

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        # The router's format-suffix route (`search.json`) passes `format`; DRF already
        # chose the renderer from it.
        items = search_items(query=request.query_params.get("q", ""))
        return Response([SearchItemSerializer(item).data for item in items])
