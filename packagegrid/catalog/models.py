"""Catalog models.

Curated facts (what people say: `Category`, `Package`) are kept apart from fetched facts
(what the code host says: `RepoData`; what PyPI says: `PyPIData`, `Release`) and from
community signals (`Usage`, `Favorite`, `Flag`), trends (`Snapshot`) and the edit
history (`EditRecord`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from packagegrid.lib.pypi_names import normalize_pypi_name, pypi_name_from_url
from packagegrid.lib.repo_urls import RepoRef, parse_repo_url, repo_key_for_url

if TYPE_CHECKING:
    from packagegrid.grids.models import Grid


class TimestampedModel(models.Model):
    """`created` and `modified`, set explicitly rather than with auto_now.

    Imported records keep their original timestamps, so nothing may overwrite them on save;
    services set `modified` when a person changes something.
    """

    created = models.DateTimeField(default=timezone.now, db_index=True)
    modified = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """`version`, raised by one on every edit a person saves.

    An edit form carries the version it started from; the service saves only where the
    row still has it (`filter(pk=..., version=...).update(...)`), so a stale or concurrent
    save is refused as a conflict instead of overwriting the other edit.
    """

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Category(TimestampedModel):
    title = models.CharField(max_length=50)
    slug = models.SlugField(max_length=50, unique=True)
    description = models.TextField(blank=True)
    title_plural = models.CharField(max_length=50, blank=True)
    show_pypi = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("category", kwargs={"slug": self.slug})


def listed_packages_q(prefix: str = "") -> Q:
    """The condition of `PackageQuerySet.listed()` (reviewed packages) for a query that
    reaches packages through a relation: `listed_packages_q("package__")` on releases."""
    return Q(**{f"{prefix}reviewed": True})


class PackageQuerySet(models.QuerySet["Package"]):
    def with_fetched_data(self) -> PackageQuerySet:
        """Join the category and both fetched-data records (one query, no N+1)."""
        return self.select_related("category", "repo_data", "pypi_data")

    def listed(self, *, include_discovered: bool = False) -> PackageQuerySet:
        """The packages the directory lists: those a person added or reviewed. Packages
        `discover` found on PyPI and nobody reviewed yet are left out unless
        `include_discovered`. Every list of packages a reader browses (home, /packages/,
        categories, feeds, sitemap, trending, readiness) reads through this one filter;
        search and a package's own page find them too, marked "auto-discovered"."""
        return self if include_discovered else self.filter(listed_packages_q())


class Package(TimestampedModel, VersionedModel):
    """A package as people curate it. Fetched numbers live in `RepoData`/`PyPIData`."""

    title = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="packages")
    repo_url = models.URLField(max_length=500, blank=True, db_index=True)
    # `repo_key(repo_url)` (`github.com/owner/name`), kept in sync by `save`. Unique, so
    # one repository is listed once even when two adds race; null when there is no
    # repository URL, it cannot be parsed, or (for records older than the constraint or
    # imported) another, older package already holds the key.
    repo_key = models.CharField(
        max_length=500, null=True, blank=True, unique=True, editable=False, default=None
    )
    # Provenance: True for a package created by `import_djangopackages`, False for one
    # added on this site. The importer never overwrites a site package unless forced.
    imported = models.BooleanField(default=False, editable=False)
    # Stored as given: djangopackages.org records carry several URL forms (and a few malformed
    # ones); `pypi_name` normalises them when the name is needed.
    pypi_url = models.CharField(max_length=500, blank=True)
    # null ("never set", older records) and "" ("set to nothing") are kept apart on purpose:
    # API v4 serves them differently and an import must read back identically.
    documentation_url = models.CharField(max_length=500, null=True, blank=True)  # noqa: DJ001
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    # Its verified maintainer says the package is done, not dead: the health lifecycle
    # reads it as `stable` while nothing signals breakage (packagegrid.health.model).
    finished = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_packages",
    )
    last_modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="modified_packages",
    )
    # When fetched data was last applied; null means never fetched.
    last_fetched = models.DateTimeField(null=True, blank=True)
    # The PEP 503 normalised `pypi_name` ("" when none), kept in sync by `save`: how a
    # dependency named in another package's requirements finds this package.
    pypi_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    # False for a package `discover` found on PyPI that no person has reviewed yet: it is
    # searchable but kept out of grids, the home page and API v4 (packagegrid.discovery).
    reviewed = models.BooleanField(default=True, db_index=True)

    objects = PackageQuerySet.as_manager()

    # Not a field: set on the instance before save() to store no repo_key (see save()).
    withhold_repo_key: bool = False

    if TYPE_CHECKING:
        repo_data: RepoData
        pypi_data: PyPIData
        grids: models.Manager[Grid]

    class Meta:
        ordering = ["title"]
        # Lists ordered by title read it in order and stop at the page's end: at 30,000
        # packages, a package's dependents page no longer sorts its 10,000 wide rows.
        indexes = [models.Index(fields=["title", "id"], name="package_title_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, keeping `repo_key` in sync with `repo_url` and `pypi_key` with `pypi_url`.

        Each key is recomputed on a full save and whenever `update_fields` names its
        URL; other partial saves leave it alone. Set `withhold_repo_key` on the
        instance to store no key (an imported duplicate keeps its URL without the key).
        Raises IntegrityError when another package holds the key.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "pypi_url" in update_fields:
            self.pypi_key = normalize_pypi_name(self.pypi_name)[:200]
            if update_fields is not None and "pypi_key" not in update_fields:
                kwargs["update_fields"] = update_fields = [*update_fields, "pypi_key"]
        if update_fields is None or "repo_url" in update_fields:
            self.repo_key = None if self.withhold_repo_key else repo_key_for_url(self.repo_url)
            if update_fields is not None and "repo_key" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "repo_key"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("package", kwargs={"slug": self.slug})

    @property
    def repo(self) -> RepoRef | None:
        """The parsed repository URL, or None when there is none or it cannot be read."""
        return parse_repo_url(self.repo_url) if self.repo_url else None

    @property
    def pypi_name(self) -> str:
        """The PyPI project name from `pypi_url` in any of its forms ("" when none)."""
        return pypi_name_from_url(self.pypi_url)

    @property
    def is_deprecated(self) -> bool:
        return self.replaced_by_id is not None


class RepoData(models.Model):
    """What the code host says about a package's repository."""

    package = models.OneToOneField(
        Package, primary_key=True, on_delete=models.CASCADE, related_name="repo_data"
    )
    stars = models.PositiveIntegerField(default=0)
    forks = models.PositiveIntegerField(default=0)
    description = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    # The repository is a fork of another (GitHub's `fork`); forks are left out of trending.
    is_fork = models.BooleanField(default=False)
    license = models.CharField(max_length=100, blank=True)
    open_issues = models.PositiveIntegerField(null=True, blank=True)
    default_branch = models.CharField(max_length=255, blank=True)
    homepage = models.CharField(max_length=500, blank=True)
    last_commit_at = models.DateTimeField(null=True, blank=True)
    # 52 weekly commit counts, oldest first; [] when the host could not be read (kept apart
    # from 52 zeros, which mean "readable, and no commits").
    commits_over_52 = models.JSONField(default=list, blank=True)
    # Contributor logins in contribution order.
    participants = models.JSONField(default=list, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "repository data"
        verbose_name_plural = "repository data"
        # Lets list pages read every package's sort keys from the index alone, not the
        # wide rows (descriptions, participants, 52-week lists).
        indexes = [models.Index(fields=["package", "stars"], name="repodata_stars_sort_idx")]

    def __str__(self) -> str:
        return f"Repository data for {self.package_id}"


class PyPIProjectStatus(models.TextChoices):
    """The project status markers of PEP 792."""

    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"
    DEPRECATED = "deprecated", "Deprecated"
    QUARANTINED = "quarantined", "Quarantined"


class PyPIData(models.Model):
    """What PyPI says about a package."""

    package = models.OneToOneField(
        Package, primary_key=True, on_delete=models.CASCADE, related_name="pypi_data"
    )
    # The latest non-yanked release; null when unknown.
    latest_version = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    summary = models.TextField(blank=True)
    keywords = models.TextField(blank=True)  # comma-separated, as the author gave them
    classifiers = models.JSONField(default=list, blank=True)
    # A version specifier, stored whole: cut short it would mean something else, and real
    # projects publish long ones (">=2.7, !=3.0.*, !=3.1.*, ..."). Fetching bounds it.
    requires_python = models.TextField(blank=True)
    # The declared licence, normalised by packagegrid.lib.licenses.pypi_license (an SPDX id
    # or expression where one applies, else a short name, else ""). Pages, grids and the
    # search facet show it through package_license.
    license = models.CharField(max_length=255, blank=True)
    development_status = models.CharField(max_length=50, blank=True)
    project_urls = models.JSONField(default=dict, blank=True)
    # PEP 508 requirement strings as PyPI gives them (bounded by the client's model).
    requires_dist = models.JSONField(default=list, blank=True)
    # The PEP 639 licence expression exactly as declared ("" when none).
    license_expression = models.CharField(max_length=255, blank=True)
    # PyPI's documentation link (project_urls Documentation/Docs, else docs_url): the
    # package page links it when no documentation URL is curated.
    documentation_url = models.CharField(max_length=500, blank=True)
    # PyPI's project status marker (PEP 792): "" when PyPI does not state one, which it
    # reads as active. The health lifecycle reads it (packagegrid.health.model).
    project_status = models.CharField(max_length=11, blank=True, choices=PyPIProjectStatus.choices)
    project_status_reason = models.TextField(blank=True)  # PyPI's free text, bounded on fetch
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "PyPI data"
        verbose_name_plural = "PyPI data"

    def __str__(self) -> str:
        return f"PyPI data for {self.package_id}"


class Readme(models.Model):
    """A package's README: PyPI's long description, rendered once when it is applied.

    Kept apart from PyPIData so that lists and grids, which join PyPIData, never read
    it. `source` is what PyPI gave (cut to `lib.readme.MAX_SOURCE_CHARS`), kept so that
    `packagegrid readme_render` can render it again when the renderer changes (a row
    rendered by an older `renderer` version); `html` is sanitised and shown as is.
    """

    class Format(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        RST = "rst", "reStructuredText"
        TEXT = "text", "Plain text"

    package = models.OneToOneField(
        Package, primary_key=True, on_delete=models.CASCADE, related_name="readme"
    )
    # PyPI's description_content_type as declared ("" when none, read as PyPI reads it).
    content_type = models.CharField(max_length=200, blank=True)
    source = models.TextField()
    html = models.TextField()
    # The words of the rendered README (at most lib.readme.MAX_TEXT_CHARS), for search.
    text = models.TextField(blank=True)
    format = models.CharField(max_length=8, choices=Format.choices)
    truncated = models.BooleanField(default=False)  # the source was cut before rendering
    renderer = models.PositiveSmallIntegerField()  # lib.readme.RENDERER_VERSION used
    rendered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"README of {self.package_id}"


class Release(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="releases")
    version = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    yanked = models.BooleanField(default=False)
    yanked_reason = models.CharField(max_length=500, blank=True)
    requires_python = models.CharField(max_length=200, blank=True)
    # A PEP 440 pre- or development release; False for versions PEP 440 cannot read.
    is_prerelease = models.BooleanField(default=False)
    # When packagegrid first stored it (watchers' digests and feeds go by this, since a
    # release can be fetched long after its upload); None for releases stored before
    # this was recorded.
    found_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["package", "version"], name="unique_release"),
        ]
        indexes = [models.Index(fields=["-uploaded_at"], name="release_uploaded_idx")]

    def __str__(self) -> str:
        return f"{self.package_id} {self.version}"


class Dependency(models.Model):
    """One requirement of a package's latest release (PyPI's `requires_dist`), parsed.

    `target` is the directory's package with that PyPI name (null when none lists it).
    `optional` marks a requirement under an extra (`extra == "..."` in its markers):
    optional support, so it does not make the package a dependent of its target.
    Rewritten by `packagegrid.catalog.dependency_services` only when the requirements or
    their resolution change.
    """

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="dependencies")
    position = models.PositiveSmallIntegerField()  # order in `requires_dist`
    name = models.CharField(max_length=200)  # as written
    key = models.CharField(max_length=200, db_index=True)  # PEP 503 normalised
    specifier = models.CharField(max_length=1000, blank=True)  # "" when none
    markers = models.TextField(blank=True)  # "" when unconditional (API v5 says null)
    optional = models.BooleanField(default=False)
    target = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.SET_NULL, related_name="dependent_edges"
    )

    class Meta:
        ordering = ["package", "position"]
        constraints = [
            models.UniqueConstraint(fields=["package", "position"], name="unique_dependency"),
        ]
        indexes = [
            # With the requiring package: counting dependents reads the index alone.
            models.Index(fields=["target", "optional", "package"], name="dependency_target_idx"),
        ]
        verbose_name_plural = "dependencies"

    def __str__(self) -> str:
        return f"{self.package_id} requires {self.name}{self.specifier}"


class Usage(models.Model):
    """A person saying "I use this"."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="usages")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usages"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["package", "user"], name="unique_usage"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} uses {self.package_id}"


class Favorite(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="favorites")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["package", "user"], name="unique_favorite"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} favors {self.package_id}"


class Flag(models.Model):
    """A report that something about a package is wrong, for staff to review."""

    class Reason(models.TextChoices):
        WRONG_DATA = "wrong_data", "Wrong or outdated data"
        DEPRECATED = "deprecated", "Deprecated or unmaintained"
        SPAM = "spam", "Spam or not a package for this ecosystem"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="flags"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    message = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_flags",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.package_id}"


class PendingChange(models.Model):
    """A high-impact edit (repository, replacement) by a newcomer, waiting for staff.

    `changes` is `{"field": [before, after]}` in the form the edit history stores
    (`replaced_by` as the package id); staff approval applies `after` as the author's edit.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="pending_changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="pending_changes",
    )
    changes = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_pending_changes",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{', '.join(sorted(self.changes))} of {self.package_id} ({self.status})"


# Snapshot days are UTC days whatever TIME_ZONE says, so that the constraint's index
# expression never changes.
SNAPSHOT_DAY_ZONE = ZoneInfo("UTC")


class Snapshot(models.Model):
    """The numbers of a package at one moment, for trends."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(default=timezone.now)
    stars = models.PositiveIntegerField(default=0)
    forks = models.PositiveIntegerField(default=0)
    commits_over_52 = models.PositiveIntegerField(default=0)
    latest_version = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["package", "-taken_at"], name="snapshot_package_idx")]
        constraints = [
            # At most one snapshot per package per (UTC) day: a refresh updates today's.
            models.UniqueConstraint(
                "package",
                TruncDate("taken_at", tzinfo=SNAPSHOT_DAY_ZONE),
                name="one_snapshot_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} at {self.taken_at:%Y-%m-%d}"

    @staticmethod
    def day_of(moment: datetime) -> date:
        """The day a snapshot taken at `moment` counts for: its UTC date, as in the
        one-a-day constraint."""
        return moment.astimezone(SNAPSHOT_DAY_ZONE).date()


class EditRecord(models.Model):
    """One edit by a person: who, when, and each changed field's value before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        REVERT = "revert", "Reverted"
        RESTORE = "restore", "Restored"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="edits"
    )
    created = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=10, choices=Action.choices)
    # {"field": [before, after], ...}
    changes = models.JSONField(default=dict)
    # A deletion keeps here what it removed with the object (a feature's or a grid
    # package's cells), so that staff can restore it whole; {} for other edits.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="edit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type_id}:{self.object_id}"
