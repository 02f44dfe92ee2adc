"""Admin for the catalog: curated packages with their fetched data inline."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from packagegrid.catalog import models
from packagegrid.catalog.selectors import package_for_repo
from packagegrid.lib.repo_urls import InvalidRepoURL, parse_repo_url


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin[models.Category]):
    list_display = ["title", "slug", "title_plural", "show_pypi", "modified"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


class RepoDataInline(admin.StackedInline[models.RepoData, models.Package]):
    model = models.RepoData
    extra = 0


class PyPIDataInline(admin.StackedInline[models.PyPIData, models.Package]):
    model = models.PyPIData
    extra = 0


class PackageAdminForm(forms.ModelForm[models.Package]):
    """Refuses an invalid repository URL, or one another package lists, with a message
    (the unique repository key would otherwise fail the save)."""

    class Meta:
        model = models.Package
        fields = [
            "title",
            "slug",
            "category",
            "repo_url",
            "pypi_url",
            "documentation_url",
            "replaced_by",
            "created_by",
            "last_modified_by",
            "last_fetched",
            "created",
            "modified",
        ]

    def clean_repo_url(self) -> str:
        repo_url: str = self.cleaned_data["repo_url"]
        if self.instance.pk and "repo_url" not in self.changed_data:
            # Unchanged: a package left without a key (a duplicate from before the key,
            # or an old unreadable URL) stays so, and its other fields can be edited.
            self.instance.withhold_repo_key = self.instance.repo_key is None
            return repo_url
        if not repo_url:
            return repo_url
        try:
            repo = parse_repo_url(repo_url)
        except InvalidRepoURL:
            raise ValidationError("Not a valid repository URL.") from None
        duplicate = package_for_repo(repo=repo, exclude_id=self.instance.pk)
        if duplicate is not None:
            raise ValidationError(f"This repository is already listed as “{duplicate.title}”.")
        return repo_url


@admin.register(models.Package)
class PackageAdmin(admin.ModelAdmin[models.Package]):
    form = PackageAdminForm
    list_display = ["title", "slug", "category", "repo_url", "last_fetched", "modified"]
    list_filter = ["category", "imported", "repo_data__archived"]
    search_fields = ["title", "slug", "repo_url", "repo_key", "pypi_url"]
    readonly_fields = ["repo_key", "imported"]
    list_select_related = ["category"]
    raw_id_fields = ["replaced_by", "created_by", "last_modified_by"]
    date_hierarchy = "created"
    inlines = [RepoDataInline, PyPIDataInline]


@admin.register(models.Release)
class ReleaseAdmin(admin.ModelAdmin[models.Release]):
    list_display = ["package", "version", "uploaded_at", "yanked"]
    list_filter = ["yanked"]
    search_fields = ["package__title", "version"]
    list_select_related = ["package"]
    raw_id_fields = ["package"]


@admin.register(models.Readme)
class ReadmeAdmin(admin.ModelAdmin[models.Readme]):
    """Read-only: the HTML is shown as stored, so it must only ever come from the
    sanitiser (`packagegrid readme_render` renders it again)."""

    list_display = ["package", "format", "content_type", "truncated", "renderer", "rendered_at"]
    list_filter = ["format", "truncated", "renderer"]
    search_fields = ["package__title", "package__slug"]
    list_select_related = ["package"]
    readonly_fields = [
        "package", "content_type", "format", "truncated", "renderer", "rendered_at", "source",
        "html", "text",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Readme | None = None) -> bool:
        return False


@admin.register(models.Usage)
class UsageAdmin(admin.ModelAdmin[models.Usage]):
    list_display = ["user", "package", "created"]
    search_fields = ["user__username", "package__title"]
    list_select_related = ["user", "package"]
    raw_id_fields = ["user", "package"]


@admin.register(models.Favorite)
class FavoriteAdmin(admin.ModelAdmin[models.Favorite]):
    list_display = ["user", "package", "created"]
    search_fields = ["user__username", "package__title"]
    list_select_related = ["user", "package"]
    raw_id_fields = ["user", "package"]


@admin.register(models.Flag)
class FlagAdmin(admin.ModelAdmin[models.Flag]):
    list_display = ["package", "reason", "status", "user", "created", "resolved_by"]
    list_filter = ["status", "reason"]
    search_fields = ["package__title", "message"]
    list_select_related = ["package", "user", "resolved_by"]
    raw_id_fields = ["package", "user", "resolved_by"]


@admin.register(models.Snapshot)
class SnapshotAdmin(admin.ModelAdmin[models.Snapshot]):
    list_display = ["package", "taken_at", "stars", "forks", "commits_over_52", "latest_version"]
    search_fields = ["package__title"]
    list_select_related = ["package"]
    raw_id_fields = ["package"]
    date_hierarchy = "taken_at"


@admin.register(models.EditRecord)
class EditRecordAdmin(admin.ModelAdmin[models.EditRecord]):
    list_display = ["created", "action", "content_type", "object_id", "user"]
    list_filter = ["action", "content_type"]
    search_fields = ["user__username"]
    list_select_related = ["content_type", "user"]
    raw_id_fields = ["user"]


@admin.register(models.PendingChange)
class PendingChangeAdmin(admin.ModelAdmin[models.PendingChange]):
    """Read-only: changes are approved or rejected on the review page, which applies them
    through the same checks as an edit."""

    list_display = ["package", "status", "user", "created", "resolved_by"]
    list_filter = ["status"]
    search_fields = ["package__title"]
    list_select_related = ["package", "user", "resolved_by"]
    readonly_fields = [
        "package",
        "user",
        "changes",
        "status",
        "created",
        "resolved_by",
        "resolved_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False
