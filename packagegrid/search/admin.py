"""Admin for the synonym table (the search index itself is derived, not edited)."""

from django.contrib import admin

from packagegrid.search.models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin[Synonym]):
    list_display = ["phrase", "expansion", "both_ways"]
    list_filter = ["both_ways"]
    search_fields = ["phrase", "expansion"]
