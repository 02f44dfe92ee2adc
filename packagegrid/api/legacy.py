"""API v3 (legacy): djangopackages.org's old tastypie API, kept for the clients that use it.

Mounted at `/api/v3/`. Read-only (`Allow: GET, HEAD, OPTIONS`; writes get 405), JSON by
default with DRF's browsable API on `?format=api`. Lists use tastypie's envelope,
`{"meta": {limit, next, offset, previous, total_count}, "objects": [...]}`, with relative
`next`/`previous` links, and are ordered by primary key ascending, tastypie's default.
The users endpoints require login, as upstream's do.

Every endpoint takes a constant number of queries, whatever the page size:

- `packages/`: 3 (count, page, grid slugs); `packages/<slug>/`: 2
- `grids/`: 3 (count, page, package slugs); `grids/<slug>/`: 2
- `grids/<slug>/packages/`: 5 (the grid and its package slugs, then as `packages/`)
- `categories/`: 2; `categories/<slug>/`: 1
- `users/`: 2; `users/<github_account>/`: 1 (plus the session and user lookups of login)

A list whose `offset` is at or past the end skips the page query (and so its prefetch).
"""

from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import path, reverse
from rest_framework import permissions, routers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from packagegrid.accounts.models import Profile
from packagegrid.api.legacy_serializers import (
    LegacyCategorySerializer,
    LegacyGridSerializer,
    LegacyPackageSerializer,
    LegacyPaths,
    LegacyUserSerializer,
)
from packagegrid.api.pagination import MAX_LIMIT, parse_bound
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
    """Packages by id ascending, shaped for `LegacyPackageSerializer`.

    With `category_slug`, only that category's packages (none for an unknown slug). One
    query per page, plus one for the grid slugs of the whole page.
    """
    # A package's grids in the order it joined them, as API v4 lists them.
    grid_links = (
        GridPackage.objects.annotate(grid_slug=F("grid__slug")).only("package_id").order_by("id")
    )
    packages = (
        Package.objects.with_fetched_data()
        # Never shown by v3, and large enough to matter on a 1,000-package page.
        .defer("pypi_data__summary", "pypi_data__classifiers", "pypi_data__project_urls")
        .annotate(
            usage_count=usage_count_subquery(),
            created_by_account=_github_account_subquery("created_by_id"),
            last_modified_by_account=_github_account_subquery("last_modified_by_id"),
        )
        .prefetch_related(Prefetch("grid_packages", queryset=grid_links))
        .order_by("pk")
    )
    if category_slug is not None:
        # No slug holds a NUL byte, and PostgreSQL refuses to compare text with one.
        if "\x00" in category_slug:
            return packages.none()
        packages = packages.filter(category__slug=category_slug)
    return packages


def grid_list_for_legacy_api() -> QuerySet[Grid]:
    """Grids by id ascending with their package slugs (by package id, as API v4 lists them).

    Two queries a page.
    """
    package_links = (
        GridPackage.objects.annotate(package_slug=F("package__slug"))
        .only("grid_id")
        .order_by("package_id")
    )
    return Grid.objects.prefetch_related(
        Prefetch("grid_packages", queryset=package_links)
    ).order_by("pk")


def category_list_for_legacy_api() -> QuerySet[Category]:
    """Categories by id ascending."""
    return Category.objects.order_by("pk")


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


# --- Paging ---------------------------------------------------------------------------


class LegacyPagination(BasePagination):
    """tastypie's limit/offset envelope: default limit 20, at most 1000.

    Non-numeric or negative `limit`/`offset`, and a `limit` above 1000, are a 400 naming
    the parameter (upstream silently used the default). An `offset` past the end is an
    empty page, as upstream served it. `next`/`previous` are
    `<path>?limit=L&offset=O`, followed by any other query parameters of the request.
    """

    default_limit = 20

    def paginate_queryset(  # type: ignore[override]  # only ever given querysets
        self,
        queryset: QuerySet[Any],
        request: Request,
        view: APIView | None = None,
    ) -> list[Any]:
        self.limit = parse_bound(
            request, "limit", default=self.default_limit, minimum=1, maximum=MAX_LIMIT
        )
        self.offset = parse_bound(request, "offset", default=0, minimum=0)
        self.path = request.path
        # Other parameters (`category`, `format`) follow limit and offset in the links, so
        # that paging a filtered list stays filtered; upstream dropped them.
        others = request.query_params.copy()
        for name in ("limit", "offset"):
            others.pop(name, None)
        self.other_params = f"&{others.urlencode()}" if others else ""
        self.total_count = queryset.count()
        if self.offset >= self.total_count:
            # Also keeps an absurd offset away from the database, where it could overflow.
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def _link(self, offset: int) -> str:
        return f"{self.path}?limit={self.limit}&offset={offset}{self.other_params}"

    def get_envelope(self, objects: list[Any]) -> dict[str, Any]:
        """`{"meta": {...}, "objects": objects}` for the page last paginated."""
        has_next = self.offset + self.limit < self.total_count
        return {
            "meta": {
                "limit": self.limit,
                "next": self._link(self.offset + self.limit) if has_next else None,
                "offset": self.offset,
                "previous": self._link(max(self.offset - self.limit, 0)) if self.offset else None,
                "total_count": self.total_count,
            },
            "objects": objects,
        }

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response(self.get_envelope(data))


# --- Views ----------------------------------------------------------------------------


class LegacyViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Shared by the v3 collections: slug lookup, tastypie paging, relative paths."""

    lookup_field = "slug"
    # Upstream's pattern. Anything else (a NUL byte, which PostgreSQL refuses to compare)
    # is a 404 before it reaches the database.
    lookup_value_regex = r"[-\w]+"
    pagination_class = LegacyPagination

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "paths": LegacyPaths()}


class PackageViewSet(LegacyViewSet):
    """Packages by id ascending; `?category=<slug>` keeps one category's."""

    serializer_class = LegacyPackageSerializer

    def get_queryset(self) -> QuerySet[Package]:
        category = self.request.query_params.get("category") if self.action == "list" else None
        return package_list_for_legacy_api(category_slug=category or None)


class GridViewSet(LegacyViewSet):
    """Grids by id ascending; `grids/<slug>/packages/` pages through one grid's packages."""

    queryset = grid_list_for_legacy_api()
    serializer_class = LegacyGridSerializer

    @action(detail=True)
    def packages(self, request: Request, slug: str) -> Response:
        """The grid's packages by id ascending, with the grid itself under "grid"."""
        grid = self.get_object()
        packages = package_list_for_legacy_api().filter(grid_packages__grid=grid)
        paginator: LegacyPagination = self.paginator  # type: ignore[assignment]
        page = paginator.paginate_queryset(packages, request, self)
        context = self.get_serializer_context()
        objects = LegacyPackageSerializer(
            page,  # type: ignore[arg-type]  # the stubs do not model many=True
            many=True,
            context=context,
        ).data
        envelope = paginator.get_envelope(objects)
        return Response({"grid": LegacyGridSerializer(grid, context=context).data, **envelope})


class CategoryViewSet(LegacyViewSet):
    """Categories by id ascending."""

    queryset = category_list_for_legacy_api()
    serializer_class = LegacyCategorySerializer


class UserViewSet(LegacyViewSet):
    """People with a GitHub account, by profile id ascending; login required."""

    lookup_field = "github_account"
    permission_classes = [permissions.IsAuthenticated]
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


class RootView(APIView):
    """The four v3 collections and their list paths."""

    def get(self, request: Request) -> Response:
        return Response(
            {
                "categories": reverse("v3:category-list"),
                "grids": reverse("v3:grid-list"),
                "packages": reverse("v3:package-list"),
                "users": reverse("v3:user-list"),
            }
        )


router = routers.SimpleRouter()
router.register("packages", PackageViewSet, basename="package")
router.register("grids", GridViewSet, basename="grid")
router.register("categories", CategoryViewSet, basename="category")
router.register("users", UserViewSet, basename="user")

# Included under the namespace "v3" (packagegrid/api/urls.py), so the root is LEGACY_ROOT.
urlpatterns = [path("", RootView.as_view(), name="api-root"), *router.urls]
