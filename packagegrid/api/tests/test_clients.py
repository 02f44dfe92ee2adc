"""Compatibility suite: the request sequences of real djangopackages.org API clients.

Each test replays what one public program does against djangopackages.org (the URLs it
requests, the links it follows, the headers it sends) and checks every key that program
reads, with the type it expects. The sequences are written from the programs' observed
behaviour, not from their code.

The catalog is real: 60 package records of djangopackages.org's API v4 imported with the
importer (ids, timestamps, nulls and participants as upstream serves them), padded with
built packages so that every paged walk crosses more than one page, plus two grids about
Wagtail and some usage.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from packagegrid.catalog.djangopackages import import_lines
from packagegrid.catalog.models import Category, Package, Usage
from packagegrid.conftest import VERSIONS_QUERY, make_category, make_grid, make_package, make_user
from packagegrid.grids.models import Grid

pytestmark = pytest.mark.django_db

RECORDS = Path("/work/shared/data/djangopackages-v4-packages.jsonl")
IMPORTED = 60
BUILT = 45  # 105 packages in all: more than one page at limit=100
V4 = "http://testserver/api/v4/"

# djangopackages.org's categories, by the ids its links use.
CATEGORIES = [
    (1, "App", "apps", "Apps"),
    (2, "Framework", "frameworks", "Frameworks"),
    (3, "Other", "other", "Other"),
    (4, "Project", "projects", "Projects"),
]

Json = Any
Kind = type | tuple[type, ...]
OptStr = (str, type(None))
OptInt = (int, type(None))


@dataclass(frozen=True)
class Catalog:
    packages: int
    wagtail_slugs: dict[str, list[str]]  # grid slug -> its package slugs


def build_catalog() -> Catalog:
    """Real records first (their ids and categories), then built packages and grids."""
    for pk, title, slug, plural in CATEGORIES:
        make_category(id=pk, title=title, slug=slug, title_plural=plural)
    with RECORDS.open(encoding="utf-8") as lines:
        report = import_lines(islice(lines, IMPORTED))
    assert report.created == IMPORTED, report.summary()
    real = list(Package.objects.order_by("id"))
    apps = Category.objects.get(pk=1)
    for i in range(BUILT):
        # Explicit ids: the import wrote its own, which database sequences do not know.
        make_package(id=900_000 + i, category=apps)
    # Low ids: last in API v4's newest-first grid list, so C1 must follow `next` to them.
    add_ons = make_grid(
        id=1,
        title="Wagtail add-ons",
        slug="wagtail-add-ons",
        description="Extensions for the Wagtail CMS.",
        packages=real[3:7],
    )
    themes = make_grid(
        id=2, title="Wagtail themes", slug="wagtail-themes", description="", packages=real[7:8]
    )
    people = [make_user(f"user-{i}") for i in range(3)]
    for person in people:
        Usage.objects.create(package=real[3], user=person)
    Usage.objects.create(package=real[4], user=people[0])
    wagtail = {
        grid.slug: list(
            Package.objects.filter(grid_packages__grid=grid)
            .order_by("title", "pk")
            .values_list("slug", flat=True)
        )
        for grid in (add_ons, themes)
    }
    return Catalog(packages=Package.objects.count(), wagtail_slugs=wagtail)


@pytest.fixture(scope="module")
def _module_catalog(django_db_setup: None, django_db_blocker: Any) -> Iterator[Catalog]:
    """The catalog, built once for the module inside a transaction rolled back at its end.

    Each test's own transaction nests inside (a savepoint), so a test sees the catalog and
    its own writes vanish after it; the import takes seconds, too long to repeat 13 times.
    """
    if not RECORDS.exists():
        pytest.skip(f"{RECORDS} is not available")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_catalog()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def catalog(_module_catalog: Catalog, db: None) -> Catalog:
    return _module_catalog


# --- Helpers ----------------------------------------------------------------------------


def get_json(
    client: Client, url: str, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> Json:
    """GET `url` (a path or an absolute testserver URL) and its JSON body."""
    response = client.get(url, headers=headers or None)
    assert response.status_code == status, f"{url}: {response.status_code}"
    assert response["Content-Type"] == "application/json", url
    return response.json()


def assert_fields(obj: Json, fields: dict[str, Kind], where: str = "") -> None:
    """Every key in `fields` is present in `obj` with a value of its type."""
    assert isinstance(obj, dict), where
    for key, kind in fields.items():
        assert key in obj, f"{where}: no {key!r}"
        assert isinstance(obj[key], kind), f"{where}: {key}={obj[key]!r}, not {kind}"
        if kind is int or kind == OptInt:
            assert not isinstance(obj[key], bool), f"{where}: {key} is a bool"


def assert_int_list(value: Json) -> None:
    assert isinstance(value, list)
    assert all(isinstance(n, int) and not isinstance(n, bool) for n in value)


def assert_str_list(value: Json) -> None:
    assert isinstance(value, list)
    assert all(isinstance(s, str) for s in value)


def assert_date_or_none(value: Json) -> None:
    """A timestamp a JavaScript `Date` or Python's `fromisoformat` reads, or null."""
    if value is not None:
        assert isinstance(value, str)
        datetime.fromisoformat(value.replace("Z", "+00:00"))


def v4_pages(client: Client, url: str, **headers: str) -> Iterator[Json]:
    """Each page of an API v4 list, following the absolute `next` links as they are."""
    while url:
        page = get_json(client, url, headers=headers)
        assert_fields(page, {"count": int, "next": OptStr, "previous": OptStr, "results": list})
        yield page
        url = page["next"]
        if url is not None:
            assert url.startswith(V4), url


def all_slugs() -> list[str]:
    return list(Package.objects.values_list("slug", flat=True))


# --- The clients ------------------------------------------------------------------------

C1_PACKAGE_KEYS = [
    "id",
    "title",
    "slug",
    "repo_url",
    "pypi_version",
    "repo_forks",
    "repo_description",
    "pypi_url",
    "documentation_url",
    "repo_watchers",
    "participants",
]


def test_c1_wagtail_org_package_import(client: Client, catalog: Catalog) -> None:
    """C1: wagtail/wagtail.org, `wagtailio/packages/views.py::process()`.

    Its runbook checks the grids list with `curl -I`; then it reads
    `/api/v4/grids/?q=wagtail` (the `q` is ignored: it filters titles itself), fetches
    every package link of each grid whose title says "wagtail", and follows the absolute
    `next` link to the following page. Every package key it reads must exist.
    """
    head = client.head(f"{V4}grids/?q=wagtail")
    assert head.status_code == 200
    assert head["Content-Type"] == "application/json"

    seen: dict[str, list[str]] = {}
    grids_listed = 0
    for page in v4_pages(client, f"{V4}grids/?q=wagtail"):
        for grid in page["results"]:
            grids_listed += 1
            assert_fields(
                grid,
                {"id": int, "title": str, "slug": str, "description": str, "packages": list},
                "grid",
            )
            if "wagtail" not in grid["title"].lower():
                continue
            seen[grid["slug"]] = []
            for link in grid["packages"]:
                assert link.startswith(f"{V4}packages/"), link
                package = get_json(client, link)
                for key in C1_PACKAGE_KEYS:
                    assert key in package, key  # `package_data[key]` raises otherwise
                # Stored in an ArrayField.
                assert_str_list(package["participants"])
                seen[grid["slug"]].append(package["slug"])
    assert grids_listed == Grid.objects.count()  # `q` filters nothing, as upstream
    assert seen == catalog.wagtail_slugs


def test_c2_mcp_django_hybrid_client(client: Client, catalog: Catalog) -> None:
    """C2: joshuadavidthomas/mcp-django, `src/mcp_django/packages/client.py`.

    Searches API v4 (sending `Content-Type: application/json`) and tells packages from
    grids by `item_type`, then reads packages and grids from API v3 by slug.
    """
    hits: list[Json] = []
    for query in ("wagtail", "django"):
        results = get_json(
            client, f"/api/v4/search/?q={query}", headers={"Content-Type": "application/json"}
        )
        assert isinstance(results, list)
        hits.extend(results)
    kinds = {hit["item_type"] for hit in hits}
    assert kinds == {"package", "grid"}
    for hit in hits:
        assert_fields(
            hit,
            {
                "item_type": str,
                "slug": str,
                "title": str,
                "description": OptStr,
                "repo_watchers": int,
                "repo_forks": int,
                "participants": (str, list),
                "last_committed": OptStr,
                "last_released": OptStr,
            },
            hit["slug"],
        )

    category_slugs = set(Category.objects.values_list("slug", flat=True))
    for hit in [h for h in hits if h["item_type"] == "package"][:5]:
        package = get_json(client, f"/api/v3/packages/{hit['slug']}/")
        assert_fields(
            package,
            {
                "category": str,
                "grids": list,
                "modified": str,
                "repo_watchers": int,
                "repo_forks": OptInt,
                "documentation_url": OptStr,
                "participants": str,
            },
            hit["slug"],
        )
        assert package["category"].rstrip("/").rsplit("/", 1)[-1] in category_slugs
        assert all(link.startswith("/api/v3/grids/") for link in package["grids"])
    for hit in [h for h in hits if h["item_type"] == "grid"]:
        grid = get_json(client, f"/api/v3/grids/{hit['slug']}/")
        assert_fields(
            grid, {"title": str, "slug": str, "description": str, "packages": list}, hit["slug"]
        )
        assert all(link.startswith("/api/v3/packages/") for link in grid["packages"])
    # An id where v3 wants a slug: a JSON 404, as upstream.
    missing = get_json(client, "/api/v3/packages/999999/", status=404)
    assert_fields(missing, {"error": int, "message": str})


def test_c3_mcp_django_first_version(client: Client, catalog: Catalog) -> None:
    """C3: joshuadavidthomas/mcp-django, first version, `src/mcp_django/packages.py`.

    Search, then each hit's package by slug; grids and categories paged by `limit` and
    `offset` it counts itself; a grid and a category by slug. Its pydantic models require
    every field listed below.
    """
    hits = get_json(client, "/api/v4/search/?q=django")
    assert isinstance(hits, list) and hits
    for hit in hits:
        if hit["item_type"] != "package":
            continue
        package = get_json(client, f"/api/v4/packages/{hit['slug']}/")
        assert_fields(
            package,
            {"id": int, "grids": list, "commits_over_52": list, "participants": list},
            hit["slug"],
        )
        assert isinstance(package.get("repo_forks", 0), int)
        assert_str_list(package["grids"])
        assert_int_list(package["commits_over_52"])
        assert_str_list(package["participants"])
        # normalize_category: `/categories/<1..4>/` names one of upstream's categories.
        match = re.search(r"/categories/(\d+)/", package["category"])
        assert match and 1 <= int(match.group(1)) <= 4

    grids: list[Json] = []
    offset = 0
    while True:
        page = get_json(client, f"/api/v4/grids/?limit=20&offset={offset}")
        grids.extend(page["results"])
        if page["next"] is None:
            break
        offset += 20
    assert len(grids) == Grid.objects.count()
    grid_fields: dict[str, Kind] = {
        "id": int,
        "title": str,
        "slug": str,
        "description": str,
        "is_locked": bool,
        "packages": list,
        "header": bool,
        "created": str,
        "modified": str,
    }
    for grid in grids:
        assert_fields(grid, grid_fields, grid["slug"])
    assert_fields(get_json(client, "/api/v4/grids/wagtail-add-ons/"), grid_fields)

    categories = get_json(client, "/api/v4/categories/?limit=20&offset=0")["results"]
    category_fields: dict[str, Kind] = {
        "id": int,
        "title": str,
        "slug": str,
        "description": str,
        "title_plural": str,
        "show_pypi": bool,
        "created": str,
        "modified": str,
    }
    for category in categories:
        assert_fields(category, category_fields, category["slug"])
    # Categories are found by id only, upstream as here: a slug is DRF's bare 404 (the
    # id lookup refuses the text before any query).
    assert_fields(get_json(client, "/api/v4/categories/1/"), category_fields)
    assert get_json(client, "/api/v4/categories/apps/", status=404) == {"detail": "Not found."}


def test_c4_djangocms_agent(client: Client, catalog: Catalog) -> None:
    """C4: growlf/djangocms-agent, `bin/djangopackages.py`.

    Sends `Accept: application/json` and its own User-Agent. Searches, reads a package by
    slug and by id, a grid by slug, scans the first 60 package ids of the grid's links,
    lists `grids/?limit=500` and opens each grid link of a package. Any 404 is a failure.
    """
    headers = {"Accept": "application/json", "User-Agent": "djangocms-agent/1.0"}
    api = V4  # its DJANGOPACKAGES_API
    hits = get_json(client, f"{api}search/?q=django", headers=headers)
    assert isinstance(hits, list) and hits
    for hit in hits:
        assert_fields(
            hit,
            {
                "item_type": str,
                "slug": str,
                "category": str,
                "score": int,
                "usage": int,
                "pypi_downloads": int,
                "last_released": OptStr,
            },
            hit["slug"],
        )

    package_fields: dict[str, Kind] = {
        "slug": str,
        "title": str,
        "category": str,
        "pypi_url": OptStr,
        "pypi_version": OptStr,
        "repo_watchers": int,
        "repo_forks": int,
        "last_updated": OptStr,
        "commits_over_52": list,
        "participants": list,
        "grids": list,
    }
    slug = hits[0]["slug"]
    by_slug = get_json(client, f"{api}packages/{slug}/", headers=headers)
    by_id = get_json(client, f"{api}packages/{by_slug['id']}/", headers=headers)
    assert by_slug == by_id
    for package in (by_slug, by_id):
        assert_fields(package, package_fields, slug)
        match = re.search(r"/categories/(\d+)/?$", package["category"])
        assert match and 1 <= int(match.group(1)) <= 5
        if package["last_updated"] is not None:
            date.fromisoformat(package["last_updated"][:10])
        assert_int_list(package["commits_over_52"])

    grid = get_json(client, f"{api}grids/wagtail-add-ons/", headers=headers)
    ids = [re.search(r"/packages/(\d+)/?$", link) for link in grid["packages"]]
    assert all(ids), grid["packages"]
    for match in ids[:60]:
        assert match is not None
        assert_fields(
            get_json(client, f"{api}packages/{match.group(1)}/", headers=headers), package_fields
        )

    grids = get_json(client, f"{api}grids/?limit=500", headers=headers)
    assert_fields(grids, {"results": list, "count": int})
    assert len(grids["results"]) == grids["count"] == Grid.objects.count()

    with_grids = next(p for p in Package.objects.order_by("id") if p.grid_packages.exists())
    package = get_json(client, f"{api}packages/{with_grids.slug}/", headers=headers)
    for link in package["grids"]:
        assert_fields(get_json(client, link, headers=headers), {"title": str, "packages": list})


def test_c5_raycast_django_packages_extension(client: Client, catalog: Catalog) -> None:
    """C5: Raycast "Django Packages" extension, zebapy/extensions
    `extensions/djangopackages/src/{api.ts,data.ts,search-packages.tsx,package-detail.tsx,types.ts}`.

    Loads `categories/?limit=200` for its filter (matching a search hit's `category`
    against the categories' titles), searches, opens a package, then its category link and
    the grid links that start with `http`.
    """
    accept = {"Accept": "application/json"}
    categories = get_json(client, "/api/v4/categories/?limit=200", headers=accept)["results"]
    for category in categories:
        assert_fields(category, {"id": int, "title": str, "slug": str})
    titles = {category["title"] for category in categories}
    assert titles == {title for _, title, _, _ in CATEGORIES}

    hits = get_json(client, "/api/v4/search/?q=django", headers=accept)
    packages = [hit for hit in hits if hit["item_type"] == "package"]
    assert packages
    for hit in packages:
        assert_fields(
            hit,
            {
                "slug": str,
                "title": str,
                "description": OptStr,
                "category": str,
                "repo_watchers": int,
            },
            hit["slug"],
        )
        assert hit["category"] in titles  # the dropdown filter compares titles

    detail = get_json(client, f"/api/v4/packages/{packages[0]['slug'].lower()}/", headers=accept)
    assert_fields(
        detail,
        {
            "category": str,
            "grids": list,
            "participants": (str, list),
            "documentation_url": OptStr,
            "pypi_url": OptStr,
            "repo_url": OptStr,
        },
    )
    assert_date_or_none(detail["last_updated"])
    assert_date_or_none(detail["last_fetched"])
    assert detail["category"].startswith("http")
    category = get_json(client, detail["category"], headers=accept)
    assert category["title"] in titles
    for link in detail["grids"]:
        assert link.startswith("http")
        assert_fields(get_json(client, link, headers=accept), {"title": str, "slug": str})


def test_c6_djangopackages_bitbucket_urls(client: Client, catalog: Catalog) -> None:
    """C6: djangopackages/djangopackages, `package/tests/get_bitbucket_repos.py::bitbucket_urls()`.

    Reads `/api/v3/packages/`, then the site's address plus the relative `meta.next`,
    until `next` is null, collecting `repo_url`s.
    """
    repo_urls: list[str] = []
    url: str | None = "/api/v3/packages/"
    pages = 0
    while url is not None:
        page = get_json(client, f"https://testserver{url}" if pages else url)
        pages += 1
        repo_urls.extend(package["repo_url"] for package in page["objects"])
        url = page["meta"]["next"]
        if url is not None:
            assert url.startswith("/api/v3/packages/?"), url
    assert pages == -(-catalog.packages // 20)
    assert all(isinstance(repo_url, str) for repo_url in repo_urls)
    assert sorted(repo_urls) == sorted(Package.objects.values_list("repo_url", flat=True))
    assert any("bitbucket.org" in repo_url for repo_url in repo_urls)


def test_c7_djangoproject_community_stats(
    client: Client, catalog: Catalog, django_assert_num_queries: Any
) -> None:
    """C7: django/djangoproject.com, `aggregator/context_processors.py::community_stats`.

    Reads `/api/v3/packages/?limit=0` with a 0.5 s timeout and shows
    `data["meta"]["total_count"]`: one count query, no objects.
    """
    with django_assert_num_queries(VERSIONS_QUERY + 1):
        data = get_json(client, "/api/v3/packages/?limit=0")
    assert "meta" in data
    assert data["meta"]["total_count"] == catalog.packages
    assert isinstance(data["meta"]["total_count"], int)


def test_c8_static_files_discovery_script(client: Client, catalog: Catalog) -> None:
    """C8: the public script "Discover Django packages that ship static CSS/JS files".

    Pages `/api/v3/packages/?format=json&limit=100&offset=N` (N += 100) until `meta.next`
    is null, reading `slug`, `pypi_url` (for a PyPI name), `repo_watchers` and
    `usage_count` (formatted as integers) and `repo_url`.
    """
    seen: list[str] = []
    offset = 0
    while True:
        page = get_json(client, f"/api/v3/packages/?format=json&limit=100&offset={offset}")
        for package in page["objects"]:
            assert_fields(
                package,
                {
                    "slug": str,
                    "pypi_url": str,
                    "repo_watchers": int,
                    "usage_count": int,
                    "repo_url": str,
                },
                package.get("slug", "?"),
            )
            assert f"{package['repo_watchers']:>6}{package['usage_count']:>6}".strip()
            seen.append(package["slug"])
        if page["meta"]["next"] is None:
            break
        offset += 100
    assert offset == 100
    assert sorted(seen) == sorted(all_slugs())
    names = [
        re.search(r"/(?:project|pypi)/([^/]+)", package.pypi_url)
        for package in Package.objects.exclude(pypi_url="")
    ]
    assert any(names)


def test_c9_go_full_package_list(client: Client, catalog: Catalog) -> None:
    """C9: the Go program `getFullDjangoPackages()`.

    Pages `/api/v3/packages/?limit=100&offset=N` until `objects` is empty, decoding into
    a typed struct: every field must have upstream's JSON type (null fits any).
    """
    seen: list[str] = []
    offset = 0
    while True:
        page = get_json(client, f"/api/v3/packages/?limit=100&offset={offset}")
        assert "category" in page  # decoded as `any`
        assert_fields(
            page["meta"],
            {"limit": int, "next": OptStr, "offset": int, "total_count": int},
        )
        assert "previous" in page["meta"]
        if not page["objects"]:
            break
        for package in page["objects"]:
            assert_fields(
                package,
                {
                    "absolute_url": str,
                    "category": str,
                    "commit_list": str,
                    "commits_over_52": str,
                    "created": str,
                    "created_by": OptStr,
                    "documentation_url": OptStr,
                    "grids": list,
                    "last_fetched": OptStr,
                    "last_modified_by": OptStr,
                    "modified": str,
                    "participants": str,
                    "pypi_url": OptStr,
                    "pypi_version": OptStr,
                    "repo_description": OptStr,
                    "repo_forks": OptInt,
                    "repo_url": OptStr,
                    "repo_watchers": OptInt,
                    "resource_uri": str,
                    "slug": str,
                    "title": str,
                    "usage_count": OptInt,
                },
                package["slug"],
            )
            assert_str_list(package["grids"])
            seen.append(package["slug"])
        offset += 100
    assert sorted(seen) == sorted(all_slugs())


def test_c10_djangopackages_api_provider(client: Client, catalog: Catalog) -> None:
    """C10: the Python `DjangoPackagesApiProvider`.

    Pages `/api/v3/packages/?limit=100&offset=0` by cutting `/api/v3/packages` off
    `meta.next` and putting it back; strips the `/api/v3/categories/` and `/api/v3/grids/`
    prefixes; then reads `/api/v3/packages/<slug>` without the trailing slash, relying on
    the permanent redirect.
    """
    prefix = "/api/v3/packages"
    url: str | None = f"{prefix}/?limit=100&offset=0"
    packages: list[Json] = []
    while url is not None:
        page = get_json(client, url)
        packages.extend(page["objects"])
        following = page["meta"]["next"]
        url = prefix + following.replace(prefix, "") if following else None
    assert sorted(p["slug"] for p in packages) == sorted(all_slugs())
    category_slugs = set(Category.objects.values_list("slug", flat=True))
    grid_slugs = set(Grid.objects.values_list("slug", flat=True))
    for package in packages:
        assert_fields(
            package,
            {"slug": str, "category": str, "grids": list, "repo_url": str, "usage_count": int},
        )
        category = package["category"].replace("/api/v3/categories/", "")
        assert category.rstrip("/") in category_slugs
        grids = [link.replace("/api/v3/grids/", "").rstrip("/") for link in package["grids"]]
        assert set(grids) <= grid_slugs
    assert max(p["usage_count"] for p in packages) == 3

    slug = packages[0]["slug"]
    moved = client.get(f"{prefix}/{slug}")
    assert moved.status_code == 301
    assert moved["Location"] == f"{prefix}/{slug}/"
    package = get_json(client, moved["Location"])
    assert package["slug"] == slug


def test_c11_issue_351_loop_and_tastypie_filter(client: Client, catalog: Catalog) -> None:
    """C11: djangopackages/djangopackages issue #351's loop and
    `apiv3/tests/test_package.py::test_02_category_packages`.

    Every `?limit=20&offset=0..4000` answers 200; the old tastypie filter
    `?category__slug=app` is ignored (the total is every package).
    """
    for offset in range(0, 4001, 20):
        response = client.get(f"/api/v3/packages/?limit=20&offset={offset}")
        assert response.status_code == 200, offset
        body = response.json()
        assert body["meta"]["total_count"] == catalog.packages
        assert len(body["objects"]) == max(0, min(20, catalog.packages - offset))
    filtered = get_json(client, "/api/v3/packages/?category__slug=app")
    assert filtered["meta"]["total_count"] == catalog.packages


@pytest.mark.parametrize("url", ["/api/v1/package/django-sesame/", "/api/v1/grid/wagtail-add-ons/"])
def test_c12_dead_api_v1_clients(client: Client, catalog: Catalog, url: str) -> None:
    """C12: API v1 clients (the `DPS` CLI, `DjangoPackagesBootstrap`,
    `get_djangopackages_data`, `process_grid`).

    djangopackages.org removed API v1 on April 2, 2015 and answers 410 Gone, as here.
    """
    body = get_json(client, url, status=410)
    assert body["error"] == 410
    assert "removed" in body["message"]
