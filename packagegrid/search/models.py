"""The search index: one denormalised document per package and per grid.

Packages and grids are searched together and ranked on one scale, so each gets a row
here with its searchable text in four weighted fields (and a package's README apart)
and the figures a result shows.
The database's own full-text index sits beside this table, created by migration 0002:
an FTS5 virtual table on SQLite, a weighted `tsvector` column with a GIN index on
PostgreSQL. Rows are written only by `packagegrid.search.services`.

Beside it, the synonym table that query expansion reads (`Synonym`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from packagegrid.catalog.models import Category, Package
from packagegrid.grids.models import Grid
from packagegrid.search.text import STOP_WORDS, synonym_key, synonym_words, tokens

MAX_SYNONYM_WORDS = 4
MAX_SYNONYM_CHARS = 60


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        PACKAGE = "package", "Package"
        GRID = "grid", "Grid"

    kind = models.CharField(max_length=7, choices=Kind.choices)
    package = models.OneToOneField(
        Package, null=True, blank=True, on_delete=models.CASCADE, related_name="search_document"
    )
    grid = models.OneToOneField(
        Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="search_document"
    )

    # What a result shows (API v4 search and the results page), copied from the records.
    slug = models.CharField(max_length=100)
    title = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=50, blank=True)  # the category's title
    created = models.DateTimeField()
    modified = models.DateTimeField()
    stars = models.PositiveIntegerField(default=0)
    forks = models.PositiveIntegerField(default=0)
    usage = models.PositiveIntegerField(default=0)
    # Last month's downloads (pypistats), API v4's `pypi_downloads`; 0 when unknown.
    downloads = models.PositiveBigIntegerField(default=0)
    participants = models.TextField(blank=True)  # comma-separated, as API v4 shows them
    last_commit_at = models.DateTimeField(null=True, blank=True)
    last_release_at = models.DateTimeField(null=True, blank=True)
    # The package's stored health (`health.PackageHealth`): its score (None until scored)
    # and lifecycle state ("" until scored).
    health_score = models.PositiveSmallIntegerField(null=True, blank=True)
    lifecycle = models.CharField(max_length=10, blank=True)
    # False for a package discovery found on PyPI that no person has reviewed yet
    # (`Package.reviewed`): results mark it "auto-discovered". Grids are always True.
    reviewed = models.BooleanField(default=True)

    # The rest of what package lists and the home page show (`catalog.page_selectors`
    # reads them from here, one narrow row per package, instead of joining five tables
    # and counting usage per request). Packages only, except the last two.
    package_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(blank=True)  # PyPI's summary, shown without a description
    archived = models.BooleanField(default=False)  # the repository is archived
    deprecated = models.BooleanField(default=False)  # a replacement is curated
    # The stored health's own lifecycle ("" until scored); `lifecycle` above is the state
    # shown, which an archive or a replacement decides at once.
    health_lifecycle = models.CharField(max_length=10, blank=True)
    commits_over_52 = models.JSONField(default=list, blank=True)
    # Grids only: how many packages the grid holds, and whether it is featured.
    package_count = models.PositiveIntegerField(default=0)
    is_featured = models.BooleanField(default=False)

    # Matching and ranking; every *_text field holds `text.index_text()` output.
    key = models.CharField(max_length=100)  # compact slug, for ordering: "djangofilter"
    # Weight A: the compact names of slug and title, with and without an ecosystem prefix
    # ("djangofilter filter"); also what typos are measured against.
    name_text = models.TextField(blank=True)
    title_text = models.TextField(blank=True)  # weight B: words of the title and slug
    body_text = models.TextField(blank=True)  # weight C: description, PyPI summary, keywords
    other_text = models.TextField(blank=True)  # weight D: category, grids, participants
    # The start of a package's README, in an index of its own (`backends.readme_sql`): a
    # match there only ranks below every match of the fields above, and its words stay
    # out of the vocabulary that corrects misspellings.
    readme_text = models.TextField(blank=True)
    # What orders results of equal relevance, 0-99 (`documents.MAX_QUALITY`): a package's
    # health score, a grid's size.
    quality = models.PositiveSmallIntegerField(default=0)
    # "key=value" or "key=value<TAB>label" lines, one per facet value the record has.
    facets = models.TextField(blank=True)

    class Meta:
        # The package lists' and home lists' sort orders, so that a page of 50 reads 50
        # index entries instead of sorting every package: "newest" here, and the health
        # and usage orders (with NULLS LAST on PostgreSQL) in migration 0008.
        indexes = [
            models.Index(
                F("kind"), F("created").desc(), F("id").desc(), name="search_doc_newest_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="package", package__isnull=False, grid__isnull=True)
                    | models.Q(kind="grid", grid__isnull=False, package__isnull=True)
                ),
                name="search_document_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug}"


class CategoryCounts(models.Model):
    """How many packages a category holds, all and reviewed ones: kept by the indexing
    service (`services`) whenever it writes or removes a package document, so the home
    page and the package lists read a number instead of counting packages per request."""

    category = models.OneToOneField(
        Category, primary_key=True, on_delete=models.CASCADE, related_name="counts"
    )
    packages = models.PositiveIntegerField(default=0)
    reviewed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "category counts"

    def __str__(self) -> str:
        return f"{self.category_id}: {self.packages}"


class Synonym(models.Model):
    """A phrase people type and another phrase that search looks for as well.

    Staff edit these in the admin (`drf` -> "django rest framework", `celery` <->
    "background tasks"). Both phrases are stored as lowercase words separated by single
    spaces; `clean()` normalises them and refuses entries that cannot expand a query.
    """

    phrase = models.CharField(
        max_length=MAX_SYNONYM_CHARS, help_text='What people type, e.g. "drf" or "2fa".'
    )
    expansion = models.CharField(
        max_length=MAX_SYNONYM_CHARS,
        help_text='What it means, searched as well, e.g. "django rest framework".',
    )
    both_ways = models.BooleanField(
        default=False, help_text="Also search for the phrase when people type the expansion."
    )

    class Meta:
        ordering = ["phrase", "expansion"]
        constraints = [
            models.UniqueConstraint(fields=["phrase", "expansion"], name="unique_synonym"),
            models.CheckConstraint(
                condition=~models.Q(phrase="") & ~models.Q(expansion=""),
                name="synonym_not_empty",
            ),
            models.CheckConstraint(
                condition=~models.Q(phrase=models.F("expansion")), name="synonym_not_itself"
            ),
        ]

    def __str__(self) -> str:
        arrow = "<->" if self.both_ways else "->"
        return f"{self.phrase} {arrow} {self.expansion}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("phrase", "expansion"):
            value = " ".join(tokens(getattr(self, name) or ""))
            setattr(self, name, value)
            words = value.split()
            if not words:
                errors[name] = "Enter at least one word (letters or digits)."
            elif all(word in STOP_WORDS for word in words):
                errors[name] = "Words like \u201cthe\u201d or \u201cfor\u201d alone match too much."
            elif len(words) > MAX_SYNONYM_WORDS:
                errors[name] = f"Use at most {MAX_SYNONYM_WORDS} words."
            elif len(value) > MAX_SYNONYM_CHARS:
                errors[name] = f"Use at most {MAX_SYNONYM_CHARS} characters."
        if not errors and synonym_key(synonym_words(self.phrase)) == synonym_key(
            synonym_words(self.expansion)
        ):
            errors["expansion"] = "The expansion searches for the same words as the phrase."
        if errors:
            raise ValidationError(errors)
