"""API v4: read-only, wire-compatible with djangopackages.org's `/api/v4/`; API v5's
packages (v4's facts plus health); and v1's 410."""

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from packagegrid.api.links import LinkBuilder
from packagegrid.api.pagination import V5PageNumberPagination
from packagegrid.api.schema import (
    BAD_REQUEST,
    NOT_FOUND,
    SEARCH_QUERY,
    V4CategorySerializer,
    V4GridSerializer,
    V4PackageSerializer,
    V4SearchItemSerializer,
    V5PackageSerializer,
    id_or_slug,
    reviewed_filter,
)
from packagegrid.api.serializers import (
    CategorySerializer,
    GridSerializer,
    PackageSerializer,
    PackageV5Serializer,
    SearchItemSerializer,
)
from packagegrid.catalog.models import Category, Package
from packagegrid.catalog.selectors import package_list_for_api
from packagegrid.grids.selectors import grid_list_for_api
from packagegrid.health.selectors import package_list_for_api_v5
from packagegrid.lib.ids import parse_id
from packagegrid.search.selectors import search_items

V4_ROOT = "v4:api-root"


class LinkContextMixin:
    """Hands serializers a LinkBuilder for this request."""

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]  # mixin over a GenericAPIView
        context["links"] = LinkBuilder(context["request"], V4_ROOT)
        return context


class IdLookupMixin:
    """Finds an object by id: ASCII digits within a bigint (`parse_id`); 404 otherwise.

    The one place API objects are looked up by id: `²` or `١٢` (which `str.isdigit()` and
    the database driver would accept) and numbers beyond a bigint answer 404, never 500.
    """

    kwargs: dict[str, Any]

    def get_object(self) -> Model:
        key = str(self.kwargs["pk"])
        queryset: QuerySet[Any] = self.get_queryset()  # type: ignore[attr-defined]  # mixin over a GenericAPIView
        found = self.find(queryset, key)
        if found is None:
            if not self.could_match(key):
                # DRF answers a key that cannot be an id with a bare 404 ("Not found."):
                # its get_object_or_404 turns the ValueError into Http404().
                raise Http404
            # DRF's own wording (get_object_or_404), as djangopackages.org answers.
            raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")
        return found

    def could_match(self, key: str) -> bool:
        """Whether `key` has the form of a lookup value (here: an id)."""
        return parse_id(key) is not None

    def find(self, queryset: QuerySet[Any], key: str) -> Model | None:
        pk = parse_id(key)
        return None if pk is None else queryset.filter(pk=pk).first()


class IdOrSlugLookupMixin(IdLookupMixin):
    """Finds an object by id first, then by slug (404 when neither matches)."""

    # Slugs are [-\w]+; refusing anything else here also keeps NUL bytes from PostgreSQL.
    lookup_value_regex = r"[-\w]+"

    def could_match(self, key: str) -> bool:
        return True  # any key matching lookup_value_regex may be a slug

    def find(self, queryset: QuerySet[Any], key: str) -> Model | None:
        return super().find(queryset, key) or queryset.filter(slug=key).first()


@extend_schema_view(
    list=extend_schema(responses=V4PackageSerializer(many=True)),
    retrieve=extend_schema(
        responses={200: V4PackageSerializer, 404: NOT_FOUND}, parameters=[id_or_slug()]
    ),
)
class PackageViewSet(LinkContextMixin, IdOrSlugLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """Packages, newest id first; found by id or slug."""

    # v4 serves curated data only: packages discovery listed appear once reviewed.
    queryset = package_list_for_api().filter(reviewed=True)
    serializer_class = PackageSerializer

    def get_view_description(self, html: bool = False) -> str:
        # djangopackages.org's browsable API shows this line; clients that scrape the page
        # expect it, although the endpoint is read-only.
        return "API endpoint that allows packages to be viewed or edited."


@extend_schema_view(
    list=extend_schema(
        responses={200: V5PackageSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
        parameters=[reviewed_filter()],
    ),
    retrieve=extend_schema(
        responses={200: V5PackageSerializer, 404: NOT_FOUND}, parameters=[id_or_slug()]
    ),
)
class PackageV5ViewSet(LinkContextMixin, IdOrSlugLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """Packages with their health, compatibility, advisories, latest release and licence,
    newest id first; found by id or slug. Paged with `page` and `page_size` (20, at most
    100)."""

    queryset = package_list_for_api_v5()
    serializer_class = PackageV5Serializer
    pagination_class = V5PageNumberPagination

    def get_queryset(self) -> QuerySet[Package]:
        queryset = super().get_queryset()
        if self.action != "list" or "reviewed" not in self.request.query_params:
            return queryset
        value = self.request.query_params["reviewed"]
        if value not in {"true", "false"}:
            raise ParseError("reviewed: expected true or false.")
        return queryset.filter(reviewed=value == "true")


@extend_schema_view(
    list=extend_schema(responses=V4GridSerializer(many=True)),
    retrieve=extend_schema(
        responses={200: V4GridSerializer, 404: NOT_FOUND}, parameters=[id_or_slug()]
    ),
)
class GridViewSet(LinkContextMixin, IdOrSlugLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """Grids, newest id first; found by id or slug."""

    queryset = grid_list_for_api()
    serializer_class = GridSerializer


@extend_schema_view(
    list=extend_schema(responses=V4CategorySerializer(many=True)),
    retrieve=extend_schema(responses={200: V4CategorySerializer, 404: NOT_FOUND}),
)
class CategoryViewSet(IdLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """Categories, newest id first; found by id."""

    queryset = Category.objects.order_by("-id")
    serializer_class = CategorySerializer


class SearchViewSet(viewsets.ViewSet):
    """The 20 best packages and grids for `?q=`, as a bare list (not paginated)."""

    @extend_schema(responses=V4SearchItemSerializer(many=True), parameters=[SEARCH_QUERY])
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        # The router's format-suffix route (`search.json`) passes `format`; DRF already
        # chose the renderer from it.
        items = search_items(query=request.query_params.get("q", ""))
        return Response([SearchItemSerializer(item).data for item in items])


@csrf_exempt  # a POST gets the same JSON 404, not a CSRF failure page
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under `/api/v4/` or `/api/v5/` that ends in a slash (a lookup value
    the routes refuse, such as `packages/a.b/`): a 404 in DRF's shape, not an HTML page.

    Paths without the slash are left to `APPEND_SLASH`, which redirects them (301).
    """
    return JsonResponse({"detail": "Not found."}, status=404)


@csrf_exempt  # a POST gets the same 410, not a CSRF failure page
def api_v1_gone(request: HttpRequest) -> JsonResponse:
    """Every `/api/v1/` URL: 410 Gone, as djangopackages.org has answered since 2015."""
    body = {
        "error": 410,
        "message": "APIv1 was removed on April 2, 2015. Please switch to /api/v4/ (or /api/v3/).",
    }
    return JsonResponse(body, status=410)
