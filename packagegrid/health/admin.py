"""Admin for health facts: read them to check a package's compatibility and advisories."""

from django.contrib import admin

from packagegrid.health.models import Advisory, CIMatrix, Compatibility, LifecycleChange


@admin.register(Compatibility)
class CompatibilityAdmin(admin.ModelAdmin[Compatibility]):
    list_display = ["package", "product", "version", "sources"]
    list_filter = ["product", "version"]
    search_fields = ["package__title"]
    list_select_related = ["package"]
    raw_id_fields = ["package"]


@admin.register(Advisory)
class AdvisoryAdmin(admin.ModelAdmin[Advisory]):
    list_display = ["advisory_id", "package", "fixed_in", "withdrawn"]
    search_fields = ["advisory_id", "package__title", "summary"]
    list_select_related = ["package"]
    raw_id_fields = ["package"]


@admin.register(CIMatrix)
class CIMatrixAdmin(admin.ModelAdmin[CIMatrix]):
    list_display = ["package", "django", "python", "fetched_at"]
    search_fields = ["package__title"]
    list_select_related = ["package"]
    raw_id_fields = ["package"]


@admin.register(LifecycleChange)
class LifecycleChangeAdmin(admin.ModelAdmin[LifecycleChange]):
    list_display = ["package", "previous", "lifecycle", "changed_at"]
    list_filter = ["lifecycle"]
    search_fields = ["package__title"]
    list_select_related = ["package"]
    raw_id_fields = ["package"]
