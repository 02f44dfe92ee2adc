"""Shared machinery of the security suite: a world of real records, every URL pattern of
the site made concrete with those records, a snapshot of every table, and a detector of
markup that a payload turned into live script.

The suite's tests are tables generated from these registries, so a new route or field is
covered by adding one line here (or fails loudly until someone does).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

from django.apps import apps
from django.contrib.auth.models import User
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from packagegrid.accounts.api_keys import api_key_create
from packagegrid.accounts.models import Profile
from packagegrid.catalog.history_services import edit_record
from packagegrid.catalog.models import Category, EditRecord, Flag, Package, PendingChange
from packagegrid.conftest import (
    add_to_grid,
    make_category,
    make_feature,
    make_grid,
    make_package,
    make_release,
    make_user,
    set_cell,
)
from packagegrid.grids.models import Feature, Grid
from packagegrid.maintainers.models import DelistingRequest, MaintainerClaim

# --- the URL patterns ----------------------------------------------------------------------

_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True, slots=True)
class Route:
    """One URL pattern: its namespaced name, its pattern text and its parameter names."""

    name: str | None
    pattern: str
    params: tuple[str, ...]
    callback: Callable[..., Any]

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")


def site_routes() -> list[Route]:
    """Every URL pattern of the site, parents' patterns and namespaces included."""

    def walk(patterns: list[Any], namespace: str, prefix: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                text = prefix + str(entry.pattern)
                params = tuple(a or b for a, b in _ROUTE_PARAM.findall(text))
                name = f"{namespace}{entry.name}" if entry.name else None
                yield Route(name, text, params, entry.callback)

    return list(walk(get_resolver().url_patterns, "", ""))


# --- the world -----------------------------------------------------------------------------


@dataclass(slots=True)
class World:
    """Real records for every kind of URL argument, and the people who act on them."""

    category: Category
    package: Package
    other_package: Package
    grid: Grid
    locked_grid: Grid
    feature: Feature
    locked_feature: Feature
    flag: Flag
    pending_change: PendingChange
    package_record: EditRecord
    grid_record: EditRecord
    alice: User
    bob: User
    staff: User
    superuser: User
    extra: dict[str, Any] = field(default_factory=dict)

    def route_kwargs(self, route: Route) -> dict[str, str] | None:
        """The arguments that make `route` a URL of a real object; None when the route
        cannot be filled (see `UNFILLABLE_ROUTES`)."""
        if not route.params:
            return {}
        if route.is_admin:
            return self._admin_kwargs(route)
        grid_routes = route.name is not None and (
            route.name.startswith("grid") or route.name.startswith("feed-grid")
        )
        by_param: dict[str, str] = {
            "slug": self.grid.slug if grid_routes else self.package.slug,
            "package_slug": self.package.slug,
            "feature_id": str(self.feature.pk),
            "package_id": str(self.package.pk),
            "record_id": str(self.grid_record.pk if grid_routes else self.package_record.pk),
            "flag_id": str(self.flag.pk),
            "change_id": str(self.pending_change.pk),
            "claim_id": str(self.extra["claim"].pk),
            "request_id": str(self.extra["delisting"].pk),
            "key_id": str(self.extra["api_key"].pk),
            "product": "django",
            "version": "5.2",
            "account": self.alice.username,
            "github_account": "alice-gh",
            "slugs": f"{self.package.slug},{self.other_package.slug}",
            "pk": str(self.package.pk),
            "format": "json",
            "key": "no-such-key",
            "token": "no-such-token",
            "uidb36": "1",
            "name": "packagegrid.jsonl.gz",
        }
        if route.name in {"category", "v3:category-detail"}:
            by_param["slug"] = self.category.slug
        if route.name in {"v4:category-detail"}:
            by_param["pk"] = str(self.category.pk)
        if route.name in {"v4:grid-detail"}:
            by_param["pk"] = str(self.grid.pk)
        if route.name in {"v3:grid-detail", "v3:grid-packages"}:
            by_param["slug"] = self.grid.slug
        if not set(route.params) <= set(by_param):
            return None
        return {name: by_param[name] for name in route.params}

    def _admin_kwargs(self, route: Route) -> dict[str, str] | None:
        values: dict[str, str] = {}
        for name in route.params:
            if name in {"object_id", "id"}:
                values[name] = self._admin_object_id(route)
            elif name == "url":  # the admin's catch-all
                values[name] = "no-such-page/"
            elif name == "app_label":
                values[name] = "catalog"
            elif name == "content_type_id":
                values[name] = str(self.package_record.content_type_id)
            else:
                return None
        return values

    def _admin_object_id(self, route: Route) -> str:
        """The first row of the model the admin route is about (`admin/<app>/<model>/`);
        "0" when it has none: the admin answers "does not exist" with a redirect."""
        parts = route.pattern.split("/")
        try:
            model = apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError, IndexError):
            return str(self.package.pk)  # the "view on site" shortcut
        first = model._default_manager.order_by("pk").first()
        return str(first.pk) if first is not None else "0"

    def url(self, route: Route) -> str | None:
        """A concrete URL of `route`; None when its arguments cannot be filled."""
        kwargs = self.route_kwargs(route)
        if kwargs is None:
            return None
        if route.name is None:  # unnamed: allauth's old paths, the admin's id redirects
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m[1]], route.pattern)
            text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m[1]], text)
            return "/" + text.replace("^", "").replace("$", "")
        return reverse(route.name, kwargs=kwargs)


def build_world() -> World:
    """A category, two packages, an open grid and a locked grid (each with a feature and
    cells), a flag, an edit record of a package and of a grid, and four people: alice
    and bob (logged-in members), staff (is_staff) and a superuser."""
    alice = make_user("alice", password="pw-alice-123")
    bob = make_user("bob", password="pw-bob-123")
    staff = make_user("sam", staff=True)
    superuser = User.objects.create_superuser(username="root", password="pw-root-123")
    category = make_category(title="Apps", slug="apps")
    package = make_package(title="Alpha", slug="alpha", category=category, repo={"stars": 5})
    other = make_package(title="Bravo", slug="bravo", category=category, repo={"stars": 3})
    make_release(package, "1.0")
    grid = make_grid(title="Auth", slug="auth", description="Authentication")
    add_to_grid(grid, package, other)
    feature = make_feature(grid, "Async", "Runs async")
    set_cell(grid, package, feature, "yes")
    locked = make_grid(title="Locked", slug="locked", is_locked=True)
    add_to_grid(locked, package, other)
    locked_feature = make_feature(locked, "Sync")
    set_cell(locked, package, locked_feature, "no")
    flag = Flag.objects.create(package=package, user=alice, reason=Flag.Reason.OTHER)
    pending_change = PendingChange.objects.create(
        package=package,
        user=bob,
        changes={"repo_url": [package.repo_url, "https://github.com/elsewhere/alpha"]},
    )
    package_record = edit_record(
        user=alice,
        instance=package,
        action=EditRecord.Action.UPDATE,
        before={"title": "Old alpha"},
        after={"title": "Alpha"},
    )
    grid_record = edit_record(
        user=alice,
        instance=grid,
        action=EditRecord.Action.UPDATE,
        before={"description": "Old"},
        after={"description": "Authentication"},
    )
    assert package_record is not None and grid_record is not None
    Profile.objects.create(user=alice, github_account="alice-gh")
    claim = MaintainerClaim.objects.create(
        package=package, user=bob, github_login="bob-gh", permission="admin"
    )
    delisting = DelistingRequest.objects.create(
        package=other, package_title=other.title, user=bob, reason="Moved."
    )
    api_key = api_key_create(user=bob, name="Bob's tool").record
    return World(
        category=category,
        package=package,
        other_package=other,
        grid=grid,
        locked_grid=locked,
        feature=feature,
        locked_feature=locked_feature,
        flag=flag,
        pending_change=pending_change,
        package_record=package_record,
        grid_record=grid_record,
        alice=alice,
        bob=bob,
        staff=staff,
        superuser=superuser,
        extra={"claim": claim, "delisting": delisting, "api_key": api_key},
    )


# --- the database --------------------------------------------------------------------------

# Tables a request may write without changing any data of the site: none so far. (Sessions
# are created by logging in, which happens before a snapshot is taken.)
SNAPSHOT_EXCLUDED_TABLES: frozenset[str] = frozenset()


def _all_models() -> list[type[models.Model]]:
    found: list[type[models.Model]] = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in SNAPSHOT_EXCLUDED_TABLES or not model._meta.managed:
            continue
        found.append(model)
    return found


def db_snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a SHA-256 of all its rows in primary-key order."""
    snapshot: dict[str, tuple[int, str]] = {}
    for model in _all_models():
        rows = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        snapshot[model._meta.db_table] = (len(rows), digest)
    return snapshot


def db_changes(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """The tables whose rows differ between two snapshots, with their row counts."""
    return [
        f"{table}: {before.get(table, (0, ''))[0]} -> {after[table][0]} rows"
        for table in sorted(after)
        if before.get(table) != after[table]
    ]


# --- live markup from a payload ------------------------------------------------------------

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
_CONTROL = re.compile(r"[\x00-\x20]+")


def _is_script_url(value: str) -> bool:
    return _CONTROL.sub("", value).lower().startswith(("javascript:", "vbscript:", "data:text"))


class _LiveMarkup(HTMLParser):
    """Collects the elements and attributes where a marker became executable."""

    def __init__(self, markers: list[str], raw_payloads: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.markers = markers
        self.raw_payloads = raw_payloads
        self.found: list[str] = []
        self._in_script = False

    def _markers_in(self, text: str) -> list[str]:
        return [marker for marker in self.markers if marker in text]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            hits = self._markers_in(value) or self._markers_in(name)
            if not hits:
                continue
            if name.startswith(("on", "hx-on")):
                self.found.append(f"<{tag} {name}=...> from {hits}")
            elif name in _URL_ATTRIBUTES and _is_script_url(value):
                self.found.append(f"<{tag} {name}={value!r}> from {hits}")
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            return
        # A payload's own <script> element holds exactly its code; inside a legitimate
        # script, a payload is harmful only when it arrives with its markup characters raw.
        if data.strip().startswith("alert(") and self._markers_in(data):
            self.found.append(f"<script> element from {self._markers_in(data)}")
        for raw in self.raw_payloads:
            if any(c in raw for c in "<>\"'") and raw in data:
                self.found.append(f"raw payload {raw!r} inside a <script>")


def live_markup_in_html(html: str, *, markers: list[str], raw_payloads: list[str]) -> list[str]:
    """Where a payload (recognised by its marker) became a script element, an event
    handler attribute or a script URL in `html`; empty when every payload stayed text."""
    parser = _LiveMarkup(markers, raw_payloads)
    parser.feed(html)
    parser.close()
    return parser.found


def live_markup_in_xml(xml: bytes, *, markers: list[str], raw_payloads: list[str]) -> list[str]:
    """The same for a feed or sitemap: the document must stay well-formed, no element or
    link may come from a payload, and text that readers render as HTML (RSS
    `description`, Atom `summary`/`content`) must hold no live markup either."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        return [f"not well-formed XML: {error}"]
    found: list[str] = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in {"script", "iframe"}:
            found.append(f"<{local}> element in the feed")
        for name, value in element.attrib.items():
            is_link = name.rsplit("}", 1)[-1] in {"href", "src", "uri", "url"}
            if is_link and any(m in value for m in markers) and _is_script_url(value):
                found.append(f"<{local} {name}={value!r}>")
        text = element.text or ""
        if local in {"link", "loc", "id", "guid"} and _is_script_url(text):
            found.append(f"<{local}>{text}</{local}>")
        # Titles are plain text in RSS and Atom (type="text"); these carry HTML.
        if local in {"description", "summary", "content"} and text:
            found += live_markup_in_html(text, markers=markers, raw_payloads=raw_payloads)
    return found
