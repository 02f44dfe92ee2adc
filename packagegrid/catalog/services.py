"""Writes to packages by people: add, edit and revert, each one transaction and one
history record.

Each service validates its input like the forms do (so a caller that skips the form
still cannot store an over-long title, an invalid URL or a duplicate) and raises
ValidationError, keyed by field, with nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from packagegrid.catalog.history_services import (
    edit_record,
    edit_revert,
    edit_save,
    field_values,
)
from packagegrid.catalog.models import Category, EditRecord, Package
from packagegrid.catalog.selectors import package_for_repo
from packagegrid.fetchers.tasks import enqueue_package_fetch
from packagegrid.grids.models import Grid
from packagegrid.grids.services import grid_add_package
from packagegrid.lib.repo_urls import InvalidRepoURL, parse_repo_url

# The fields a person sets when adding a package, and so what its "create" record holds.
PACKAGE_CREATE_FIELDS = [
    "title",
    "slug",
    "category",
    "repo_url",
    "pypi_url",
    "documentation_url",
]
# The fields `package_update` changes. The slug is the package's address: links on the
# web keep working only if it stays, so it is set once (staff can change it in the admin).
PACKAGE_EDIT_FIELDS = frozenset(
    {"title", "category", "repo_url", "pypi_url", "documentation_url", "replaced_by"}
)
# A change to these points the package at other data: fetch it again.
_SOURCE_FIELDS = frozenset({"repo_url", "pypi_url"})

_web_url = URLValidator(schemes=["http", "https"])


class DuplicateRepository(ValidationError):
    """The repository is already listed; `package` is the package that lists it."""

    def __init__(self, package: Package) -> None:
        super().__init__({"repo_url": [f"This repository is already listed as “{package.title}”."]})
        self.package = package


def _normalised_repo_url(repo_url: str) -> str:
    try:
        return parse_repo_url(repo_url).url
    except InvalidRepoURL:
        raise ValidationError(
            {"repo_url": ["Enter a repository URL, such as https://github.com/owner/name."]}
        ) from None


def _normalised_or_none(repo_url: str) -> str | None:
    try:
        return parse_repo_url(repo_url).url
    except InvalidRepoURL:
        return None


def _refuse_duplicate_repository(repo_url: str, *, exclude_id: int | None = None) -> None:
    existing = package_for_repo(repo=parse_repo_url(repo_url), exclude_id=exclude_id)
    if existing is not None:
        raise DuplicateRepository(existing)


def _validated(package: Package, *, fields: list[str]) -> None:
    """Run the model's validation of `fields` (lengths, slug characters, URL form).

    Foreign keys are skipped (callers pass saved objects; checking each costs a query),
    and so is uniqueness, which the callers check case-insensitively themselves.
    """
    exclude = [
        f.name for f in package._meta.concrete_fields if f.is_relation or f.name not in fields
    ]
    package.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    if package.documentation_url and "documentation_url" in fields:
        try:
            _web_url(package.documentation_url)
        except ValidationError:
            raise ValidationError({"documentation_url": ["Enter an http or https URL."]}) from None


def _refuse_taken_slug(slug: str) -> None:
    if Package.objects.filter(slug__iexact=slug).exists():
        raise ValidationError({"slug": [f"The slug “{slug}” is already used by another package."]})


@transaction.atomic
def package_create(
    *,
    repo_url: str,
    title: str,
    slug: str,
    category: Category,
    pypi_url: str,
    documentation_url: str,
    created_by: User,
    grid: Grid | None = None,
) -> Package:
    """Add a package, record its creation, and fetch its data once the transaction commits.

    `repo_url` is normalised (https, no `.git`, sub-page or trailing slash). With `grid`
    the package is also added to that grid (recorded in the grid's history). Raises
    DuplicateRepository when a package already lists the repository, and ValidationError
    for an invalid URL, a slug in use (case-insensitively), over-long text or a locked
    grid when `created_by` is not staff.
    """
    repo_url = _normalised_repo_url(repo_url)
    _refuse_duplicate_repository(repo_url)
    now = timezone.now()
    package = Package(
        title=title,
        slug=slug,
        category=category,
        repo_url=repo_url,
        pypi_url=pypi_url,
        documentation_url=documentation_url,
        created_by=created_by,
        last_modified_by=created_by,
        created=now,
        modified=now,
    )
    _validated(package, fields=PACKAGE_CREATE_FIELDS)
    _refuse_taken_slug(slug)
    if grid is not None and grid.is_locked and not created_by.is_staff:
        raise ValidationError({"grid": ["This grid is locked: only staff may add packages."]})
    try:
        with transaction.atomic():
            package.save()
    except IntegrityError:  # someone took the slug between the check and the insert
        raise ValidationError(
            {"slug": [f"The slug “{slug}” is already used by another package."]}
        ) from None
    edit_record(
        user=created_by,
        instance=package,
        action=EditRecord.Action.CREATE,
        before={},
        after=field_values(package, PACKAGE_CREATE_FIELDS),
    )
    if grid is not None:
        grid_add_package(grid=grid, package=package, user=created_by)
    enqueue_package_fetch(package.pk)
    return package


# How far `_refuse_replacement_cycle` follows a chain of replacements. Real chains are
# one or two links long; the bound keeps a corrupt chain from costing unbounded queries.
MAX_REPLACEMENT_CHAIN = 50


def _refuse_replacement_cycle(*, package: Package, replacement: Package) -> None:
    """Raise ValidationError when `package` replaced by `replacement` would make a cycle.

    Follows `replaced_by` from `replacement` (a query a link) and refuses when the chain
    comes back to `package`: itself (A→A), directly (A→B→A) or through any number of
    packages (A→B→C→A). A chain longer than MAX_REPLACEMENT_CHAIN is refused too, since
    it cannot be checked.
    """
    seen: set[int] = set()
    step: int | None = replacement.pk
    while step is not None and step not in seen:
        if step == package.pk:
            raise ValidationError(
                {
                    "replaced_by": [
                        f"“{replacement.title}” is itself replaced, directly or through other "
                        f"packages, by {package.title}: that would make a cycle."
                        if replacement.pk != package.pk
                        else "A package cannot be replaced by itself."
                    ]
                }
            )
        if len(seen) >= MAX_REPLACEMENT_CHAIN:
            raise ValidationError(
                {"replaced_by": ["That package's chain of replacements is too long to follow."]}
            )
        seen.add(step)
        step = Package.objects.filter(pk=step).values_list("replaced_by_id", flat=True).first()


@transaction.atomic
def package_update(
    *, package: Package, user: User, expected_version: int | None = None, **fields: Any
) -> Package:
    """Change the curated fields of `package` (any of PACKAGE_EDIT_FIELDS); returns it
    fresh from the database.

    Records the changed fields before and after; saving unchanged values records nothing
    and leaves `modified` alone. A new repository or PyPI URL enqueues a fetch. Raises
    TypeError for a field that is not editable, DuplicateRepository when another package
    lists the new repository, ValidationError for invalid values or a "replaced by" that
    would close a cycle (see `_refuse_replacement_cycle`), and EditConflict (nothing
    saved) when `expected_version` is given and the package has another version now.
    """
    unknown = set(fields) - PACKAGE_EDIT_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    if "repo_url" in fields:
        fields["repo_url"] = _normalised_repo_url(fields["repo_url"])
    # Locked, so that "before" is what this edit really replaces.
    current = Package.objects.select_for_update().get(pk=package.pk)
    if "repo_url" in fields and _normalised_or_none(current.repo_url) == fields["repo_url"]:
        # The same repository: keep the stored form (`http://github.com/x/y/` in old
        # records) rather than record a change nobody made.
        fields["repo_url"] = current.repo_url
    names = sorted(fields)
    before = field_values(current, names)
    for name, value in fields.items():
        setattr(current, name, value)
    after = field_values(current, names)
    changed = [name for name in names if before[name] != after[name]]
    if not changed:
        return current
    _validated(current, fields=changed)
    if "replaced_by" in changed and current.replaced_by is not None:
        _refuse_replacement_cycle(package=current, replacement=current.replaced_by)
    if "repo_url" in changed:
        _refuse_duplicate_repository(current.repo_url, exclude_id=current.pk)
    edit_save(
        instance=current,
        before={name: before[name] for name in changed},
        fields=changed,
        user=user,
        expected_version=expected_version,
        also={"last_modified_by": user},
    )
    if _SOURCE_FIELDS.intersection(changed):
        enqueue_package_fetch(current.pk)
    return current


@transaction.atomic
def package_edit_revert(*, record: EditRecord, user: User) -> EditRecord:
    """Undo an update of a package (see `edit_revert`); a repository or PyPI URL put back
    enqueues a fetch. Raises RevertRefused or ValidationError with nothing changed."""
    reverted = edit_revert(record=record, user=user)
    if _SOURCE_FIELDS.intersection(record.changes):
        enqueue_package_fetch(record.object_id)
    return reverted
