"""Health facts derived from what PyPI says: advisories and per-version compatibility.

Both are rewritten by the PyPI apply step (`packagegrid.health.services`), so they always
agree with the stored `PyPIData` and releases.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from packaging.version import InvalidVersion, Version

from packagegrid.catalog.models import Package
from packagegrid.health.model import AXES
from packagegrid.lib.links import is_web_url

# The keys of a factor in API v5, in order (`packagegrid.health.model.Factor.as_dict`).
FACTOR_KEYS = ("axis", "name", "value", "points", "max_points", "explanation")


class Product(models.TextChoices):
    DJANGO = "django", "Django"
    PYTHON = "python", "Python"
    WAGTAIL = "wagtail", "Wagtail"


class CompatibilityQuerySet(models.QuerySet["Compatibility"]):
    def for_release(self, product: str, version: str) -> CompatibilityQuerySet:
        return self.filter(product=product, version=version)


class Compatibility(models.Model):
    """One package supporting one feature release of a product, and the sources that say so.

    A row exists only when some source names the version, so "packages supporting Django
    5.2" is one indexed filter.
    """

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="compatibility")
    product = models.CharField(max_length=10, choices=Product.choices)
    version = models.CharField(max_length=10)  # the feature release, "5.2"
    # Source names in packagegrid.health.compatibility.SOURCES order.
    sources = models.JSONField(default=list)

    objects = CompatibilityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "compatibility"
        constraints = [
            models.UniqueConstraint(
                fields=["package", "product", "version"], name="unique_compatibility"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "version"], name="compatibility_release_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} supports {self.product} {self.version}"


def support_versions(versions: list[str]) -> str:
    """`ProductSupport.versions` for these feature releases: " 4.2 5.2 " ("" for none)."""
    return f" {' '.join(versions)} " if versions else ""


class ProductSupport(models.Model):
    """The feature releases of one product that a package's compatibility rows name, in
    one row: the read model of the readiness pages.

    A release page ranks every listed package by its status for one release ("ready",
    "not declared", "unknown"). Grouping the compatibility rows per request read every
    package's rows of the product (138,000 at PyPI scale, most of them discovered
    packages') to rank 5,000; this table has one row per listed package that declares the
    product, and the status is a `LIKE` on it. Rewritten by `package_apply_compatibility` whenever
    its rows change (`product_support_store`), and by `discovery_accept` when a package
    becomes listed. A package without a row here declares no version of the product.
    """

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=10, choices=Product.choices)
    # The releases, space-separated with a space at each end (`support_versions`), so that
    # " 5.2 " finds 5.2 and not 5.20.
    versions = models.TextField()
    # `Package.reviewed`: readiness pages rank listed packages only.
    listed = models.BooleanField()

    class Meta:
        verbose_name_plural = "product support"
        constraints = [
            models.UniqueConstraint(fields=["package", "product"], name="unique_product_support"),
        ]
        indexes = [
            models.Index(
                fields=["product", "listed", "package"], name="product_support_listed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} supports {self.product}{self.versions.rstrip()}"


class Advisory(models.Model):
    """A security advisory PyPI lists against a package's latest version."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="advisories")
    advisory_id = models.CharField(max_length=100)  # "GHSA-xqcf-hj92-967m", "PYSEC-..."
    aliases = models.JSONField(default=list, blank=True)  # ["CVE-2018-25045", ...]
    summary = models.TextField(blank=True)  # PyPI's summary, else the start of its details
    fixed_in = models.JSONField(default=list, blank=True)  # versions that fix it
    link = models.URLField(max_length=500, blank=True)
    withdrawn = models.DateTimeField(null=True, blank=True)  # set when the advisory was withdrawn
    # When packagegrid first stored it (watchers' digests and feeds go by this); None for
    # advisories stored before this was recorded.
    found_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    class Meta:
        verbose_name_plural = "advisories"
        ordering = ["advisory_id"]
        constraints = [
            models.UniqueConstraint(fields=["package", "advisory_id"], name="unique_advisory"),
        ]

    def __str__(self) -> str:
        return f"{self.advisory_id} on {self.package_id}"

    @property
    def web_link(self) -> str:
        """`link` when it is an http(s) URL, safe for an href; "" otherwise."""
        return self.link if is_web_url(self.link) else ""

    def is_fixed_in(self, version: str | None) -> bool:
        """Whether `version` already carries the fix: it is at or past a fixed version of
        its own release line (same major.minor), or past every fixed version.

        False when `version` is None, when no fixed version is known, and for versions
        PEP 440 cannot read: when in doubt the warning stays. A fix on another line does
        not count ("4.0.5" is not fixed by `fixed_in` ["3.2.25", "4.2.11"]).

        >>> Advisory(fixed_in=["3.2.25", "4.2.11"]).is_fixed_in("3.2.26")
        True
        """
        if not version:
            return False
        try:
            current = Version(version)
            fixes = [Version(str(fixed)) for fixed in self.fixed_in]
        except InvalidVersion:
            return False
        if not fixes:
            return False
        return current >= max(fixes) or any(
            current >= fixed and _line(fixed) == _line(current) for fixed in fixes
        )


def _line(version: Version) -> tuple[int, int]:
    """The release line (major, minor) of a version: "2" and "2.0.3" are both (2, 0)."""
    major, minor, *_ = (*version.release, 0, 0)
    return major, minor


class CIMatrix(models.Model):
    """The versions a package's repository tests against, read from its CI files."""

    package = models.OneToOneField(
        Package, primary_key=True, on_delete=models.CASCADE, related_name="ci_matrix"
    )
    django = models.JSONField(default=list, blank=True)  # feature releases, "5.2"
    python = models.JSONField(default=list, blank=True)  # feature releases, "3.13"
    wagtail = models.JSONField(default=list, blank=True)
    # {path: {"django": [...], "python": [...], "wagtail": [...]}}: each file's versions, so
    # that a file answered 304 keeps its own.
    files = models.JSONField(default=dict, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "CI matrix"
        verbose_name_plural = "CI matrices"

    def __str__(self) -> str:
        return f"CI matrix of {self.package_id}"

    def versions(self) -> dict[str, list[str]]:
        return {"django": self.django, "python": self.python, "wagtail": self.wagtail}


class Lifecycle(models.TextChoices):
    """The lifecycle states of `packagegrid.health.model.Lifecycle`, for the database."""

    ACTIVE = "active", "Active"
    STABLE = "stable", "Stable"
    STALE = "stale", "Stale"
    ABANDONED = "abandoned", "Abandoned"
    ARCHIVED = "archived", "Archived"
    DEPRECATED = "deprecated", "Deprecated"
    YANKED = "yanked", "Yanked"


class PackageHealth(models.Model):
    """A package's stored health: the result of `packagegrid.health.model.assess`.

    Written only by `package_health_recompute`; `model` is the MODEL_VERSION that computed
    it, so scores of different model versions are never mixed up. `axes` and `factors` are
    exactly the API v5 shapes (`Health.as_dict()`).
    """

    package = models.OneToOneField(
        Package, primary_key=True, on_delete=models.CASCADE, related_name="health"
    )
    score = models.PositiveSmallIntegerField()
    model = models.CharField(max_length=20)
    lifecycle = models.CharField(max_length=10, choices=Lifecycle.choices)
    lifecycle_reason = models.TextField()
    axes = models.JSONField(default=dict)
    factors = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "package health"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="package_health_score_at_most_100"
            ),
        ]
        indexes = [
            models.Index(fields=["lifecycle"], name="package_health_lifecycle_idx"),
            # Lets list pages read every package's score from the index alone, not the
            # wide rows (axes, factors).
            models.Index(fields=["package", "score"], name="package_health_score_sort_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.package_id}: {self.score} ({self.lifecycle})"

    @property
    def axes_in_order(self) -> dict[str, int]:
        """The axes in the model's order (PostgreSQL's jsonb does not keep key order)."""
        return {axis: self.axes[axis] for axis in AXES if axis in self.axes}

    def as_dict(self) -> dict[str, object]:
        """The `health` object of API v5, keys in `Health.as_dict()` order on every
        database (jsonb reorders keys, so they are put back in order here)."""
        return {
            "score": self.score,
            "model": self.model,
            "lifecycle": self.lifecycle,
            "lifecycle_reason": self.lifecycle_reason,
            "axes": self.axes_in_order,
            "factors": [
                {key: factor[key] for key in FACTOR_KEYS if key in factor}
                for factor in self.factors
            ],
        }


class LifecycleChange(models.Model):
    """A package's lifecycle moving from one state to another, recorded by
    `package_health_recompute` when a stored lifecycle changes (a first score records
    nothing). The lifecycle feed lists them."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="lifecycle_changes")
    previous = models.CharField(max_length=10, choices=Lifecycle.choices)
    lifecycle = models.CharField(max_length=10, choices=Lifecycle.choices)
    reason = models.TextField()  # the new lifecycle's reason
    changed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-changed_at", "-id"], name="lifecycle_change_recent_idx")]

    def __str__(self) -> str:
        return f"{self.package_id}: {self.previous} -> {self.lifecycle}"
