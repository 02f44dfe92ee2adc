"""API v4: read-only, wire-compatible with djangopackages.org's `/api/v4/`; API v5's
packages (v4's facts plus health); and v1's 410."""

from datetime import tzinfo
from typing import Any, cast

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from packagegrid.api.filters import (
    PACKAGE_SORTS,
    RELEASE_SORTS,
    V5_TITLE_SORTS,
    PackageFilter,
    parse_ordering,
    release_package_filter,
)
from packagegrid.api.links import LinkBuilder
from packagegrid.api.openapi import ActionSchemaMixin
from packagegrid.api.pagination import ID_SORT, KeysetCursorPagination, SortKey
from packagegrid.api.schema import (
    BAD_REQUEST,
    COMPARE_PACKAGES,
    NOT_FOUND,
    RELEASE_PACKAGE,
    SEARCH_QUERY,
    V4CategorySerializer,
    V4GridSerializer,
    V4PackageSerializer,
    V4SearchItemSerializer,
    V5CategorySerializer,
    V5CompareSerializer,
    V5GridDetailSerializer,
    V5GridSerializer,
    V5PackageSerializer,
    V5PersonSerializer,
    V5ReleaseItemSerializer,
    V5SearchSerializer,
    id_or_slug,
)
from packagegrid.api.selectors import (
    category_list_for_api_v5,
    grid_cells_for_api_v5,
    grid_list_for_api_v5,
    grid_package_ids,
    grid_rows_for_api_v4,
    package_grid_ids,
    package_rows_for_api_v4,
    person_list_for_api_v5,
    release_list_for_api_v5,
)
from packagegrid.api.serializers import (
    CategorySerializer,
    CategoryV5Serializer,
    GridSerializer,
    GridV5Serializer,
    PackageSerializer,
    PackageV5Serializer,
    PersonV5Serializer,
    ReleaseV5Serializer,
    SearchItemSerializer,
    SearchItemV5Serializer,
    grid_row_v4,
    package_row_v4,
)
from packagegrid.catalog.models import Category, Package
from packagegrid.catalog.selectors import package_list_for_api
from packagegrid.grids.models import Grid
from packagegrid.grids.selectors import COMPARE_MAX_PACKAGES, grid_list_for_api
from packagegrid.health.selectors import package_dependents_for_api_v5, package_list_for_api_v5
from packagegrid.lib.ids import parse_id
from packagegrid.search.selectors import search_items

V4_ROOT = "v4:api-root"
V5_ROOT = "v5:api-root"


class LinkContextMixin:
    """Hands serializers a LinkBuilder for this request."""

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]  # mixin over a GenericAPIView
        context["links"] = LinkBuilder(context["request"], V4_ROOT)
        return context


class RowsListMixin:
    """A v4 list from plain rows, with the same JSON as the serializer's: three queries a
    page (count, page, the rows' related ids). A view sets `rows` (built once like
    `queryset`; each request gets a copy) and says how to read and write a page."""

    rows: QuerySet[Any]

    def related_ids(self, ids: list[int]) -> dict[int, list[int]]:
        """The ids each row lists (its grids, its packages), by row id: one query."""
        raise NotImplementedError

    def row_json(
        self, row: dict[str, Any], related: list[int], links: LinkBuilder, zone: tzinfo
    ) -> dict[str, Any]:
        raise NotImplementedError

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        view = cast(viewsets.GenericViewSet, self)  # type: ignore[type-arg]  # DRF stubs: generic
        rows: list[dict[str, Any]] = view.paginate_queryset(self.rows.all()) or []
        related = self.related_ids([row["id"] for row in rows])
        links, zone = LinkBuilder(request, V4_ROOT), timezone.get_current_timezone()
        data = [self.row_json(row, related.get(row["id"], []), links, zone) for row in rows]
        return view.get_paginated_response(data)


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
class PackageViewSet(
    RowsListMixin,
    LinkContextMixin,
    IdOrSlugLookupMixin,
    viewsets.ReadOnlyModelViewSet,  # type: ignore[type-arg]  # DRF stubs: generic
):
    """Packages, newest id first; found by id or slug."""

    # v4 serves curated data only: packages discovery listed appear once reviewed.
    queryset = package_list_for_api().filter(reviewed=True)
    serializer_class = PackageSerializer
    rows = package_rows_for_api_v4()

    def related_ids(self, ids: list[int]) -> dict[int, list[int]]:
        return package_grid_ids(package_ids=ids)

    def row_json(
        self, row: dict[str, Any], related: list[int], links: LinkBuilder, zone: tzinfo
    ) -> dict[str, Any]:
        return package_row_v4(row, related, links, zone)

    def get_queryset(self) -> QuerySet[Any]:
        # One package is read as a plain row too (`retrieve`); the lookup is the same.
        if self.action == "retrieve":
            return self.rows.all()
        return super().get_queryset()

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        """One package from a plain row, as the list builds them (`package_row_v4`): the
        same JSON as the serializer's, without compiling a query that joins four models
        and building their instances. Two queries: the row (by id, then by slug), and
        its grid ids."""
        row = cast(dict[str, Any], self.get_object())
        grids = package_grid_ids(package_ids=[row["id"]])
        links, zone = LinkBuilder(request, V4_ROOT), timezone.get_current_timezone()
        return Response(package_row_v4(row, grids.get(row["id"], []), links, zone))

    def get_view_description(self, html: bool = False) -> str:
        # djangopackages.org's browsable API shows this line; clients that scrape the page
        # expect it, although the endpoint is read-only.
        return "API endpoint that allows packages to be viewed or edited."


class V5Mixin(LinkContextMixin):
    """API v5 lists: cursor pages, ordered by `?ordering=` among `sorts` (a 400 for any
    other value); serializers get `v5_links` too."""

    sorts: dict[str, SortKey] = {"id": ID_SORT}
    default_ordering = "-id"

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["v5_links"] = LinkBuilder(context["request"], V5_ROOT)
        return context

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        request.v5_order = parse_ordering(request, self.sorts, self.default_ordering)  # type: ignore[attr-defined]  # read by KeysetCursorPagination
        response: Response = super().list(request, *args, **kwargs)  # type: ignore[misc]  # mixin over a ViewSet
        return response


def ordering_parameter(sorts: dict[str, SortKey], default: str) -> OpenApiParameter:
    return OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=[f"{sign}{name}" for name in sorts for sign in ("", "-")],
        description=f"The order; `-` for descending, ties broken by id. Default `{default}`.",
    )


@extend_schema_view(
    list=extend_schema(
        responses={200: V5PackageSerializer(many=True), 400: BAD_REQUEST},
        parameters=[ordering_parameter(PACKAGE_SORTS, "-id")],
    ),
    retrieve=extend_schema(
        responses={200: V5PackageSerializer, 404: NOT_FOUND}, parameters=[id_or_slug()]
    ),
)
class PackageV5ViewSet(
    ActionSchemaMixin,
    V5Mixin,
    IdOrSlugLookupMixin,
    viewsets.ReadOnlyModelViewSet,  # type: ignore[type-arg]  # DRF stubs: generic
):
    """Packages with their health, compatibility, advisories, latest release, licence,
    usage and favourite counts and fetch states; found by id or slug. Cursor pages,
    filters and orderings as the README's API v5 reference describes."""

    queryset = package_list_for_api_v5()
    serializer_class = PackageV5Serializer
    pagination_class = KeysetCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PackageFilter
    sorts = PACKAGE_SORTS

    def get_queryset(self) -> QuerySet[Package]:
        # The dependents list looks its package up by id or slug only: the joins and
        # prefetches are for the packages it lists.
        if self.action == "dependents":
            return Package.objects.only("pk", "slug")
        return super().get_queryset()

    @extend_schema(
        responses={200: V5PackageSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
        parameters=[id_or_slug(), ordering_parameter(PACKAGE_SORTS, "title")],
    )
    @action(detail=True, methods=["get"])
    def dependents(self, request: Request, *args: object, **kwargs: object) -> Response:
        """The packages that require this one outside an extra; cursor pages, filters and
        orderings as the package list has them, by title unless `?ordering=` says."""
        package = cast(Package, self.get_object())
        request.v5_order = parse_ordering(request, self.sorts, "title")  # type: ignore[attr-defined]  # read by KeysetCursorPagination
        dependents = self.filter_queryset(package_dependents_for_api_v5(package=package))
        page = self.paginate_queryset(dependents)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


@extend_schema_view(
    list=extend_schema(
        responses={200: V5ReleaseItemSerializer(many=True), 400: BAD_REQUEST},
        parameters=[ordering_parameter(RELEASE_SORTS, "-uploaded"), RELEASE_PACKAGE],
    ),
    retrieve=extend_schema(responses={200: V5ReleaseItemSerializer, 404: NOT_FOUND}),
)
class ReleaseV5ViewSet(V5Mixin, IdLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """Releases, newest upload first; `?package=<id or slug>` for one package's."""

    queryset = release_list_for_api_v5()
    serializer_class = ReleaseV5Serializer
    pagination_class = KeysetCursorPagination
    sorts = RELEASE_SORTS
    default_ordering = "-uploaded"

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return release_package_filter(queryset, self.request)


@extend_schema_view(
    list=extend_schema(
        responses={200: V5GridSerializer(many=True), 400: BAD_REQUEST},
        parameters=[ordering_parameter(V5_TITLE_SORTS, "-id")],
    ),
    retrieve=extend_schema(
        responses={200: V5GridDetailSerializer, 404: NOT_FOUND}, parameters=[id_or_slug()]
    ),
)
class GridV5ViewSet(V5Mixin, IdOrSlugLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """Grids with their packages and features; one grid adds its cells."""

    queryset = grid_list_for_api_v5()
    serializer_class = GridV5Serializer
    pagination_class = KeysetCursorPagination
    sorts = V5_TITLE_SORTS

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        grid = self.get_object()
        assert isinstance(grid, Grid)
        context = {**self.get_serializer_context(), "cells": grid_cells_for_api_v5(grid)}
        return Response(GridV5Serializer(grid, context=context).data)


@extend_schema_view(
    list=extend_schema(
        responses={200: V5CategorySerializer(many=True), 400: BAD_REQUEST},
        parameters=[ordering_parameter(V5_TITLE_SORTS, "-id")],
    ),
    retrieve=extend_schema(
        responses={200: V5CategorySerializer, 404: NOT_FOUND}, parameters=[id_or_slug()]
    ),
)
class CategoryV5ViewSet(V5Mixin, IdOrSlugLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """Categories with their number of packages."""

    queryset = category_list_for_api_v5()
    serializer_class = CategoryV5Serializer
    pagination_class = KeysetCursorPagination
    sorts = V5_TITLE_SORTS


class PersonLookupMixin(IdLookupMixin):
    """Finds a person by id first, then by username."""

    lookup_value_regex = r"[-\w.@+]+"

    def could_match(self, key: str) -> bool:
        return True

    def find(self, queryset: QuerySet[Any], key: str) -> Model | None:
        found: Model | None = super().find(queryset, key) or queryset.filter(username=key).first()
        return found


@extend_schema_view(
    list=extend_schema(responses={200: V5PersonSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(
        responses={200: V5PersonSerializer, 404: NOT_FOUND},
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=r"^[-\w.@+]+$",
                description="The id, or the username.",
            )
        ],
    ),
)
class PersonV5ViewSet(V5Mixin, PersonLookupMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """People's public facts: username, profile links, the packages they added and the
    grids they made. Nothing private (no e-mail address, name or favourites)."""

    queryset = person_list_for_api_v5()
    serializer_class = PersonV5Serializer
    pagination_class = KeysetCursorPagination


class OneObjectSchema(AutoSchema):
    """The schema of a `list` action that answers one object, not a list."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class SearchV5ViewSet(V5Mixin, viewsets.ViewSet):
    """The 20 best packages and grids for `?q=`."""

    schema = OneObjectSchema()

    @extend_schema(responses=V5SearchSerializer, parameters=[SEARCH_QUERY])
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        items = search_items(query=request.query_params.get("q", ""))
        serializer = SearchItemV5Serializer(context=self.get_serializer_context())
        return Response({"results": [serializer.to_representation(item) for item in items]})

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "v5_links": LinkBuilder(self.request, V5_ROOT)}


class CompareV5ViewSet(V5Mixin, viewsets.ViewSet):
    """Packages side by side: `?packages=a,b,c` (slugs, at most COMPARE_MAX_PACKAGES)."""

    schema = OneObjectSchema()

    @extend_schema(
        responses={200: V5CompareSerializer, 400: BAD_REQUEST}, parameters=[COMPARE_PACKAGES]
    )
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        raw = request.query_params.get("packages", "")
        slugs = list(dict.fromkeys(s.strip() for s in raw.split(",") if s.strip()))
        if not slugs:
            raise ValidationError({"packages": ["Name the packages: ?packages=slug-a,slug-b."]})
        if len(slugs) > COMPARE_MAX_PACKAGES:
            raise ValidationError(
                {"packages": [f"Compare at most {COMPARE_MAX_PACKAGES} packages."]}
            )
        found = {p.slug: p for p in package_list_for_api_v5().filter(slug__in=slugs)}
        serializer = PackageV5Serializer(context=self.get_serializer_context())
        return Response(
            {
                "packages": [serializer.to_representation(found[s]) for s in slugs if s in found],
                "not_found": [s for s in slugs if s not in found],
            }
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "links": LinkBuilder(self.request, V4_ROOT),
            "v5_links": LinkBuilder(self.request, V5_ROOT),
        }


@extend_schema_view(
    list=extend_schema(responses=V4GridSerializer(many=True)),
    retrieve=extend_schema(
        responses={200: V4GridSerializer, 404: NOT_FOUND}, parameters=[id_or_slug()]
    ),
)
class GridViewSet(
    RowsListMixin,
    LinkContextMixin,
    IdOrSlugLookupMixin,
    viewsets.ReadOnlyModelViewSet,  # type: ignore[type-arg]  # DRF stubs: generic
):
    """Grids, newest id first; found by id or slug."""

    queryset = grid_list_for_api()
    serializer_class = GridSerializer
    rows = grid_rows_for_api_v4()

    def related_ids(self, ids: list[int]) -> dict[int, list[int]]:
        return grid_package_ids(grid_ids=ids)

    def row_json(
        self, row: dict[str, Any], related: list[int], links: LinkBuilder, zone: tzinfo
    ) -> dict[str, Any]:
        return grid_row_v4(row, related, links, zone)


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
        # chose the renderer from it. v4 serves curated data only: no auto-discovered
        # package, whose v4 detail would be a 404.
        items = search_items(query=request.query_params.get("q", ""), reviewed_only=True)
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
