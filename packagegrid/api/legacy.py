"""API v3 (legacy): djangopackages.org's old API, kept for the clients that use it.

Mounted at `/api/v3/`. Read-only (`Allow: GET, HEAD, OPTIONS`; writes get 405). Every
answer is JSON whatever the `Accept` header or `format` parameter asks for, errors
included: `{"error": <status>, "message": "..."}`, as djangopackages.org's `json_view`
wrote them. The users endpoints send anonymous visitors to the login page, as upstream's
did.

Lists use tastypie's envelope, `{"meta": {limit, next, offset, previous, total_count},
"objects": [...]}` (the package list adds `"category": null`), with relative
`next`/`previous` links. Packages, grids and categories are ordered by title, as
djangopackages.org's models order them, with the id breaking ties; people by profile id.

Every endpoint takes a constant number of queries, whatever the page size:

- `packages/`: 3 (count, page, grid slugs); `packages/<slug>/`: 2
- `grids/`: 3 (count, page, package slugs); `grids/<slug>/`: 2
- `grids/<slug>/packages/`: 5 (the grid and its package slugs, then as `packages/`)
- `categories/`: 2; `categories/<slug>/`: 1
- `users/`: 2; `users/<github_account>/`: 1; one more for either with
  `?list_packages=1` (plus the session and user lookups of login)

A list whose `offset` is at or past the end, or whose `limit` is 0, skips the page query
(and so its prefetch).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, renderers, routers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import BasePagination
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from packagegrid.accounts.models import Profile
from packagegrid.api.exceptions import LoginRequired, legacy_error_body, legacy_exception_handler
from packagegrid.api.legacy_serializers import (
    LegacyCategorySerializer,
    LegacyGridSerializer,
    LegacyPackageSerializer,
    LegacyPaths,
    LegacyUserSerializer,
)
from packagegrid.api.openapi import ActionSchemaMixin
from packagegrid.api.pagination import MAX_LIMIT, lenient_int
from packagegrid.api.schema import (
    LEGACY_NOT_FOUND,
    LOGIN_REDIRECT,
    V3_CATEGORY,
    V3_LIST_PACKAGES,
    V3CategorySerializer,
    V3GridPackagesSerializer,
    V3GridSerializer,
    V3PackageSerializer,
    V3RootSerializer,
    V3UserSerializer,
    legacy_envelope_schema,
    v3_slug,
)
from packagegrid.catalog.models import Category, Package
from packagegrid.catalog.selectors import usage_count_subquery
from packagegrid.grids.models import Grid, GridPackage

# --- Reads ----------------------------------------------------------------------------
# These selectors exist only to feed the legacy serializers: each joins, annotates or
# prefetches exactly what its serializer reads, so that no row costs a query of its own.


def _github_account_subquery(user_field: str) -> Subquery:
    """The GitHub account of the user in the outer row's `user_field` (None without profile).

    A subquery rather than a join through the user: `count()` drops unused subquery
    annotations entirely, whereas the joins would stay in every page's count query.
    """
    accounts = Profile.objects.filter(user_id=OuterRef(user_field)).values("github_account")
    return Subquery(accounts[:1])


def package_list_for_legacy_api(*, category_slug: str | None = None) -> QuerySet[Package]:
    """Packages by title, shaped for `LegacyPackageSerializer`.

    With the slug of an existing category, only that category's packages; with an unknown
    one, every package (as upstream answers `?category=no-such-thing`). One query per
    page, plus one for the grid slugs of the whole page.
    """
    # A package's grids in the order it joined them, as API v4 lists them.
    grid_links = (
        GridPackage.objects.annotate(grid_slug=F("grid__slug")).only("package_id").order_by("id")
    )
    packages = (
        Package.objects.with_fetched_data()
        .filter(reviewed=True)  # curated data only, as in v4
        # Never shown by v3, and large enough to matter on a 1,000-package page.
        .defer("pypi_data__summary", "pypi_data__classifiers", "pypi_data__project_urls")
        .annotate(
            usage_count=usage_count_subquery(),
            created_by_account=_github_account_subquery("created_by_id"),
            last_modified_by_account=_github_account_subquery("last_modified_by_id"),
        )
        .prefetch_related(Prefetch("grid_packages", queryset=grid_links))
        .order_by("title", "pk")
    )
    if category_slug:
        # In the page and count queries themselves, rather than a lookup of its own:
        # "in this category, or there is no such category".
        known = Exists(Category.objects.filter(slug=category_slug))
        packages = packages.filter(Q(category__slug=category_slug) | ~known)
    return packages


def grid_list_for_legacy_api() -> QuerySet[Grid]:
    """Grids by title with their package slugs (by package title, as upstream lists them).

    Two queries a page.
    """
    package_links = (
        GridPackage.objects.annotate(package_slug=F("package__slug"))
        .only("grid_id")
        .order_by("package__title", "package_id")
    )
    return Grid.objects.prefetch_related(
        Prefetch("grid_packages", queryset=package_links)
    ).order_by("title", "pk")


def category_list_for_legacy_api() -> QuerySet[Category]:
    """Categories by title."""
    return Category.objects.order_by("title", "pk")


def profile_list_for_legacy_api() -> QuerySet[Profile]:
    """Profiles that have a GitHub account, by id ascending, with just the user fields read.

    Upstream addressed a user only by GitHub account, so a profile without one has no
    resource URI and is left out. `.only()` keeps password hashes out of memory.
    """
    return (
        Profile.objects.exclude(github_account="")
        .select_related("user")
        .only(
            "created",
            "modified",
            "github_account",
            "bitbucket_url",
            "gitlab_url",
            "user__username",
            "user__date_joined",
            "user__last_login",
        )
        .order_by("pk")
    )


def package_slugs_by_contributor(github_accounts: Iterable[str]) -> dict[str, list[str]]:
    """For each GitHub account (lower-cased), the slugs of the packages whose repository
    lists it among its participants, by title: djangopackages.org's "packages the user
    contributes to".

    One query for all the accounts (none without any). GitHub accounts are
    case-insensitive, and so is the match. The database looks for the quoted name in the
    JSON text of the list (alike on PostgreSQL and SQLite); Python then keeps only exact
    list members.
    """
    wanted = {account.lower() for account in github_accounts if account}
    found: dict[str, list[str]] = {account: [] for account in wanted}
    if not wanted:
        return found
    condition = Q()
    for account in wanted:
        condition |= Q(repo_data__participants__icontains=f'"{account}"')
    rows = (
        Package.objects.filter(condition)
        .order_by("title", "pk")
        .values_list("slug", "repo_data__participants")
    )
    for slug, participants in rows:
        for account in wanted.intersection(str(name).lower() for name in participants or ()):
            found[account].append(slug)
    return found


# --- Paging ---------------------------------------------------------------------------


def page_rows(queryset: QuerySet[Any], offset: int, limit: int) -> list[Any]:
    """The rows `offset` to `offset + limit` of `queryset`, in its order, in one query.

    The page's ids are picked by a subquery over the bare table (its filter and order
    only), and the wide rows, joins and per-row subqueries are then read for those ids
    alone. A plain slice makes the database join and compute them for every row before
    it sorts (v3's package list: about 60 ms for 5,000 packages, 3 ms this way).
    """
    if not connections[queryset.db].features.allow_sliced_subqueries_with_in:
        return list(queryset[offset : offset + limit])
    ids = queryset.values("pk")[offset : offset + limit]
    return list(queryset.filter(pk__in=ids))


class LegacyPagination(BasePagination):
    """djangopackages.org's v3 limit/offset envelope: default limit 20, at most 1000.

    Parameters are read as upstream read them (`lenient_int`): a value that is not an
    integer, or is negative, means the default (limit 20, offset 0). A larger limit is cut
    to 1000 (upstream had no ceiling). `limit=0` is a page without objects that still
    counts them (`meta.total_count`); it links to no next or previous page, which would
    be itself. An `offset` past the end is an empty page. `next`/`previous` are
    `<path>?limit=L&offset=O`, followed by any other query parameters of the request.
    """

    default_limit = 20

    def paginate_queryset(  # type: ignore[override]  # only ever given querysets
        self,
        queryset: QuerySet[Any],
        request: Request,
        view: APIView | None = None,
    ) -> list[Any]:
        self.limit = min(lenient_int(request, "limit", default=self.default_limit), MAX_LIMIT)
        self.offset = lenient_int(request, "offset", default=0)
        self.path = request.path
        # Other parameters (`category`, `format`) follow limit and offset in the links, so
        # that paging a filtered list stays filtered; upstream dropped them.
        others = request.query_params.copy()
        for name in ("limit", "offset"):
            others.pop(name, None)
        self.other_params = f"&{others.urlencode()}" if others else ""
        self.total_count = queryset.count()
        if self.limit == 0 or self.offset >= self.total_count:
            # Also keeps an absurd offset away from the database, where it could overflow.
            return []
        return page_rows(queryset, self.offset, self.limit)

    def _link(self, offset: int) -> str:
        return f"{self.path}?limit={self.limit}&offset={offset}{self.other_params}"

    def get_envelope(self, objects: list[Any]) -> dict[str, Any]:
        """`{"meta": {...}, "objects": objects}` for the page last paginated."""
        has_next = self.limit and self.offset + self.limit < self.total_count
        has_previous = self.limit and self.offset
        return {
            "meta": {
                "limit": self.limit,
                "next": self._link(self.offset + self.limit) if has_next else None,
                "offset": self.offset,
                "previous": self._link(max(self.offset - self.limit, 0)) if has_previous else None,
                "total_count": self.total_count,
            },
            "objects": objects,
        }

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response(self.get_envelope(data))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return legacy_envelope_schema(schema, category=False)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        def parameter(name: str, description: str) -> dict[str, Any]:
            return {
                "name": name,
                "in": "query",
                "required": False,
                "description": description,
                "schema": {"type": "integer"},
            }

        return [
            parameter("limit", "Objects per page: 20 by default, at most 1000."),
            parameter("offset", "How many objects to skip."),
        ]


class LegacyPackagePagination(LegacyPagination):
    """The package list's envelope, which alone carries a top-level "category", always
    null, as upstream's did."""

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response({"category": None, **self.get_envelope(data)})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return legacy_envelope_schema(schema, category=True)


# --- Views ----------------------------------------------------------------------------


class JSONOnlyNegotiation(BaseContentNegotiation):
    """Always the first parser and renderer: v3 answers JSON, never HTML or a 406."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class LegacyAPIMixin:
    """JSON only, and errors in upstream's `{"error": status, "message": ...}` shape."""

    renderer_classes: Sequence[type[BaseRenderer]] = [renderers.JSONRenderer]
    content_negotiation_class: type[BaseContentNegotiation] = JSONOnlyNegotiation

    def get_exception_handler(self) -> Any:
        return legacy_exception_handler


class LegacyViewSet(LegacyAPIMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]  # DRF stubs: generic
    """Shared by the v3 collections: slug lookup, upstream's paging, relative paths."""

    lookup_field = "slug"
    # Upstream's pattern. Anything else (a NUL byte, which PostgreSQL refuses to compare)
    # is a 404 before it reaches the database.
    lookup_value_regex = r"[-\w]+"
    pagination_class = LegacyPagination

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "paths": LegacyPaths()}


@extend_schema_view(
    list=extend_schema(responses=V3PackageSerializer(many=True), parameters=[V3_CATEGORY]),
    retrieve=extend_schema(
        responses={200: V3PackageSerializer, 404: LEGACY_NOT_FOUND}, parameters=[v3_slug()]
    ),
)
class PackageViewSet(LegacyViewSet):
    """Packages by title; `?category=<slug>` keeps one category's (all for an unknown one)."""

    serializer_class = LegacyPackageSerializer
    pagination_class = LegacyPackagePagination
    # Built once, as DRF's `queryset` attributes are (each request gets a copy): building
    # it, with its joins, subqueries and prefetch, takes about a millisecond.
    queryset = package_list_for_legacy_api()

    def get_queryset(self) -> QuerySet[Package]:
        category = self.request.query_params.get("category") if self.action == "list" else None
        if category:
            return package_list_for_legacy_api(category_slug=category)
        packages: QuerySet[Package] = super().get_queryset()
        return packages


@extend_schema_view(
    list=extend_schema(responses=V3GridSerializer(many=True)),
    retrieve=extend_schema(
        responses={200: V3GridSerializer, 404: LEGACY_NOT_FOUND}, parameters=[v3_slug()]
    ),
)
class GridViewSet(ActionSchemaMixin, LegacyViewSet):
    """Grids by title; `grids/<slug>/packages/` pages through one grid's packages."""

    queryset = grid_list_for_legacy_api()
    serializer_class = LegacyGridSerializer

    @extend_schema(
        responses={200: V3GridPackagesSerializer, 404: LEGACY_NOT_FOUND},
        parameters=[
            v3_slug(),
            OpenApiParameter("limit", int, description="Packages per page: 20, at most 1000."),
            OpenApiParameter("offset", int, description="How many packages to skip."),
        ],
    )
    @action(detail=True)
    def packages(self, request: Request, slug: str) -> Response:
        """The grid's packages by title, with the grid itself under "grid"."""
        grid = self.get_object()
        packages = package_list_for_legacy_api().filter(grid_packages__grid=grid)
        paginator: LegacyPagination = self.paginator  # type: ignore[assignment]  # set by pagination_class
        page = paginator.paginate_queryset(packages, request, self)
        context = self.get_serializer_context()
        objects = LegacyPackageSerializer(
            page,  # type: ignore[arg-type]  # the stubs do not model many=True
            many=True,
            context=context,
        ).data
        envelope = paginator.get_envelope(objects)
        return Response({"grid": LegacyGridSerializer(grid, context=context).data, **envelope})


@extend_schema_view(
    list=extend_schema(responses=V3CategorySerializer(many=True)),
    retrieve=extend_schema(
        responses={200: V3CategorySerializer, 404: LEGACY_NOT_FOUND}, parameters=[v3_slug()]
    ),
)
class CategoryViewSet(LegacyViewSet):
    """Categories by title."""

    queryset = category_list_for_legacy_api()
    serializer_class = LegacyCategorySerializer


class LoginRequiredPermission(permissions.IsAuthenticated):
    """Logged-in people only; anonymous visitors are sent to the login page."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            raise LoginRequired()
        return True


@extend_schema_view(
    list=extend_schema(
        responses={200: V3UserSerializer(many=True), 302: LOGIN_REDIRECT},
        parameters=[V3_LIST_PACKAGES],
    ),
    retrieve=extend_schema(
        responses={200: V3UserSerializer, 302: LOGIN_REDIRECT, 404: LEGACY_NOT_FOUND},
        parameters=[v3_slug("github_account", "A GitHub account."), V3_LIST_PACKAGES],
    ),
)
class UserViewSet(LegacyViewSet):
    """People with a GitHub account, by profile id ascending; login required.

    `?list_packages=1` (any non-empty value, as upstream read it) adds each person's
    packages: those whose repository lists them as a participant (one more query).
    """

    lookup_field = "github_account"
    permission_classes = [LoginRequiredPermission]
    queryset = profile_list_for_legacy_api()
    serializer_class = LegacyUserSerializer

    def get_object(self) -> Profile:
        # github_account is not unique in the data (imports, renamed accounts): take the
        # oldest profile rather than failing with MultipleObjectsReturned.
        account = self.kwargs["github_account"]
        profiles: QuerySet[Profile] = self.get_queryset()
        profile = profiles.filter(github_account=account).first()
        if profile is None:
            raise NotFound(f"No user with GitHub account {account!r}.")
        self.check_object_permissions(self.request, profile)
        return profile

    def _wants_packages(self) -> bool:
        # Any non-empty value, "0" included, as upstream read the parameter.
        return bool(self.request.query_params.get("list_packages"))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        paginator: LegacyPagination = self.paginator  # type: ignore[assignment]  # set by pagination_class
        page: list[Profile] = paginator.paginate_queryset(self.get_queryset(), request, self)
        context = self.get_serializer_context()
        if self._wants_packages():
            context["packages"] = package_slugs_by_contributor(p.github_account for p in page)
        users = [LegacyUserSerializer(profile, context=context).data for profile in page]
        return Response(paginator.get_envelope(users))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        profile = self.get_object()
        context = self.get_serializer_context()
        if self._wants_packages():
            context["packages"] = package_slugs_by_contributor([profile.github_account])
        return Response(LegacyUserSerializer(profile, context=context).data)


class RootView(LegacyAPIMixin, APIView):
    """The four v3 collections and their list paths."""

    @extend_schema(responses=V3RootSerializer)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "categories": reverse("v3:category-list"),
                "grids": reverse("v3:grid-list"),
                "packages": reverse("v3:package-list"),
                "users": reverse("v3:user-list"),
            }
        )


@csrf_exempt  # a POST gets the same JSON 404, not a CSRF failure page
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under `/api/v3/` that ends in a slash: a 404 in the v3 error shape.

    Paths without the slash are left to `APPEND_SLASH`, so that `/api/v3/packages/<slug>`
    is still redirected (301) to the package, as clients expect.
    """
    return JsonResponse(legacy_error_body(404, "Not found."), status=404)


router = routers.SimpleRouter()
router.register("packages", PackageViewSet, basename="package")
router.register("grids", GridViewSet, basename="grid")
router.register("categories", CategoryViewSet, basename="category")
router.register("users", UserViewSet, basename="user")

# Included under the namespace "v3" (packagegrid/api/urls.py), so the root is LEGACY_ROOT.
urlpatterns = [
    path("", RootView.as_view(), name="api-root"),
    *router.urls,
    re_path(r"^[\s\S]*/$", not_found),
]
