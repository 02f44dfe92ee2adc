"""Maintainers' reads: a person's GitHub credentials, their claim on a package, the public
maintainer page of a package, the package page's maintainer annotations and the staff
queue of delisting requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.socialaccount.models import SocialToken
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from packagegrid.catalog.models import Flag, Package
from packagegrid.maintainers.models import DelistingRequest, MaintainerClaim, MaintainerEvent

GITHUB = "github"
MAINTAINER_EVENTS_SHOWN = 50
DELISTINGS_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class GitHubCredentials:
    login: str  # the GitHub login allauth stored at the last GitHub login
    token: str  # the OAuth access token


def github_credentials_of(*, user: User) -> GitHubCredentials | None:
    """The GitHub login and token `user` last logged in with (one query); None when they
    never logged in with GitHub, or the stored token has expired."""
    token = (
        SocialToken.objects.filter(account__user=user, account__provider=GITHUB)
        .select_related("account")
        .order_by("-id")
        .first()
    )
    if token is None or not token.token:
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    extra = token.account.extra_data if isinstance(token.account.extra_data, dict) else {}
    login = str(extra.get("login") or token.account.uid)
    return GitHubCredentials(login=login[:39], token=token.token)


def maintainer_claim_of(*, package: Package, user: User) -> MaintainerClaim | None:
    """`user`'s verified claim on `package`, None when they have none (one query)."""
    return MaintainerClaim.objects.filter(
        package=package, user=user, status=MaintainerClaim.Status.VERIFIED
    ).first()


def claim_is_stale(claim: MaintainerClaim) -> bool:
    """True when GitHub last confirmed the claim longer ago than MAINTAINER_RECHECK_SECONDS."""
    age = timedelta(seconds=settings.MAINTAINER_RECHECK_SECONDS)
    return claim.checked_at <= timezone.now() - age


def package_maintainer_annotations(
    viewer: AbstractBaseUser | AnonymousUser | None,
) -> dict[str, Subquery | Coalesce | Exists | Value]:
    """Annotations for the query that reads a package, so the package page shows its
    maintainers at no extra query: `maintainer_login` (the first verified maintainer's
    GitHub login, None when none), `maintainer_count` and `viewer_is_maintainer`."""
    verified = MaintainerClaim.objects.filter(
        package=OuterRef("pk"), status=MaintainerClaim.Status.VERIFIED
    )
    count = verified.order_by().values("package").annotate(n=Count("pk")).values("n")
    user_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    return {
        "maintainer_login": Subquery(verified.order_by("created", "id").values("github_login")[:1]),
        "maintainer_count": Coalesce(Subquery(count, output_field=IntegerField()), 0),
        "viewer_is_maintainer": (
            Exists(verified.filter(user_id=user_id))
            if user_id is not None
            else Value(False, output_field=BooleanField())
        ),
    }


@dataclass(frozen=True, slots=True)
class MaintainerPage:
    package: Package
    maintainers: list[MaintainerClaim]  # verified, oldest claim first
    events: list[MaintainerEvent]  # newest first, at most MAINTAINER_EVENTS_SHOWN
    viewer_claim: MaintainerClaim | None  # the viewer's claim, in whatever status
    viewer_github_login: str  # "" when the viewer has not logged in with GitHub
    open_flags: list[Flag]  # for a verified viewer: the flags they may answer
    open_delisting: bool  # a delisting request waits for staff
    on_github: bool  # the repository is on GitHub, so it can be claimed

    @property
    def viewer_is_maintainer(self) -> bool:
        return self.viewer_claim is not None and self.viewer_claim.is_verified


def maintainer_page(
    *, package: Package, viewer: AbstractBaseUser | AnonymousUser | None
) -> MaintainerPage:
    """What the maintainer page of `package` shows, whatever the number of claims and
    events: three queries (maintainers, events, open delisting) for anyone, plus the
    viewer's claim and GitHub login (two) and, for a maintainer, the open flags (one)."""
    maintainers = list(
        MaintainerClaim.objects.filter(package=package, status=MaintainerClaim.Status.VERIFIED)
        .select_related("user")
        .order_by("created", "id")
    )
    events = list(
        MaintainerEvent.objects.filter(package=package)
        .select_related("claim", "actor")
        .order_by("-created", "-id")[:MAINTAINER_EVENTS_SHOWN]
    )
    open_delisting = DelistingRequest.objects.filter(
        package=package, status=DelistingRequest.Status.OPEN
    ).exists()
    viewer_claim, login, flags = None, "", []
    if isinstance(viewer, User) and viewer.is_authenticated:
        viewer_claim = MaintainerClaim.objects.filter(package=package, user=viewer).first()
        credentials = github_credentials_of(user=viewer)
        login = credentials.login if credentials else ""
        if viewer_claim is not None and viewer_claim.is_verified:
            flags = list(
                Flag.objects.filter(package=package, status=Flag.Status.OPEN)
                .select_related("user")
                .order_by("created", "id")
            )
    repo = package.repo
    return MaintainerPage(
        package=package,
        maintainers=maintainers,
        events=events,
        viewer_claim=viewer_claim,
        viewer_github_login=login,
        open_flags=flags,
        open_delisting=open_delisting,
        on_github=repo is not None and repo.host == GITHUB,
    )


@dataclass(frozen=True, slots=True)
class DelistingQueue:
    requests: list[DelistingRequest]  # open, oldest first, with package and requester
    page: Page[DelistingRequest]


def delisting_list_open(*, page_number: str) -> DelistingQueue:
    """One page of open delisting requests, oldest first (two queries: count and rows)."""
    queryset = (
        DelistingRequest.objects.filter(status=DelistingRequest.Status.OPEN)
        .select_related("package", "user", "claim")
        .order_by("created", "id")
    )
    page = Paginator(queryset, DELISTINGS_PER_PAGE).get_page(page_number)
    return DelistingQueue(requests=list(page.object_list), page=page)
