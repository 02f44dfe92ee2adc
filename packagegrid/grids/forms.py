"""Forms of the grid editor: they parse and validate input; the views call the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import validate_slug
from django.utils.text import slugify

from packagegrid.catalog.forms import version_field
from packagegrid.catalog.models import Package
from packagegrid.grids.models import Element, Feature, Grid

# Django's form CharField already refuses NUL characters (ProhibitNullCharactersValidator).
CELL_MAX_LENGTH = Element._meta.get_field("text").max_length or 1000
FEATURE_TITLE_MAX_LENGTH = Feature._meta.get_field("title").max_length or 100
GRID_TITLE_MAX_LENGTH = Grid._meta.get_field("title").max_length or 100
SEARCH_MAX_LENGTH = 100


class GridForm(forms.Form):
    """Title, slug and Markdown description; an empty slug is made from the title."""

    title = forms.CharField(max_length=GRID_TITLE_MAX_LENGTH)
    slug = forms.CharField(
        max_length=100,
        required=False,
        validators=[validate_slug],
        help_text="Letters, digits, hyphens and underscores; the grid's address. "
        "Left empty, it is made from the title.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
        help_text="Markdown: **bold**, *italic*, [links](https://example.com), lists.",
    )
    version = version_field()

    def __init__(self, *args: Any, grid: Grid | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grid = grid

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "slug" not in cleaned or "title" not in cleaned:
            return cleaned
        slug = cleaned["slug"] or slugify(cleaned["title"])[:100]
        if not slug:
            self.add_error("slug", "Enter a slug: the title has no letters or digits to make one.")
            return cleaned
        taken = Grid.objects.filter(slug=slug)
        if self.grid is not None:
            taken = taken.exclude(pk=self.grid.pk)
        if taken.exists():
            self.add_error("slug", f"The slug “{slug}” is already used by another grid.")
        cleaned["slug"] = slug
        return cleaned


class FeatureForm(forms.Form):
    title = forms.CharField(max_length=FEATURE_TITLE_MAX_LENGTH)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=CELL_MAX_LENGTH
    )
    version = version_field()


class ElementForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        required=False,
        max_length=CELL_MAX_LENGTH,
        help_text="Markdown. “✓”, “yes” or “+” show a tick; “✗”, “no” or “-” a cross.",
    )
    version = version_field()  # 0 for a cell that has no row yet


class AddPackageForm(forms.Form):
    """The package to add, by slug (one query to find it)."""

    package = forms.CharField(max_length=100)

    def clean_package(self) -> Package:
        package = (
            Package.objects.filter(slug=self.cleaned_data["package"])
            .only("id", "title", "slug", "reviewed")
            .first()
        )
        if package is None:
            raise forms.ValidationError("There is no such package.")
        if not package.reviewed:
            raise forms.ValidationError("This package waits for review before it joins grids.")
        return package


def search_text(value: str) -> str:
    """The package search text as typed, trimmed and cut to SEARCH_MAX_LENGTH."""
    return value.strip()[:SEARCH_MAX_LENGTH]
