"""Reads of catalog data, shaped for the pages and APIs that use them."""

from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from packagegrid.catalog.models import Package, PackageQuerySet, Release, Usage
from packagegrid.grids.models import GridPackage


def usage_count_subquery() -> Coalesce:
    """How many people use the outer package, as an annotation (0 when nobody)."""
    counts = (
        Usage.objects.filter(package=OuterRef("pk"))
        .order_by()
        .values("package")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def last_release_subquery() -> Subquery:
    """Upload time of the outer package's newest non-yanked release (None when unknown)."""
    newest = (
        Release.objects.filter(package=OuterRef("pk"), yanked=False)
        .order_by()
        .values("package")
        .annotate(at=Max("uploaded_at"))
        .values("at")
    )
    return Subquery(newest)


def package_list_for_api() -> PackageQuerySet:
    """Packages newest id first, with fetched data and grid ids: three queries a page.

    A package's grids come in the order it joined them, as upstream lists them.
    """
    grid_links = GridPackage.objects.only("grid_id", "package_id").order_by("id")
    return (
        Package.objects.with_fetched_data()
        .prefetch_related(Prefetch("grid_packages", queryset=grid_links))
        .order_by("-id")
    )
