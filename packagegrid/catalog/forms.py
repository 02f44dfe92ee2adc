"""Forms to add and edit a package: they parse and validate input; the views call the
services, which validate again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import QuerySet

from packagegrid.catalog.models import Category, Package
from packagegrid.catalog.selectors import package_for_repo
from packagegrid.grids.models import Grid
from packagegrid.lib.pypi_names import pypi_name_from_url
from packagegrid.lib.repo_urls import InvalidRepoURL, RepoRef, parse_repo_url

TITLE_MAX_LENGTH = Package._meta.get_field("title").max_length or 100
SLUG_MAX_LENGTH = Package._meta.get_field("slug").max_length or 100
URL_MAX_LENGTH = 500
PYPI_NAME_MAX_LENGTH = 200

REPO_URL_HELP = (
    "Paste the address of the repository on GitHub, GitLab, Bitbucket or Codeberg: "
    "https, http or ssh (git@github.com:owner/name.git) all work."
)


def version_field() -> forms.IntegerField:
    """The hidden version an edit form started from (see `VersionedModel`).

    Optional: a post without it saves without the conflict check.
    """
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def pypi_project_url(name: str) -> str:
    """The canonical PyPI page of project `name` ("" for no name)."""
    return f"https://pypi.org/project/{name}/" if name else ""


class RepoURLField(forms.CharField):
    """A repository URL in any common form, cleaned to the normalised https URL.

    Not a URLField: `git@github.com:owner/name.git` is no URL, but names a repository.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Repository URL")
        kwargs.setdefault("max_length", URL_MAX_LENGTH)
        kwargs.setdefault("help_text", REPO_URL_HELP)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return parse_repo_url(text).url
        except InvalidRepoURL:
            raise ValidationError(
                "This is not a repository URL: expected an address like "
                "https://github.com/owner/name.",
                code="invalid",
            ) from None


class RepoURLForm(forms.Form):
    """The first step of adding a package: the repository URL alone."""

    repo_url = RepoURLField()

    @property
    def repo(self) -> RepoRef:
        """The parsed repository; only after `is_valid()` returned True."""
        return parse_repo_url(self.cleaned_data["repo_url"])


class _PackageFields(forms.Form):
    """What both the add and the edit forms ask, in the order they show it."""

    repo_url = RepoURLField()
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    category = forms.ModelChoiceField(
        queryset=Category.objects.order_by("title"), empty_label="Choose a category"
    )
    pypi_name = forms.CharField(
        label="PyPI name",
        max_length=PYPI_NAME_MAX_LENGTH,
        required=False,
        help_text="The project's name on PyPI (a PyPI URL works too). "
        "Leave it empty when the package is not on PyPI.",
    )
    documentation_url = forms.URLField(
        label="Documentation URL",
        max_length=URL_MAX_LENGTH,
        required=False,
    )

    def clean_pypi_name(self) -> str:
        value: str = self.cleaned_data["pypi_name"].strip()
        name = pypi_name_from_url(value)
        if value and not name:
            raise ValidationError(
                "Enter a PyPI project name (letters, digits, “.”, “_” and “-”) or its PyPI URL.",
                code="invalid",
            )
        return name

    def clean_documentation_url(self) -> str:
        value: str = self.cleaned_data["documentation_url"]
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValidationError("Enter an http or https URL.", code="invalid")
        return value

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names (else on the form)."""
        aliases = {"pypi_url": "pypi_name"}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = aliases.get(name, name)
            self.add_error(field if field in self.fields else None, messages)


class PackageAddForm(_PackageFields):
    """Everything a new package needs, with "also add to grid" among `grids`."""

    slug = forms.CharField(
        max_length=SLUG_MAX_LENGTH,
        validators=[validate_slug],
        help_text="The package's address on this site: letters, digits, hyphens and "
        "underscores. It cannot be changed later.",
    )
    grid = forms.ModelChoiceField(
        queryset=Grid.objects.none(),
        required=False,
        label="Also add to grid",
        empty_label="No grid",
        help_text="Optional: a grid to add the package to.",
    )
    field_order = [
        "repo_url",
        "title",
        "slug",
        "category",
        "pypi_name",
        "documentation_url",
        "grid",
    ]

    def __init__(self, *args: Any, grids: QuerySet[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grid_field = self.fields["grid"]
        assert isinstance(grid_field, forms.ModelChoiceField)
        grid_field.queryset = grids
        grid_field.error_messages["invalid_choice"] = (
            "Choose a grid from the list: that one does not exist or is locked."
        )
        # Set when the repository is already listed, for the page to link to it.
        self.duplicate: Package | None = None

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if Package.objects.filter(slug__iexact=slug).exists():
            raise ValidationError(
                f"The slug “{slug}” is already used by another package.", code="unique"
            )
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        repo_url = cleaned.get("repo_url")
        if repo_url:
            self.duplicate = package_for_repo(repo=parse_repo_url(repo_url))
            if self.duplicate is not None:
                self.add_error(
                    "repo_url", f"This repository is already listed as “{self.duplicate.title}”."
                )
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as `package_create` takes it."""
        data = self.cleaned_data
        return {
            "repo_url": data["repo_url"],
            "title": data["title"],
            "slug": data["slug"],
            "category": data["category"],
            "pypi_url": pypi_project_url(data["pypi_name"]),
            "documentation_url": data["documentation_url"],
            "grid": data["grid"],
        }


class PackageEditForm(_PackageFields):
    """The curated facts of an existing package (not its slug: see `package_update`)."""

    replaced_by = forms.CharField(
        label="Replaced by",
        max_length=SLUG_MAX_LENGTH,
        required=False,
        help_text="When this package is deprecated: the slug of the package that replaces "
        "it (the last part of its address). Leave it empty otherwise.",
    )
    version = version_field()

    def __init__(self, *args: Any, package: Package, **kwargs: Any) -> None:
        self.package = package
        kwargs.setdefault(
            "initial",
            {
                "repo_url": package.repo_url,
                "title": package.title,
                "category": package.category_id,
                "pypi_name": package.pypi_name,
                "documentation_url": package.documentation_url or "",
                "replaced_by": package.replaced_by.slug if package.replaced_by else "",
                "version": package.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.duplicate: Package | None = None

    def clean_replaced_by(self) -> Package | None:
        slug: str = self.cleaned_data["replaced_by"].strip()
        if not slug:
            return None
        replacement = Package.objects.filter(slug=slug).only("id", "title", "slug").first()
        if replacement is None:
            raise ValidationError(f"No package has the slug “{slug}”.", code="invalid")
        if replacement.pk == self.package.pk:
            raise ValidationError("A package cannot be replaced by itself.", code="invalid")
        return replacement

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        repo_url = cleaned.get("repo_url")
        if repo_url:
            self.duplicate = package_for_repo(
                repo=parse_repo_url(repo_url), exclude_id=self.package.pk
            )
            if self.duplicate is not None:
                self.add_error(
                    "repo_url",
                    f"This repository is already listed as “{self.duplicate.title}”.",
                )
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as `package_update` takes it.

        A value shown unchanged keeps its stored form: old records hold URLs in other
        forms (`http://pypi.python.org/pypi/x`, a null documentation URL), and resaving
        the form must not record those as edits nobody made.
        """
        data = self.cleaned_data
        package = self.package
        pypi_url = pypi_project_url(data["pypi_name"])
        if data["pypi_name"] == package.pypi_name:
            pypi_url = package.pypi_url
        documentation_url = data["documentation_url"]
        if documentation_url == (package.documentation_url or ""):
            documentation_url = package.documentation_url
        return {
            "repo_url": data["repo_url"],
            "title": data["title"],
            "category": data["category"],
            "pypi_url": pypi_url,
            "documentation_url": documentation_url,
            "replaced_by": data["replaced_by"],
            "expected_version": data["version"],
        }
