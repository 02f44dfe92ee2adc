"""Cross-site scripting: every payload in every stored text field, on every page.

The table is FIELDS x PAGES x PAYLOADS. For one payload, every field holds it at once,
tagged with the field's own marker (`m07`), so a finding names the field it came from.
Each page is parsed (HTML with html.parser, feeds and the sitemap as XML) and must hold no
script element, event-handler attribute or script URL that a payload produced. Adding a
field or a page is one line in FIELDS or PAGES.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from packagegrid.accounts.models import Profile
from packagegrid.catalog.models import Release
from packagegrid.fetchers.models import FetchState
from packagegrid.grids.models import Element
from packagegrid.search.services import search_reindex
from packagegrid.web.tests.security_support import (
    World,
    build_world,
    live_markup_in_html,
    live_markup_in_xml,
)

PAYLOADS = {
    "script": "<script>alert('{m}')</script>",
    "attribute": "\"><img src=x onerror=alert('{m}')>",
    "single-quote": "'><svg onload=alert('{m}')>",
    "url": "javascript:alert('{m}')",
    "markdown-link": "[x](javascript:alert('{m}'))",
    "raw-link": "<a href=\"javascript:alert('{m}')\">y</a>",
}


def _set(obj_of: Callable[[World], Any], attribute: str) -> Callable[[World, str], None]:
    def setter(world: World, value: str) -> None:
        obj = obj_of(world)
        setattr(obj, attribute, value)
        obj.save()

    return setter


def _profile(world: World) -> Profile:
    return Profile.objects.get(user=world.alice)


def _release(world: World, value: str) -> None:
    Release.objects.filter(package=world.package).update(version=value)


def _cell(world: World, value: str) -> None:
    Element.objects.filter(feature=world.feature).update(text=value)


def _participants(world: World, value: str) -> None:
    world.package.repo_data.participants = [value, "bob"]
    world.package.repo_data.save()


def _classifiers(world: World, value: str) -> None:
    world.package.pypi_data.classifiers = [value, "Framework :: Django"]
    world.package.pypi_data.save()


def _project_urls(world: World, value: str) -> None:
    world.package.pypi_data.project_urls = {"Homepage": value, value: "https://example.org/"}
    world.package.pypi_data.save()


def _history(world: World, value: str) -> None:
    for record in (world.package_record, world.grid_record):
        record.changes = {"title": [value, "Alpha"], "description": ["Old", value]}
        record.save()


def _fetch_error(world: World, value: str) -> None:
    FetchState.objects.create(
        package=world.package, source="github", last_error=value, error_count=3
    )


def _username(world: World, value: str) -> None:
    # Sign-up allows only word characters; imported or admin-made accounts may not.
    world.bob.username = value
    world.bob.save()
    world.package.created_by = world.bob
    world.package.save()


def _package_title(world: World, value: str) -> None:
    # The title keeps a word the search pages can find.
    world.package.title = f"Alpha {value}"
    world.package.save()


def _pypi_fallback(attribute: str) -> Callable[[World, str], None]:
    """PyPI's summary and licence show when the code host has none: store them on the
    other package, whose repository description and licence are empty."""

    def setter(world: World, value: str) -> None:
        repo = world.other_package.repo_data
        repo.description = repo.license = ""
        repo.save()
        pypi = world.other_package.pypi_data
        setattr(pypi, attribute, value)
        pypi.save()

    return setter


@dataclass(frozen=True, slots=True)
class Field:
    marker: str
    label: str
    fetched: bool
    store: Callable[[World, str], None]
    # False for a field no page displays today (it is probed all the same; the coverage
    # test fails when a page starts showing it, so that this line is updated).
    shown: bool = True


# One line per stored text field: its marker, its name, whether it comes from a code host
# or PyPI (rather than a person), and how to store a value in it.
FIELDS = [
    Field("m01", "package title", False, _package_title),
    Field(
        "m02", "package documentation_url", False, _set(lambda w: w.package, "documentation_url")
    ),
    Field("m03", "package repo_url", False, _set(lambda w: w.package, "repo_url")),
    Field("m04", "package pypi_url", False, _set(lambda w: w.package, "pypi_url")),
    Field("m05", "category title", False, _set(lambda w: w.category, "title")),
    Field("m06", "category description", False, _set(lambda w: w.category, "description")),
    Field("m07", "grid title", False, _set(lambda w: w.grid, "title")),
    Field("m08", "grid description", False, _set(lambda w: w.grid, "description")),
    Field("m09", "feature title", False, _set(lambda w: w.feature, "title")),
    Field("m10", "feature description", False, _set(lambda w: w.feature, "description")),
    Field("m11", "cell text", False, _cell),
    Field("m12", "profile github_account", False, _set(_profile, "github_account")),
    Field("m13", "profile bitbucket_url", False, _set(_profile, "bitbucket_url")),
    Field("m14", "profile gitlab_url", False, _set(_profile, "gitlab_url")),
    Field("m15", "flag message", False, _set(lambda w: w.flag, "message")),
    Field("m16", "edit history values", False, _history),
    Field("m17", "username", False, _username),
    Field("m18", "repo description", True, _set(lambda w: w.package.repo_data, "description")),
    Field("m19", "repo licence", True, _set(lambda w: w.package.repo_data, "license")),
    Field("m20", "repo homepage", True, _set(lambda w: w.package.repo_data, "homepage"), False),
    Field("m21", "repo participants", True, _participants),
    Field("m22", "PyPI summary", True, _pypi_fallback("summary")),
    Field("m23", "PyPI licence", True, _pypi_fallback("license")),
    Field("m24", "PyPI classifiers", True, _classifiers, False),
    Field("m25", "PyPI version", True, _set(lambda w: w.package.pypi_data, "latest_version")),
    Field(
        "m26",
        "PyPI requires_python",
        True,
        _set(lambda w: w.package.pypi_data, "requires_python"),
        False,
    ),
    Field(
        "m27",
        "PyPI development status",
        True,
        _set(lambda w: w.package.pypi_data, "development_status"),
        False,
    ),
    Field("m28", "PyPI project URLs", True, _project_urls, False),
    Field("m29", "release version", True, _release),
    Field("m30", "fetch error message", True, _fetch_error),
]


@dataclass(frozen=True, slots=True)
class Page:
    label: str
    url: Callable[[World], str]
    xml: bool = False
    htmx: bool = False  # a fragment the grid page asks for with htmx


# One line per page that shows stored text. Alice (staff here, so that staff-only pages
# and buttons render too) views them all.
PAGES = [
    Page("home", lambda w: "/"),
    Page("package list", lambda w: "/packages/"),
    Page("package list filtered", lambda w: f"/packages/?category={w.category.slug}&q=alpha"),
    Page("category", lambda w: f"/categories/{w.category.slug}/"),
    Page("package", lambda w: f"/packages/p/{w.package.slug}/"),
    Page("package edit", lambda w: f"/packages/{w.package.slug}/edit/"),
    Page("package history", lambda w: f"/packages/{w.package.slug}/history/"),
    Page("package flag", lambda w: f"/packages/{w.package.slug}/flag/"),
    Page("package delete", lambda w: f"/packages/{w.package.slug}/delete/"),
    Page("grid list", lambda w: "/grids/"),
    Page("grid", lambda w: f"/grids/g/{w.grid.slug}/"),
    Page("grid edit", lambda w: f"/grids/{w.grid.slug}/edit/"),
    Page("grid history", lambda w: f"/grids/{w.grid.slug}/history/"),
    Page("grid delete", lambda w: f"/grids/{w.grid.slug}/delete/"),
    Page("feature edit", lambda w: f"/grids/{w.grid.slug}/features/{w.feature.pk}/edit/"),
    Page(
        "cell",
        lambda w: f"/grids/{w.grid.slug}/cells/{w.package.pk}/{w.feature.pk}/",
        htmx=True,
    ),
    Page(
        "cell edit",
        lambda w: f"/grids/{w.grid.slug}/cells/{w.package.pk}/{w.feature.pk}/edit/",
        htmx=True,
    ),
    Page("compare", lambda w: f"/compare/{w.package.slug},{w.other_package.slug}/"),
    Page("search", lambda w: "/search/?q=alpha"),
    Page("type-ahead", lambda w: "/search/suggest/?q=alph"),
    Page("profile", lambda w: f"/profiles/{w.alice.username}/"),
    Page("profile edit", lambda w: "/profiles/edit/"),
    Page("moderation flags", lambda w: "/moderation/flags/"),
    Page("feed packages rss", lambda w: "/feeds/packages/latest/rss/", xml=True),
    Page("feed packages atom", lambda w: "/feeds/packages/latest/atom/", xml=True),
    Page("feed releases rss", lambda w: "/feeds/releases/latest/rss/", xml=True),
    Page("feed releases atom", lambda w: "/feeds/releases/latest/atom/", xml=True),
    Page("feed grid rss", lambda w: f"/feeds/grids/{w.grid.slug}/rss/", xml=True),
    Page("feed grid atom", lambda w: f"/feeds/grids/{w.grid.slug}/atom/", xml=True),
    Page("sitemap", lambda w: "/sitemap.xml", xml=True),
    Page("api v4 package", lambda w: f"/api/v4/packages/{w.package.pk}/?format=api"),
    Page("api v4 packages", lambda w: "/api/v4/packages/?format=api"),
    Page("api v4 grid", lambda w: f"/api/v4/grids/{w.grid.pk}/?format=api"),
    Page("api v4 categories", lambda w: "/api/v4/categories/?format=api"),
    Page("api v4 search", lambda w: "/api/v4/search/?q=alpha&format=api"),
]

MARKERS = [field.marker for field in FIELDS]


def _seed(payload: str) -> tuple[World, Client, list[str]]:
    """The world with every field holding `payload`, and alice's client."""
    world = build_world()
    world.alice.is_staff = True
    world.alice.save()
    raw = []
    for field in FIELDS:
        value = payload.format(m=field.marker)
        field.store(world, value)
        raw.append(value)
    search_reindex()
    client = Client()
    client.force_login(world.alice)
    return world, client, raw


def _findings(page: Page, body: bytes, raw: list[str]) -> list[str]:
    if page.xml:
        return live_markup_in_xml(body, markers=MARKERS, raw_payloads=raw)
    return live_markup_in_html(body.decode(), markers=MARKERS, raw_payloads=raw)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=list(PAYLOADS))
def test_no_payload_becomes_live_markup(payload: str) -> None:
    """One payload in every field, every page fetched: FIELDS x PAGES probes.

    The world is built once per payload (not per page) to keep the table fast.
    """
    world, client, raw = _seed(payload)
    findings: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}

    for page in PAGES:
        headers = {"HX-Request": "true"} if page.htmx else {}
        response = client.get(page.url(world), headers=headers)
        if response.status_code != 200:
            statuses[page.label] = response.status_code
        found = _findings(page, response.content, raw)
        if found:
            findings[page.label] = found

    assert statuses == {}
    assert findings == {}


@pytest.mark.django_db
def test_every_field_is_shown_on_some_page() -> None:
    """The table probes something: each field's marker appears (escaped) on at least one
    page, so a field that no page renders would be noticed, not silently "safe"."""
    world, client, _ = _seed(PAYLOADS["script"])
    seen: set[str] = set()
    for page in PAGES:
        body = client.get(page.url(world)).content.decode()
        # A marker counts when it stands alone: `m20` inside a token or hash is not a field.
        seen |= {
            marker
            for marker in MARKERS
            if re.search(rf"(?<![0-9A-Za-z]){marker}(?![0-9A-Za-z])", body)
        }

    unshown = {field.marker for field in FIELDS if not field.shown}
    assert sorted(set(MARKERS) - seen) == sorted(unshown)


def test_the_detector_finds_live_markup() -> None:
    """The detector itself: unescaped payloads are reported, escaped ones are not."""
    markers = ["m99"]
    live = [
        "<script>alert('m99')</script>",
        "<img src=x onerror=alert('m99')>",
        "<a href=\" javascript:alert('m99')\">x</a>",
        "<svg onload=alert('m99')>",
    ]
    for html in live:
        assert live_markup_in_html(html, markers=markers, raw_payloads=[]) != [], html
    safe = "&lt;script&gt;alert('m99')&lt;/script&gt; <a title=\"onerror=alert('m99')\">x</a>"
    assert live_markup_in_html(safe, markers=markers, raw_payloads=[]) == []
    feed = (
        b"<rss><channel><item><description>&lt;script&gt;alert('m99')&lt;/script&gt;"
        b"</description></item></channel></rss>"
    )
    assert live_markup_in_xml(feed, markers=markers, raw_payloads=[]) != []
