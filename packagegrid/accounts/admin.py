"""Admin for profiles."""

from django.contrib import admin

from packagegrid.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["user", "github_account", "share_favorites", "created"]
    search_fields = ["user__username", "github_account"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
