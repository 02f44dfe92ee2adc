"""Who may do what, one helper per model (STYLE rule 3): views call these, never repeat
the checks inline.

Anyone reads. A logged-in person toggles usage and favorites and flags packages; staff
resolve flags and delete packages; a package's verified maintainers act on it. Helpers
raise PermissionDenied (403) or Http404; `login_first` (packagegrid.lib.auth, re-exported
here) sends people who are not logged in to the login page and back.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from packagegrid.catalog.models import EditRecord, Flag, Package, PendingChange
from packagegrid.catalog.review_services import edits_need_review
from packagegrid.catalog.selectors import history_for
from packagegrid.grids.models import Feature, Grid, GridPackage

# Re-exported: the site's views import the login checks from here with the others.
from packagegrid.lib.auth import login_first as login_first
from packagegrid.lib.auth import signed_in_user as signed_in_user
from packagegrid.maintainers.models import DelistingRequest, MaintainerClaim
from packagegrid.maintainers.services import NotAMaintainer, maintainer_for_action


def staff_user(request: HttpRequest) -> User:
    """The logged-in staff member; PermissionDenied for anyone else."""
    user = signed_in_user(request)
    if not user.is_staff:
        raise PermissionDenied("Only staff may do this.")
    return user


def _package(slug: str) -> Package:
    try:
        return Package.objects.get(slug=slug)
    except Package.DoesNotExist:
        raise Http404("No such package.") from None


def get_package_for_member(request: HttpRequest, slug: str) -> tuple[Package, User]:
    """A package a logged-in person says they use, favors or flags, and that person."""
    user = signed_in_user(request)
    return _package(slug), user


def get_package_for_deleter(request: HttpRequest, slug: str) -> tuple[Package, User]:
    """A package staff may delete, and the staff member; 403 for everyone else."""
    user = staff_user(request)
    return _package(slug), user


def get_flag_for_moderator(request: HttpRequest, flag_id: int) -> tuple[Flag, User]:
    """A flag staff may approve or reject, and the staff member; 403 for everyone else."""
    user = staff_user(request)
    try:
        return Flag.objects.select_related("package").get(pk=flag_id), user
    except Flag.DoesNotExist:
        raise Http404("No such flag.") from None


def get_pending_change_for_reviewer(
    request: HttpRequest, change_id: int
) -> tuple[PendingChange, User]:
    """A pending change staff may approve or reject, and the staff member; 403 for
    everyone else."""
    user = staff_user(request)
    try:
        return PendingChange.objects.select_related("package", "user").get(pk=change_id), user
    except PendingChange.DoesNotExist:
        raise Http404("No such change.") from None


def can_edit_grid(user: object, grid: Grid) -> bool:
    """Whether `user` may edit `grid`, its features, packages and cells (no query):
    anyone logged in, but only staff once the grid is locked."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or not grid.is_locked


def _grid(slug: str) -> Grid:
    try:
        return Grid.objects.get(slug=slug)
    except Grid.DoesNotExist:
        raise Http404("No such grid.") from None


def get_grid_for_member(request: HttpRequest, slug: str) -> tuple[Grid, User]:
    """A grid a logged-in person watches, and that person."""
    return _grid(slug), signed_in_user(request)


def get_grid_for_editor(request: HttpRequest, slug: str) -> tuple[Grid, User]:
    """A grid the logged-in person may edit, and that person; 403 when it is locked and
    they are not staff, 404 when there is no such grid."""
    user = signed_in_user(request)
    grid = _grid(slug)
    if not can_edit_grid(user, grid):
        raise PermissionDenied("This grid is locked: only staff may edit it.")
    return grid, user


def get_grid_for_staff(request: HttpRequest, slug: str) -> tuple[Grid, User]:
    """A grid staff may lock, unlock, delete or revert edits of; 403 for everyone else."""
    user = staff_user(request)
    return _grid(slug), user


def get_feature_for_editor(
    request: HttpRequest, slug: str, feature_id: int
) -> tuple[Feature, User]:
    """A feature of a grid the person may edit (see `get_grid_for_editor`); 404 when the
    feature is not in that grid."""
    grid, user = get_grid_for_editor(request, slug)
    feature = Feature.objects.filter(grid=grid, pk=feature_id).first()
    if feature is None:
        raise Http404("No such feature in this grid.")
    feature.grid = grid
    return feature, user


def get_grid_package_for_editor(
    request: HttpRequest, slug: str, package_slug: str
) -> tuple[GridPackage, User]:
    """A package's place in a grid the person may edit, with `package` joined; 404 when
    the package is not in that grid."""
    grid, user = get_grid_for_editor(request, slug)
    link = (
        GridPackage.objects.select_related("package")
        .filter(grid=grid, package__slug=package_slug)
        .first()
    )
    if link is None:
        raise Http404("No such package in this grid.")
    link.grid = grid
    return link, user


def get_package_for_editor(request: HttpRequest, slug: str) -> tuple[Package, User]:
    """A package the logged-in person may edit (anyone logged in may), and that person."""
    user = signed_in_user(request)
    return _package(slug), user


def grids_for_package_adder(user: User) -> QuerySet[Grid]:
    """The grids `user` may add a new package to (the rule of `can_edit_grid`): every grid
    for staff, the unlocked ones for everyone else."""
    grids = Grid.objects.only("id", "title", "slug", "is_locked").order_by("title")
    return grids if user.is_staff else grids.filter(is_locked=False)


def get_package_edit_for_reverter(
    request: HttpRequest, slug: str, record_id: int
) -> tuple[EditRecord, User]:
    """An edit of the package `slug` that staff may revert, and the staff member; 403 for
    everyone else (logged in or not), 404 when the edit is not one of that package's."""
    user = staff_user(request)
    record = history_for(_package(slug)).filter(pk=record_id).first()
    if record is None:
        raise Http404("No such edit of this package.")
    return record, user


def get_claim_for_maintainer(request: HttpRequest, slug: str) -> tuple[MaintainerClaim, User]:
    """The logged-in person's verified claim on the package `slug`, re-checked with GitHub
    when stale (packagegrid.maintainers.services.maintainer_for_action), and that person.
    403 (PermissionDenied, with the reason) when they are not, or no longer, its
    maintainer; GitHubUnavailable propagates when GitHub cannot confirm the rights now."""
    user = signed_in_user(request)
    package = _package(slug)
    try:
        return maintainer_for_action(package=package, user=user), user
    except NotAMaintainer as refused:
        raise PermissionDenied(str(refused)) from None


def get_claim_for_revoker(
    request: HttpRequest, slug: str, claim_id: int
) -> tuple[MaintainerClaim, User]:
    """A claim on the package `slug` that staff may revoke, and the staff member; 403 for
    everyone else, 404 when the claim is not one of that package's."""
    user = staff_user(request)
    claim = MaintainerClaim.objects.filter(pk=claim_id, package__slug=slug).first()
    if claim is None:
        raise Http404("No such claim on this package.")
    return claim, user


def get_delisting_for_reviewer(
    request: HttpRequest, request_id: int
) -> tuple[DelistingRequest, User]:
    """A delisting request staff may approve or reject, and the staff member; 403 for
    everyone else."""
    user = staff_user(request)
    try:
        return DelistingRequest.objects.select_related("package").get(pk=request_id), user
    except DelistingRequest.DoesNotExist:
        raise Http404("No such delisting request.") from None


def get_flag_for_maintainer(
    request: HttpRequest, slug: str, flag_id: int
) -> tuple[Flag, MaintainerClaim, User]:
    """An open or resolved flag on the package `slug`, with the person's verified claim
    on that package (see `get_claim_for_maintainer`); 404 when the flag is not on it."""
    claim, user = get_claim_for_maintainer(request, slug)
    flag = Flag.objects.filter(pk=flag_id, package_id=claim.package_id).first()
    if flag is None:
        raise Http404("No such flag on this package.")
    return flag, claim, user


def discovery_reviewer(request: HttpRequest) -> User:
    """The logged-in person who may review discovered packages: staff, or someone whose
    edits no longer wait for review (settings.TRUSTED_EDITS); PermissionDenied otherwise."""
    user = signed_in_user(request)
    if edits_need_review(user):
        raise PermissionDenied("Only staff and trusted editors review discovered packages.")
    return user


def get_discovered_package_for_reviewer(request: HttpRequest, slug: str) -> tuple[Package, User]:
    """An unreviewed package a reviewer (see `discovery_reviewer`) may accept, reject or
    merge, and that person; 404 when there is no such package waiting for review."""
    user = discovery_reviewer(request)
    package = Package.objects.filter(slug=slug, reviewed=False).first()
    if package is None:
        raise Http404("No such package waits for review.")
    return package, user
