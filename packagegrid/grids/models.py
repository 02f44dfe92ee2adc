"""Grids: packages compared side by side, with features (rows) and elements (cells)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from packagegrid.catalog.models import Package, TimestampedModel, VersionedModel


class Grid(TimestampedModel, VersionedModel):
    title = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_locked = models.BooleanField(default=False, help_text="Only staff may edit a locked grid.")
    # Kept for API compatibility: djangopackages.org shows "header" grids on its home page.
    header = models.BooleanField(default=False)
    is_featured = models.BooleanField(default=False, db_index=True)
    packages = models.ManyToManyField(Package, through="GridPackage", related_name="grids")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_grids",
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("grid", kwargs={"slug": self.slug})


class GridPackage(TimestampedModel):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="grid_packages")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="grid_packages")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grid", "package"], name="unique_grid_package"),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} in {self.grid_id}"


class Feature(TimestampedModel, VersionedModel):
    """A comparison row of a grid."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="features")
    title = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Element(TimestampedModel, VersionedModel):
    """A cell: what one package offers for one feature (short text, ✓/✗ shorthand)."""

    grid_package = models.ForeignKey(GridPackage, on_delete=models.CASCADE, related_name="elements")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="elements")
    text = models.TextField(blank=True, max_length=1000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grid_package", "feature"], name="unique_element"),
        ]

    def __str__(self) -> str:
        return f"{self.feature_id}/{self.grid_package_id}"
