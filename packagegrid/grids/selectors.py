"""Reads of grid data, shaped for the pages and APIs that use them."""

from django.db.models import Prefetch, QuerySet

from packagegrid.grids.models import Grid, GridPackage


def grid_list_for_api() -> QuerySet[Grid]:
    """Grids newest id first, with their package ids: two queries a page (plus the count)."""
    package_links = GridPackage.objects.only("grid_id", "package_id").order_by("package_id")
    return Grid.objects.prefetch_related(
        Prefetch("grid_packages", queryset=package_links)
    ).order_by("-id")
