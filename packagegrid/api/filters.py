"""API v5's package filters and orderings (django-filter), with a 400 for any value
that cannot be read."""

import re
from datetime import UTC, datetime
from typing import Any

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from rest_framework import exceptions
from rest_framework.request import Request

from packagegrid.api.pagination import ID_SORT, SortKey
from packagegrid.catalog.models import Category, Package
from packagegrid.catalog.selectors import last_release_subquery, usage_count_subquery
from packagegrid.grids.models import Grid
from packagegrid.health.models import Advisory, Compatibility, Lifecycle
from packagegrid.lib.ids import parse_id

# A feature release: "5.2", "3.13".
_FEATURE_RELEASE = re.compile(r"[0-9]{1,3}\.[0-9]{1,3}")
# Below every real upload time, for packages without a release.
_NO_RELEASE = datetime(1970, 1, 1, tzinfo=UTC)

PACKAGE_SORTS: dict[str, SortKey] = {
    "id": ID_SORT,
    # Never scored, never fetched: below every real value (-1), so last when descending.
    "health": SortKey("sort_health", Coalesce(F("health__score"), Value(-1)), "int"),
    "stars": SortKey("sort_stars", Coalesce(F("repo_data__stars"), Value(-1)), "int"),
    "usage": SortKey("sort_usage", usage_count_subquery(), "int"),
    "last_release": SortKey(
        "sort_last_release", Coalesce(last_release_subquery(), Value(_NO_RELEASE)), "datetime"
    ),
    "title": SortKey("sort_title", F("title"), "str"),
}


def parse_ordering(
    request: Request, sorts: dict[str, SortKey], default: str = "-id"
) -> tuple[SortKey, bool]:
    """The `ordering` query parameter as (sort key, descending); a 400 naming the choices
    for anything else."""
    raw = request.query_params.get("ordering", default).strip()
    name = raw.removeprefix("-")
    if name not in sorts:
        choices = ", ".join(f"{key}, -{key}" for key in sorts)
        raise exceptions.ValidationError({"ordering": [f"Order by one of: {choices}."]})
    return sorts[name], raw.startswith("-")


def _feature_release(name: str, value: str) -> str:
    if not _FEATURE_RELEASE.fullmatch(value):
        raise exceptions.ValidationError(
            {name: [f'Give a feature release such as "{"5.2" if name == "django" else "3.13"}".']}
        )
    return value


class PackageFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="slug",
        help_text="A category's slug.",
        error_messages={"invalid_choice": "No category has this slug."},
    )
    grid = django_filters.ModelChoiceFilter(
        field_name="grid_packages__grid",
        queryset=Grid.objects.all(),
        to_field_name="slug",
        help_text="A grid's slug: only the grid's packages.",
        error_messages={"invalid_choice": "No grid has this slug."},
    )
    license = django_filters.CharFilter(
        method="by_license", help_text="The licence as `license` shows it, ignoring case."
    )
    lifecycle = django_filters.ChoiceFilter(
        field_name="health__lifecycle",
        choices=Lifecycle.choices,
        help_text="The health lifecycle.",
    )
    django = django_filters.CharFilter(
        method="by_django", help_text='Supports this Django feature release ("5.2").'
    )
    python = django_filters.CharFilter(
        method="by_python", help_text='Supports this Python feature release ("3.13").'
    )
    has_advisory = django_filters.ChoiceFilter(
        method="by_advisory",
        choices=[("true", "true"), ("false", "false")],
        help_text="true: with a security advisory that is not withdrawn; false: without.",
    )
    reviewed = django_filters.ChoiceFilter(
        method="by_reviewed",
        choices=[("true", "true"), ("false", "false")],
        error_messages={"invalid_choice": "Give true or false."},
        help_text="true: reviewed packages only; false: only those discovery found on PyPI"
        " that wait for review.",
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="by_updated_since",
        help_text="ISO 8601: edited or fetched at or after this time (UTC when no offset).",
    )

    class Meta:
        model = Package
        fields: list[str] = []

    def by_license(self, queryset: QuerySet[Package], name: str, value: str) -> QuerySet[Package]:
        no_pypi_license = Q(pypi_data__isnull=True) | Q(pypi_data__license="")
        return queryset.filter(
            Q(pypi_data__license__iexact=value)
            | (no_pypi_license & Q(repo_data__license__iexact=value))
        )

    def _supports(self, queryset: QuerySet[Package], product: str, value: str) -> QuerySet[Package]:
        version = _feature_release(product, value)
        rows = Compatibility.objects.filter(
            package=OuterRef("pk"), product=product, version=version
        )
        return queryset.filter(Exists(rows))

    def by_django(self, queryset: QuerySet[Package], name: str, value: str) -> QuerySet[Package]:
        return self._supports(queryset, "django", value)

    def by_python(self, queryset: QuerySet[Package], name: str, value: str) -> QuerySet[Package]:
        return self._supports(queryset, "python", value)

    def by_advisory(self, queryset: QuerySet[Package], name: str, value: str) -> QuerySet[Package]:
        live = Exists(Advisory.objects.filter(package=OuterRef("pk"), withdrawn__isnull=True))
        return queryset.filter(live if value == "true" else ~live)

    def by_reviewed(self, queryset: QuerySet[Package], name: str, value: str) -> QuerySet[Package]:
        return queryset.filter(reviewed=value == "true")

    def by_updated_since(
        self, queryset: QuerySet[Package], name: str, value: datetime
    ) -> QuerySet[Package]:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return queryset.filter(Q(modified__gte=value) | Q(last_fetched__gte=value))


V5_TITLE_SORTS: dict[str, SortKey] = {
    "id": ID_SORT,
    "title": SortKey("sort_title", F("title"), "str"),
}
RELEASE_SORTS: dict[str, SortKey] = {
    "id": ID_SORT,
    "uploaded": SortKey(
        "sort_uploaded", Coalesce(F("uploaded_at"), Value(_NO_RELEASE)), "datetime"
    ),
}


def release_package_filter(queryset: QuerySet[Any], request: Request) -> QuerySet[Any]:
    """`?package=<id or slug>` on the release list (no release for an unknown one)."""
    key = request.query_params.get("package")
    if key is None:
        return queryset
    return queryset.filter(Q(package__slug=key) | Q(package_id=parse_id(key) or 0))
