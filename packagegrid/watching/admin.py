"""Admin of watches and watch settings (read mostly: people manage their own)."""

from django.contrib import admin

from packagegrid.watching.models import Watch, WatchSettings


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin[Watch]):
    list_display = ["user", "package", "grid", "created"]
    raw_id_fields = ["user", "package", "grid"]


@admin.register(WatchSettings)
class WatchSettingsAdmin(admin.ModelAdmin[WatchSettings]):
    list_display = ["user", "digest", "digest_covered_until"]
    raw_id_fields = ["user"]
    exclude = ["feed_token"]
