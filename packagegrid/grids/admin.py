"""Admin for grids, their packages, features and cells."""

from django.contrib import admin

from packagegrid.grids import models


class GridPackageInline(admin.TabularInline[models.GridPackage, models.Grid]):
    model = models.GridPackage
    raw_id_fields = ["package"]
    extra = 0


class FeatureInline(admin.TabularInline[models.Feature, models.Grid]):
    model = models.Feature
    extra = 0


@admin.register(models.Grid)
class GridAdmin(admin.ModelAdmin[models.Grid]):
    list_display = ["title", "slug", "is_featured", "is_locked", "header", "modified"]
    list_filter = ["is_featured", "is_locked", "header"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["created_by"]
    inlines = [FeatureInline, GridPackageInline]


@admin.register(models.GridPackage)
class GridPackageAdmin(admin.ModelAdmin[models.GridPackage]):
    list_display = ["grid", "package", "created"]
    search_fields = ["grid__title", "package__title"]
    list_select_related = ["grid", "package"]
    raw_id_fields = ["grid", "package"]


@admin.register(models.Feature)
class FeatureAdmin(admin.ModelAdmin[models.Feature]):
    list_display = ["title", "grid", "modified"]
    search_fields = ["title", "grid__title"]
    list_select_related = ["grid"]
    raw_id_fields = ["grid"]


@admin.register(models.Element)
class ElementAdmin(admin.ModelAdmin[models.Element]):
    list_display = ["feature", "grid_package", "text"]
    search_fields = ["text", "feature__title"]
    list_select_related = ["feature", "grid_package__package"]
    raw_id_fields = ["grid_package", "feature"]
