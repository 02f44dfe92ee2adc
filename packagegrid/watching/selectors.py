"""Reads of watching: what a person watches, and the one source of "what happened to it
since T" that both the e-mail digest and the private feed show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.urls import reverse

from packagegrid.catalog.models import EditRecord, Package, Release
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.health.models import Advisory, LifecycleChange
from packagegrid.watching.models import Watch, WatchSettings

# At most this many events of each kind are read, and this many shown.
EVENTS_MAX = 100


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """One thing that happened to something a person watches."""

    kind: str  # "release", "lifecycle", "advisory" or "grid"
    at: datetime  # when packagegrid recorded it
    subject: str  # the package's or grid's title
    title: str  # one line: "django-foo 2.1 released"
    detail: str  # plain text, may be ""
    path: str  # where to read more, a path on this site
    guid: str  # unique and stable: "release-12"


@dataclass(frozen=True, slots=True)
class WatchEvents:
    events: list[WatchEvent]  # newest first
    truncated: bool  # more happened than EVENTS_MAX


@dataclass(frozen=True, slots=True)
class WatchList:
    packages: list[Package]
    grids: list[Grid]
    settings: WatchSettings  # unsaved (the defaults) for someone who never saved any


def viewer_watches(viewer: AbstractBaseUser | AnonymousUser | None, field: str) -> Exists | Value:
    """A `viewer_watches` annotation for a Package (`field="package"`) or Grid
    (`field="grid"`) queryset: whether `viewer` watches the row; constant False (no
    subquery) for nobody logged in."""
    if viewer is None or not viewer.is_authenticated:
        return Value(False, output_field=BooleanField())
    return Exists(Watch.objects.filter(user_id=viewer.pk, **{field: OuterRef("pk")}))


def grid_for_page(*, slug: str, viewer: AbstractBaseUser | AnonymousUser) -> Grid:
    """The grid with `viewer_watches` annotated, in one query; raises Grid.DoesNotExist."""
    return Grid.objects.annotate(viewer_watches=viewer_watches(viewer, "grid")).get(slug=slug)


def watch_settings_of(*, user: User) -> WatchSettings:
    """`user`'s settings, or unsaved defaults when they never had any (one query)."""
    try:
        return WatchSettings.objects.get(user=user)
    except WatchSettings.DoesNotExist:
        return WatchSettings(user=user)


def watch_list(*, user: User) -> WatchList:
    """What `user` watches, by title, with their settings: three queries whatever the
    number of watched items."""
    packages = list(
        Package.objects.filter(watches__user=user)
        .select_related("category")
        .only("title", "slug", "category__title", "category__slug")
        .order_by("title", "id")
    )
    grids = list(Grid.objects.filter(watches__user=user).only("title", "slug").order_by("title"))
    return WatchList(packages=packages, grids=grids, settings=watch_settings_of(user=user))


def watch_settings_for_feed(*, token: str) -> WatchSettings | None:
    """The settings whose private feed `token` opens, with the user joined; None for an
    unknown token (one query)."""
    if not token:
        return None
    return WatchSettings.objects.select_related("user").filter(feed_token=token).first()


def watch_events(*, user: User, since: datetime | None, until: datetime) -> WatchEvents:
    """What happened after `since` (None: ever) and up to `until` to the packages and
    grids `user` watches, newest first: new releases, lifecycle changes, new advisories,
    and edits of the grids. At most EVENTS_MAX of them.

    The time of a release or an advisory is when packagegrid stored it, so one fetched
    late still counts once. At most nine queries (once content types are cached), whatever
    the number of watched items and events.
    """
    package_ids: list[int] = []
    grid_ids: list[int] = []
    for package_id, grid_id in Watch.objects.filter(user=user).values_list("package", "grid"):
        if package_id:
            package_ids.append(package_id)
        if grid_id:
            grid_ids.append(grid_id)
    window = {"lte": until} | ({"gt": since} if since else {})
    events: list[WatchEvent] = []
    if package_ids:
        events += _release_events(package_ids, window)
        events += _lifecycle_events(package_ids, window)
        events += _advisory_events(package_ids, window)
    if grid_ids:
        events += _grid_events(grid_ids, window)
    events.sort(key=lambda event: (event.at, event.guid), reverse=True)
    return WatchEvents(events=events[:EVENTS_MAX], truncated=len(events) > EVENTS_MAX)


def _between(field: str, window: dict[str, datetime]) -> dict[str, datetime]:
    return {f"{field}__{lookup}": moment for lookup, moment in window.items()}


def _release_events(package_ids: list[int], window: dict[str, datetime]) -> list[WatchEvent]:
    rows = (
        Release.objects.filter(package__in=package_ids, **_between("found_at", window))
        .select_related("package")
        .only("version", "found_at", "uploaded_at", "yanked", "package__title", "package__slug")
        .order_by("-found_at", "-id")[: EVENTS_MAX + 1]
    )
    return [
        WatchEvent(
            kind="release",
            at=release.found_at,
            subject=release.package.title,
            title=f"{release.package.title} {release.version} released"
            + (" (yanked)" if release.yanked else ""),
            detail=(
                f"Uploaded to PyPI on {release.uploaded_at:%Y-%m-%d}."
                if release.uploaded_at
                else ""
            ),
            path=release.package.get_absolute_url(),
            guid=f"release-{release.pk}",
        )
        for release in rows
        if release.found_at is not None
    ]


def _lifecycle_events(package_ids: list[int], window: dict[str, datetime]) -> list[WatchEvent]:
    rows = (
        LifecycleChange.objects.filter(package__in=package_ids, **_between("changed_at", window))
        .select_related("package")
        .only("previous", "lifecycle", "reason", "changed_at", "package__title", "package__slug")
        .order_by("-changed_at", "-id")[: EVENTS_MAX + 1]
    )
    return [
        WatchEvent(
            kind="lifecycle",
            at=change.changed_at,
            subject=change.package.title,
            title=(
                f"{change.package.title} is now {change.get_lifecycle_display().lower()} "
                f"(was {change.get_previous_display().lower()})"
            ),
            detail=change.reason,
            path=reverse("package-rules", kwargs={"slug": change.package.slug}),
            guid=f"lifecycle-{change.pk}",
        )
        for change in rows
    ]


def _advisory_events(package_ids: list[int], window: dict[str, datetime]) -> list[WatchEvent]:
    rows = (
        Advisory.objects.filter(
            package__in=package_ids, withdrawn__isnull=True, **_between("found_at", window)
        )
        .select_related("package")
        .only("advisory_id", "summary", "fixed_in", "found_at", "package__title", "package__slug")
        .order_by("-found_at", "-id")[: EVENTS_MAX + 1]
    )
    events = []
    for advisory in rows:
        if advisory.found_at is None:
            continue
        fixed = ", ".join(str(version) for version in advisory.fixed_in)
        detail = advisory.summary + (f" Fixed in {fixed}." if fixed else "")
        events.append(
            WatchEvent(
                kind="advisory",
                at=advisory.found_at,
                subject=advisory.package.title,
                title=f"Security advisory {advisory.advisory_id} on {advisory.package.title}",
                detail=detail.strip(),
                path=advisory.package.get_absolute_url(),
                guid=f"advisory-{advisory.pk}",
            )
        )
    return events


def _grid_records(grid_ids: list[int], window: dict[str, datetime]) -> QuerySet[EditRecord]:
    """The edits of the grids, their features, package lists and cells (as the grid
    history page finds them, for many grids at once)."""
    types = ContentType.objects.get_for_models(Grid, Feature, GridPackage, Element)
    mentions_grid = Q(changes__grid__0__in=grid_ids) | Q(changes__grid__1__in=grid_ids)
    return EditRecord.objects.filter(
        Q(content_type=types[Grid], object_id__in=grid_ids)
        | Q(
            content_type=types[Feature],
            object_id__in=Feature.objects.filter(grid__in=grid_ids).values("pk"),
        )
        | (Q(content_type__in=[types[Feature], types[GridPackage]]) & mentions_grid)
        | Q(
            content_type=types[Element],
            object_id__in=Element.objects.filter(feature__grid__in=grid_ids).values("pk"),
        ),
        **_between("created", window),
    ).order_by("-created", "-id")[: EVENTS_MAX + 1]


_ACTIONS = {
    EditRecord.Action.CREATE: "added",
    EditRecord.Action.UPDATE: "edited",
    EditRecord.Action.DELETE: "removed",
    EditRecord.Action.REVERT: "reverted an edit of",
    EditRecord.Action.RESTORE: "restored",
}


def _recorded(record: EditRecord, name: str) -> Any:
    """The value a record holds for `name`: the later one, else the earlier one."""
    before, after = record.changes.get(name, [None, None])
    return after if after is not None else before


def _grid_events(grid_ids: list[int], window: dict[str, datetime]) -> list[WatchEvent]:
    records = list(_grid_records(grid_ids, window))
    types = {
        t.pk: model
        for model, t in ContentType.objects.get_for_models(
            Grid, Feature, GridPackage, Element
        ).items()
    }
    feature_ids = {r.object_id for r in records if types[r.content_type_id] is Feature}
    element_ids = {r.object_id for r in records if types[r.content_type_id] is Element}
    package_ids = {
        _recorded(r, "package") for r in records if types[r.content_type_id] is GridPackage
    } - {None}
    features = {
        pk: (grid_id, title)
        for pk, grid_id, title in (
            Feature.objects.filter(pk__in=feature_ids).values_list("pk", "grid", "title")
            if feature_ids
            else []
        )
    }
    cells = {
        pk: (grid_id, f"{feature} / {package}")
        for pk, grid_id, feature, package in (
            Element.objects.filter(pk__in=element_ids).values_list(
                "pk", "feature__grid", "feature__title", "grid_package__package__title"
            )
            if element_ids
            else []
        )
    }
    titles = dict(
        Package.objects.filter(pk__in=package_ids).values_list("pk", "title") if package_ids else []
    )
    grids = {grid.pk: grid for grid in Grid.objects.filter(pk__in=grid_ids).only("title", "slug")}
    events = []
    for record in records:
        model = types[record.content_type_id]
        grid_id: int | None
        action = _ACTIONS.get(EditRecord.Action(record.action), record.action)
        if model is Grid:
            grid_id, what = record.object_id, "the grid's details"
        elif model is Feature:
            grid_id, title = features.get(
                record.object_id, (_recorded(record, "grid"), _recorded(record, "title"))
            )
            what = f"the feature “{title or 'a deleted feature'}”"
        elif model is GridPackage:
            grid_id = _recorded(record, "grid")
            what = f"the package {titles.get(_recorded(record, 'package'), 'a deleted package')}"
        else:
            grid_id, title = cells.get(record.object_id, (None, "a deleted cell"))
            what = f"the cell {title}"
        grid = grids.get(grid_id) if grid_id is not None else None
        if grid is None:
            continue
        events.append(
            WatchEvent(
                kind="grid",
                at=record.created,
                subject=grid.title,
                title=f"{grid.title}: {action} {what}",
                detail="",
                path=reverse("grid-history", kwargs={"slug": grid.slug}),
                guid=f"grid-edit-{record.pk}",
            )
        )
    return events
