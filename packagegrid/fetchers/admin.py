"""Admin for fetch state: failures, counts and packages that need review."""

from django.contrib import admin

from packagegrid.fetchers.models import FetchState


@admin.register(FetchState)
class FetchStateAdmin(admin.ModelAdmin[FetchState]):
    list_display = [
        "package",
        "source",
        "last_success_at",
        "last_error_at",
        "error_count",
        "needs_review",
    ]
    list_filter = ["source", "needs_review"]
    search_fields = ["package__title", "last_error"]
    list_select_related = ["package"]
    raw_id_fields = ["package"]
