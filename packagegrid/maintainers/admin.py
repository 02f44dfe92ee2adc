"""Admin of maintainer claims, their log and delisting requests (read mostly)."""

from django.contrib import admin

from packagegrid.maintainers.models import DelistingRequest, MaintainerClaim, MaintainerEvent


@admin.register(MaintainerClaim)
class MaintainerClaimAdmin(admin.ModelAdmin[MaintainerClaim]):
    list_display = ["package", "github_login", "permission", "status", "checked_at"]
    list_filter = ["status"]
    search_fields = ["github_login", "package__title"]
    raw_id_fields = ["package", "user", "ended_by"]


@admin.register(MaintainerEvent)
class MaintainerEventAdmin(admin.ModelAdmin[MaintainerEvent]):
    list_display = ["created", "package", "kind", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["claim", "package", "actor"]


@admin.register(DelistingRequest)
class DelistingRequestAdmin(admin.ModelAdmin[DelistingRequest]):
    list_display = ["created", "package_title", "status", "resolved_by"]
    list_filter = ["status"]
    raw_id_fields = ["package", "claim", "user", "resolved_by"]
