"""Maintainers' writes: claim a package through GitHub, re-check and revoke claims, and
the powers a verified claim gives, each one logged as a `MaintainerEvent`.

Rights are checked with GitHub when a claim is made and again at action time: every
maintainer action first calls `maintainer_for_action`, which asks GitHub again when the
last confirmation is older than settings.MAINTAINER_RECHECK_SECONDS. A check that finds
the rights gone (token refused, repository hidden, neither admin nor maintain) lapses the
claim and refuses the action; GitHub being unreachable refuses the action and changes
nothing. The check runs before the action's transaction, so a lapse is kept even though
the action is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from packagegrid.catalog.history_services import edit_save, field_values
from packagegrid.catalog.models import Flag, Package
from packagegrid.catalog.moderation_services import flag_resolve, package_delete
from packagegrid.catalog.review_services import ReviewedUpdate, package_update_reviewed
from packagegrid.catalog.services import package_update
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.refresh import package_request_refresh
from packagegrid.health.scores import package_health_recompute
from packagegrid.maintainers.github import (
    BadCredentials,
    GitHubUnavailable,
    RepoNotVisible,
    RepoRights,
    github_repo_rights,
)
from packagegrid.maintainers.models import DelistingRequest, MaintainerClaim, MaintainerEvent
from packagegrid.maintainers.selectors import (
    GITHUB,
    GitHubCredentials,
    claim_is_stale,
    github_credentials_of,
    maintainer_claim_of,
)

Kind = MaintainerEvent.Kind
FLAG_NOTE_MAX_CHARS = 500


class ClaimRefused(Exception):
    """The claim cannot be made or confirmed; the message says why."""


class NotAMaintainer(Exception):
    """The person has no verified claim on the package (any more); the message says why."""


class DelistingRefused(Exception):
    """The delisting request cannot be filed or resolved as asked; the message says why."""


def _http_client() -> HttpClient:
    # A person waits for this answer: one retry, short waits.
    return HttpClient(retries=1, backoff=0.25, max_wait=2.0)


def _log(
    claim: MaintainerClaim, kind: str, *, actor: User | None, **detail: Any
) -> MaintainerEvent:
    return MaintainerEvent.objects.create(
        claim=claim, package_id=claim.package_id, kind=kind, actor=actor, detail=detail
    )


@dataclass(frozen=True, slots=True)
class _Check:
    rights: RepoRights | None  # None: the rights are gone
    why: str  # why they are gone, said to the claimant ("" when granted)
    # The same reason as the public maintainer history shows it, when it differs.
    public_why: str = ""

    @property
    def logged_why(self) -> str:
        return self.public_why or self.why


def _check_rights(
    *, package: Package, credentials: GitHubCredentials | None, client: HttpClient | None
) -> _Check:
    """Ask GitHub for the rights; raises GitHubUnavailable when it cannot answer."""
    repo = package.repo
    if repo is None or repo.host != GITHUB:
        return _Check(None, f"The repository of {package.title} is not on GitHub.")
    if credentials is None:
        return _Check(
            None,
            "Log in with GitHub to claim a package.",
            "The claimant's GitHub login is no longer linked to this site.",
        )
    owned = client is None
    http = client or _http_client()
    try:
        rights = github_repo_rights(http, token=credentials.token, owner=repo.owner, name=repo.name)
    except BadCredentials:
        return _Check(
            None,
            "GitHub refused your login: log in with GitHub again.",
            "GitHub refused the claimant's login token.",
        )
    except RepoNotVisible:
        return _Check(None, f"GitHub does not show {repo.path} to @{credentials.login}.")
    finally:
        if owned:
            http.close()
    if not rights.granted:
        return _Check(
            None,
            f"@{credentials.login} has neither admin nor maintain rights on {rights.full_name}.",
        )
    return _Check(rights, "")


def maintainer_claim(
    *, package: Package, user: User, client: HttpClient | None = None
) -> MaintainerClaim:
    """Claim `package` for `user`, verified with GitHub using their stored token.

    The repository must be on GitHub, `user` must have logged in with GitHub, and GitHub
    must grant their token admin or maintain rights on it. Claiming again re-verifies the
    same claim (a lapsed one becomes verified); a claim staff revoked stays revoked.
    Logs "claimed" when the claim becomes verified. Raises ClaimRefused (nothing changed),
    GitHubUnavailable when GitHub cannot answer now.
    """
    existing = MaintainerClaim.objects.filter(package=package, user=user).first()
    if existing is not None and existing.status == MaintainerClaim.Status.REVOKED:
        raise ClaimRefused("Staff revoked your claim on this package; ask them to restore it.")
    credentials = github_credentials_of(user=user)
    check = _check_rights(package=package, credentials=credentials, client=client)
    if check.rights is None or credentials is None:
        raise ClaimRefused(check.why)
    now = timezone.now()
    with transaction.atomic():
        claim, created = MaintainerClaim.objects.select_for_update().get_or_create(
            package=package,
            user=user,
            defaults={
                "github_login": credentials.login,
                "permission": check.rights.granted,
                "created": now,
                "checked_at": now,
            },
        )
        newly_verified = created or not claim.is_verified
        if not created:
            if claim.status == MaintainerClaim.Status.REVOKED:  # revoked meanwhile
                raise ClaimRefused("Staff revoked your claim on this package.")
            claim.github_login, claim.permission = credentials.login, check.rights.granted
            claim.status, claim.checked_at, claim.ended_at, claim.ended_by = (
                MaintainerClaim.Status.VERIFIED,
                now,
                None,
                None,
            )
            claim.save(
                update_fields=[
                    "github_login",
                    "permission",
                    "status",
                    "checked_at",
                    "ended_at",
                    "ended_by",
                ]
            )
        if newly_verified:
            _log(
                claim,
                Kind.CLAIMED,
                actor=user,
                login=credentials.login,
                permission=claim.permission,
                repository=check.rights.full_name,
            )
    return claim


def _lapse(claim: MaintainerClaim, why: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        ended = MaintainerClaim.objects.filter(
            pk=claim.pk, status=MaintainerClaim.Status.VERIFIED
        ).update(status=MaintainerClaim.Status.LAPSED, ended_at=now)
        if ended:
            _log(claim, Kind.LAPSED, actor=None, why=why)
    claim.status, claim.ended_at = MaintainerClaim.Status.LAPSED, now


def maintainer_recheck(
    *, claim: MaintainerClaim, client: HttpClient | None = None, force: bool = False
) -> MaintainerClaim:
    """Confirm a verified claim with GitHub when its last confirmation is stale (or with
    `force`); returns the claim, with `checked_at` renewed when GitHub was asked.

    Raises NotAMaintainer after lapsing the claim (logged) when the rights are gone, and
    GitHubUnavailable, with nothing changed, when GitHub cannot answer.
    """
    if not claim.is_verified:
        raise NotAMaintainer("Your claim on this package is no longer verified.")
    if not force and not claim_is_stale(claim):
        return claim
    package = Package.objects.get(pk=claim.package_id)
    check = _check_rights(
        package=package, credentials=github_credentials_of(user=claim.user), client=client
    )
    if check.rights is None:
        _lapse(claim, check.logged_why)
        raise NotAMaintainer(f"Your claim has lapsed: {check.why}")
    claim.permission, claim.checked_at = check.rights.granted, timezone.now()
    claim.save(update_fields=["permission", "checked_at"])
    return claim


@dataclass(slots=True)
class RecheckRun:
    """What one periodic re-check of the claims did."""

    confirmed: int = 0  # GitHub still grants the rights
    lapsed: int = 0  # the rights are gone or the token is refused: the claim lapsed
    waiting: int = 0  # not asked: GitHub could not answer; checked again next run

    def __str__(self) -> str:
        return (
            f"Claims confirmed: {self.confirmed}, lapsed: {self.lapsed}, "
            f"left for the next run: {self.waiting}"
        )


def maintainer_claims_recheck(*, client: HttpClient | None = None) -> RecheckRun:
    """Ask GitHub again, with each claimant's own stored token, about every verified
    claim whose last confirmation is older than settings.MAINTAINER_RECHECK_SECONDS,
    oldest first: what `maintainer_recheck` does at action time, for claims whose
    maintainers do not act.

    A claim whose rights are gone, whose token GitHub refuses or that has no usable token
    any more lapses, logged in the package's public maintainer history with the reason.
    When GitHub cannot answer (down, rate limit used up), nothing more is asked: that
    claim and the rest are counted as waiting and keep their state until the next run.
    """
    stale_before = timezone.now() - timedelta(seconds=settings.MAINTAINER_RECHECK_SECONDS)
    claims = list(
        MaintainerClaim.objects.filter(
            status=MaintainerClaim.Status.VERIFIED, checked_at__lte=stale_before
        )
        .select_related("package", "user")
        .order_by("checked_at", "id")
    )
    run = RecheckRun()
    owned = client is None
    # Nobody waits for this answer: GitHub gets the retries a fetch gets.
    http = client or HttpClient()
    try:
        for index, claim in enumerate(claims):
            try:
                maintainer_recheck(claim=claim, client=http, force=True)
            except NotAMaintainer:
                run.lapsed += 1
            except GitHubUnavailable:
                run.waiting = len(claims) - index
                break
            else:
                run.confirmed += 1
    finally:
        if owned:
            http.close()
    return run


def maintainer_for_action(
    *, package: Package, user: User, client: HttpClient | None = None
) -> MaintainerClaim:
    """`user`'s verified claim on `package`, re-checked with GitHub when stale (see
    `maintainer_recheck`). Raises NotAMaintainer or GitHubUnavailable."""
    claim = maintainer_claim_of(package=package, user=user)
    if claim is None:
        raise NotAMaintainer("Only a verified maintainer of this package may do this.")
    claim.package = package
    claim.user = user
    return maintainer_recheck(claim=claim, client=client)


def maintainer_claim_revoke(*, claim: MaintainerClaim, user: User) -> MaintainerClaim:
    """Staff (`user`) revoke a claim, logged; the claimant cannot claim again until staff
    restore it in the admin. Raises NotAMaintainer when it is no longer verified."""
    now = timezone.now()
    with transaction.atomic():
        ended = MaintainerClaim.objects.filter(
            pk=claim.pk, status=MaintainerClaim.Status.VERIFIED
        ).update(status=MaintainerClaim.Status.REVOKED, ended_at=now, ended_by=user)
        if not ended:
            raise NotAMaintainer("This claim is not verified any more.")
        _log(claim, Kind.REVOKED, actor=user, login=claim.github_login)
    claim.status, claim.ended_at, claim.ended_by = MaintainerClaim.Status.REVOKED, now, user
    return claim


def package_update_as_editor(
    *,
    package: Package,
    user: User,
    expected_version: int | None = None,
    client: HttpClient | None = None,
    **fields: Any,
) -> ReviewedUpdate:
    """`package_update_reviewed`, except that a verified maintainer's edit (rights
    re-checked as for every action; a lapsed or unconfirmable claim counts as none) is
    saved at once, nothing held for review, and logged with the changed fields.
    Raises what `package_update` raises."""
    claim = maintainer_claim_of(package=package, user=user)
    if claim is not None:
        claim.package, claim.user = package, user
        try:
            maintainer_recheck(claim=claim, client=client)
        except (NotAMaintainer, GitHubUnavailable):
            claim = None
    if claim is None:
        return package_update_reviewed(
            package=package, user=user, expected_version=expected_version, **fields
        )
    with transaction.atomic():
        version = package.version
        saved = package_update(
            package=package, user=user, expected_version=expected_version, **fields
        )
        if saved.version != version:
            names = sorted(fields)
            before, after = field_values(package, names), field_values(saved, names)
            changed = [name for name in names if before[name] != after[name]]
            _log(claim, Kind.EDITED, actor=user, fields=changed)
    return ReviewedUpdate(package=saved, pending=None)


def package_mark_finished(*, claim: MaintainerClaim, user: User, finished: bool) -> Package:
    """Mark the claim's package finished (or no longer): the health lifecycle then reads
    it as `stable` while nothing signals breakage, and its health is recomputed at once.
    Recorded in the edit history and logged; setting the value it already has changes nothing."""
    with transaction.atomic():
        package = Package.objects.select_for_update().get(pk=claim.package_id)
        before = field_values(package, ["finished"])
        package.finished = finished
        record = edit_save(
            instance=package,
            before=before,
            fields=["finished"],
            user=user,
            expected_version=None,
            also={"last_modified_by": user},
        )
        if record is not None:
            _log(claim, Kind.FINISHED if finished else Kind.UNFINISHED, actor=user)
            package_health_recompute([package.pk])
    return package


def package_deprecate(
    *, claim: MaintainerClaim, user: User, replacement: Package | None
) -> Package:
    """Mark the claim's package deprecated, replaced by `replacement` (None: no longer
    deprecated), without review. Raises ValidationError for a replacement that would
    close a cycle (nothing changed)."""
    with transaction.atomic():
        current = Package.objects.get(pk=claim.package_id)
        before = current.replaced_by_id
        saved = package_update(package=current, user=user, replaced_by=replacement)
        if saved.replaced_by_id != before:
            if replacement is None:
                _log(claim, Kind.UNDEPRECATED, actor=user)
            else:
                _log(
                    claim,
                    Kind.DEPRECATED,
                    actor=user,
                    replacement=replacement.slug,
                    replacement_title=replacement.title,
                )
    return saved


def maintainer_flag_answer(
    *, claim: MaintainerClaim, user: User, flag: Flag, approve: bool, note: str
) -> Flag:
    """Resolve an open flag on the claim's own package, with a public note (at most
    FLAG_NOTE_MAX_CHARS). Raises ValidationError for a flag on another package or an
    over-long note, FlagAlreadyResolved when someone resolved it first."""
    if flag.package_id != claim.package_id:
        raise ValidationError("This flag is not on your package.")
    note = note.strip()
    if len(note) > FLAG_NOTE_MAX_CHARS:
        raise ValidationError(f"Keep the answer within {FLAG_NOTE_MAX_CHARS} characters.")
    with transaction.atomic():
        resolved = flag_resolve(flag=flag, user=user, approve=approve)
        _log(
            claim,
            Kind.FLAG_ANSWERED,
            actor=user,
            flag=flag.pk,
            reason=flag.get_reason_display(),
            decision=resolved.status,
            note=note,
        )
    return resolved


def delisting_request_create(
    *, claim: MaintainerClaim, user: User, reason: str
) -> DelistingRequest:
    """Ask staff to delist the claim's package. Raises DelistingRefused when one request
    already waits, ValidationError for an empty or over-long reason."""
    reason = reason.strip()
    if not reason or len(reason) > 2000:
        raise ValidationError("Give a reason of at most 2000 characters.")
    package = Package.objects.get(pk=claim.package_id)
    try:
        with transaction.atomic():
            request = DelistingRequest.objects.create(
                package=package,
                package_title=package.title,
                claim=claim,
                user=user,
                reason=reason,
            )
            _log(claim, Kind.DELISTING_REQUESTED, actor=user, request=request.pk)
    except IntegrityError:
        raise DelistingRefused("A delisting request for this package already waits.") from None
    return request


def delisting_request_resolve(
    *, request: DelistingRequest, user: User, approve: bool
) -> DelistingRequest:
    """Staff (`user`) approve (the package is deleted, recorded in its history) or reject
    an open request. Raises DelistingRefused when someone resolved it first."""
    now = timezone.now()
    status = DelistingRequest.Status.APPROVED if approve else DelistingRequest.Status.REJECTED
    with transaction.atomic():
        claimed = DelistingRequest.objects.filter(
            pk=request.pk, status=DelistingRequest.Status.OPEN
        ).update(status=status, resolved_by=user, resolved_at=now)
        if not claimed:
            raise DelistingRefused("This request was already resolved.")
        package = (
            Package.objects.filter(pk=request.package_id).first()
            if request.package_id is not None
            else None
        )
        if approve and package is not None:
            package_delete(package=package, user=user)
    request.status, request.resolved_by, request.resolved_at = status, user, now
    return request


def maintainer_refresh(*, claim: MaintainerClaim, user: User) -> None:
    """Enqueue a fetch of the claim's package, under the refresh limits everyone has
    (packagegrid.fetchers.refresh), and log it. Raises RefreshRefused past the limits."""
    package = Package.objects.get(pk=claim.package_id)
    package_request_refresh(package=package, user=user)
    _log(claim, Kind.REFRESHED, actor=user)
