"""Import from djangopackages.org: round trip, idempotence, errors and the live-API walk."""

import json
import re
from html import unescape
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from pydantic import ValidationError as PydanticValidationError
from pytest_httpserver import HTTPServer

from packagegrid.catalog.djangopackages import V4Category, V4Grid, import_api, import_lines
from packagegrid.catalog.models import Category, EditRecord, Package
from packagegrid.conftest import make_category, make_package, make_user
from packagegrid.fetchers.http import HttpClient, HttpError
from packagegrid.grids.models import Grid, GridPackage
from packagegrid.lib.repo_urls import repo_key_for_url

pytestmark = pytest.mark.django_db

SHARED_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "packages.jsonl"
SEED = Path(__file__).resolve().parents[2] / "api" / "tests" / "fixtures" / "seed-package-3773.txt"
UPSTREAM = "https://djangopackages.org"


def _records() -> list[dict[str, Any]]:
    """The 185 shared records and the seed's package, as shipped with the demo data."""
    return [json.loads(line) for line in DEMO_DATA.read_text(encoding="utf-8").splitlines()]


def _seed_body() -> dict[str, Any]:
    text = SEED.read_text(encoding="utf-8")
    return json.loads(text[text.index("{") :])  # type: ignore[no-any-return]  # json.loads returns Any


def _as_upstream(body: dict[str, Any]) -> dict[str, Any]:
    """Our response with links pointing at djangopackages.org, for comparison."""
    return json.loads(json.dumps(body).replace("http://testserver", UPSTREAM))  # type: ignore[no-any-return]  # json.loads returns Any


@override_settings(TIME_ZONE="America/New_York")
def test_it_reads_back_every_imported_record_identically(client: Client) -> None:
    records = _records()
    report = import_lines(json.dumps(r) for r in records)
    assert (report.created, report.errors) == (len(records), [])
    for record in records:
        response = client.get(f"/api/v4/packages/{record['id']}/", HTTP_ACCEPT="application/json")
        assert _as_upstream(response.json()) == record, record["slug"]


@override_settings(TIME_ZONE="America/New_York")
def test_it_serves_the_seed_package_exactly_as_upstream_on_the_browsable_api(
    client: Client,
) -> None:
    seed = _seed_body()
    import_lines([json.dumps(seed)])
    response = client.get("/api/v4/packages/3773/", {"format": "api"})
    page = response.content.decode()
    assert "API endpoint that allows packages to be viewed or edited." in page
    text = unescape(re.sub(r"<[^>]+>", "", page))
    for header in [
        "GET /api/v4/packages/3773/?format=api",
        "HTTP 200 OK",
        "Allow: GET, HEAD, OPTIONS",
        "Content-Type: application/json",
        "Vary: Accept",
    ]:
        assert header in text
    body = text[text.index('{\n    "category"') :]
    body = body[: body.index("\n}") + 2]
    assert _as_upstream(json.loads(body)) == seed


@override_settings(TIME_ZONE="America/New_York")
def test_it_serves_the_seed_package_as_json(client: Client) -> None:
    seed = _seed_body()
    import_lines([json.dumps(seed)])
    body = client.get("/api/v4/packages/3773/", {"format": "json"}).json()
    assert _as_upstream(body) == json.loads(json.dumps(seed).replace("format=api", "format=json"))
    assert list(body) == list(seed)


def test_it_changes_nothing_when_run_twice() -> None:
    lines = [json.dumps(r) for r in _records()]
    import_lines(lines)
    before = list(Package.objects.values().order_by("id"))
    report = import_lines(lines)
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(lines))
    assert list(Package.objects.values().order_by("id")) == before


def test_it_updates_an_existing_record() -> None:
    record = _records()[0]
    import_lines([json.dumps(record)])
    changed = {**record, "repo_watchers": record["repo_watchers"] + 5, "grids": []}
    report = import_lines([json.dumps(changed)])
    assert report.updated == 1
    package = Package.objects.get(pk=record["id"])
    assert package.repo_data.stars == record["repo_watchers"] + 5
    assert not GridPackage.objects.filter(package=package).exists()


def test_it_creates_placeholder_categories_and_grids_named_by_links() -> None:
    record = _records()[0]
    import_lines([json.dumps(record)])
    category_id = int(record["category"].rstrip("/").rsplit("/", 1)[1])
    assert Category.objects.get(pk=category_id).slug == f"category-{category_id}"
    grid_ids = sorted(int(link.rstrip("/").rsplit("/", 1)[1]) for link in record["grids"])
    assert sorted(Grid.objects.values_list("id", flat=True)) == grid_ids


def test_it_reports_malformed_lines_by_number_and_imports_the_rest() -> None:
    good = [json.dumps(r) for r in _records()[:3]]
    missing_title = {k: v for k, v in _records()[3].items() if k != "title"}
    lines = [good[0], "{not json", good[1], json.dumps(missing_title), "", good[2]]
    report = import_lines(lines)
    assert report.created == 3
    assert len(report.errors) == 2
    assert report.errors[0].startswith("line 2: not JSON")
    assert report.errors[1].startswith("line 4: title: Field required")


def test_it_skips_a_record_whose_slug_belongs_to_another_package() -> None:
    first, second = _records()[:2]
    import_lines([json.dumps(first)])
    report = import_lines([json.dumps({**second, "slug": first["slug"]})])
    assert report.created == 0
    assert "already belongs to another package" in report.errors[0]
    assert not Package.objects.filter(pk=second["id"]).exists()


def test_it_skips_a_record_with_a_bad_category_link_and_writes_nothing() -> None:
    record = {**_records()[0], "category": "https://example.com/not-a-link"}
    report = import_lines([json.dumps(record)])
    assert "Not a link to categories" in report.errors[0]
    assert Package.objects.count() == 0
    assert Grid.objects.count() == 0


def test_the_command_imports_a_file_and_prints_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "packages.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _records()[:4]) + "\nnope\n")
    out, err = StringIO(), StringIO()
    call_command("import_djangopackages", file=path, stdout=out, stderr=err)
    assert out.getvalue().strip() == "4 created, 0 updated, 0 unchanged, 1 failed"
    assert "line 5: not JSON" in err.getvalue()


def test_the_command_fails_clearly_on_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_djangopackages", file=tmp_path / "missing.jsonl")


def _serve_api(httpserver: HTTPServer, records: list[dict[str, Any]]) -> str:
    """Serve a small djangopackages-style API v4 on the test server; return its root."""
    root = httpserver.url_for("/api/v4/")
    category = {
        "id": 1,
        "title": "App",
        "slug": "apps",
        "description": "Small components",
        "title_plural": "Apps",
        "show_pypi": True,
        "created": "2010-08-14T01:00:00.123456-04:00",
        "modified": "2010-08-14T01:00:00-04:00",
    }
    grid_ids = sorted({int(g.rstrip("/").rsplit("/", 1)[1]) for r in records for g in r["grids"]})
    grids = [
        {
            "id": gid,
            "title": f"Real grid {gid}",
            "slug": f"real-grid-{gid}",
            "description": "",
            "is_locked": False,
            "packages": [],
            "header": False,
            "created": "2011-01-01T00:00:00-05:00",
            "modified": "2011-01-01T00:00:00-05:00",
        }
        for gid in grid_ids
    ]

    def page(items: list[Any], nxt: str | None) -> dict[str, Any]:
        return {"count": len(items), "next": nxt, "previous": None, "results": items}

    httpserver.expect_request("/api/v4/categories/").respond_with_json(page([category], None))
    httpserver.expect_request("/api/v4/grids/").respond_with_json(page(grids, None))
    second_page = httpserver.url_for("/api/v4/packages/page2/")
    httpserver.expect_request("/api/v4/packages/").respond_with_json(page(records[:2], second_page))
    httpserver.expect_request("/api/v4/packages/page2/").respond_with_json(page(records[2:], None))
    return root


def test_it_walks_a_live_api_with_real_titles(httpserver: HTTPServer) -> None:
    records = [r for r in _records() if r["category"].endswith("/categories/1/")][:3]
    report = import_api(_serve_api(httpserver, records))
    assert report.errors == []
    assert report.created == 1 + len(Grid.objects.all()) + 3
    assert Category.objects.get(pk=1).title == "App"
    assert all(g.title.startswith("Real grid") for g in Grid.objects.all())
    assert Package.objects.count() == 3


def test_it_reports_an_unreadable_api_page(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v4/categories/").respond_with_data("<html>", status=200)
    with pytest.raises(HttpError, match="malformed JSON"):
        import_api(httpserver.url_for("/api/v4/"), client=HttpClient(retries=0))


def _line(record: dict[str, Any], **changes: Any) -> str:
    return json.dumps({**record, **changes})


def test_it_reports_invalid_records_by_line_and_reason_and_imports_the_later_ones() -> None:
    records = _records()
    template = records[0]
    bad = [
        (_line(template, title="x" * 300), "title: String should have at most 100 characters"),
        (_line(template, title="nul\x00byte"), "contains a NUL byte"),
        (_line(template, participants=["ok", "bad\x00"]), "contains a NUL byte"),
        (_line(template, slug="a/b"), "slug: Value error, not a slug"),
        (_line(template, slug="a b"), "slug: Value error, not a slug"),
        (_line(template, slug=""), "slug: String should have at least 1 character"),
        (_line(template, repo_url="https://github.com/../.."), "not a valid repository URL"),
        (_line(template, repo_url="javascript:alert(1)"), "repo_url: Value error, not an http"),
        (_line(template, documentation_url="nope"), "documentation_url: Value error, not an http"),
        (_line(template, repo_watchers=-1), "repo_watchers: Input should be greater than"),
        (_line(template, id=2**63), "id: Input should be less than or equal"),
        (_line(template, pypi_version="1" * 101), "pypi_version"),
        (_line(template, grids=["https://djangopackages.org/api/v4/grids/١٢/"]), "Not a link"),
    ]
    good = [json.dumps(r) for r in records[1:4]]
    lines: list[str | bytes] = [good[0], *(text for text, _ in bad), b"\xff\xfe{}", *good[1:]]
    report = import_lines(lines)
    assert report.created == 3
    assert sorted(Package.objects.values_list("id", flat=True)) == sorted(
        r["id"] for r in records[1:4]
    )
    assert len(report.errors) == len(bad) + 1
    for number, ((_, reason), error) in enumerate(zip(bad, report.errors, strict=False), start=2):
        assert error.startswith(f"line {number}: "), error
        assert reason in error, error
    assert report.errors[-1] == f"line {len(bad) + 2}: not UTF-8"


def test_the_command_reads_a_file_with_bad_bytes_and_nul_bytes(tmp_path: Path) -> None:
    records = _records()[:2]
    path = tmp_path / "packages.jsonl"
    path.write_bytes(
        b"\n".join(
            [
                _line(records[0], title="a\x00b").encode(),
                b"\xff\x00 raw",
                json.dumps(records[1]).encode(),
            ]
        )
    )
    out, err = StringIO(), StringIO()
    call_command("import_djangopackages", file=path, stdout=out, stderr=err)
    assert out.getvalue().strip() == "1 created, 0 updated, 0 unchanged, 2 failed"
    assert "skipped line 1: title: Value error, contains a NUL byte" in err.getvalue()
    assert "skipped line 2: not UTF-8" in err.getvalue()
    assert list(Package.objects.values_list("id", flat=True)) == [records[1]["id"]]


def test_grids_and_categories_are_validated_too() -> None:
    grid = {
        "id": 1,
        "title": "Grid",
        "slug": "a/b",
        "created": "2011-01-01T00:00:00Z",
        "modified": "2011-01-01T00:00:00Z",
    }
    with pytest.raises(PydanticValidationError, match="not a slug"):
        V4Grid.model_validate(grid)
    with pytest.raises(PydanticValidationError, match="at most 100"):
        V4Grid.model_validate({**grid, "slug": "ok", "title": "x" * 101})
    with pytest.raises(PydanticValidationError, match="NUL"):
        V4Category.model_validate({**grid, "slug": "ok", "description": "\x00"})


def _site_package(record: dict[str, Any]) -> Package:
    alice = make_user("alice")
    category = make_category(slug="site-category")
    return make_package(
        pk=record["id"],
        slug="mine",
        title="Mine",
        category=category,
        repo_url="https://github.com/alice/mine",
        created_by=alice,
    )


def test_it_never_overwrites_a_package_added_on_the_site() -> None:
    record = _records()[0]
    mine = _site_package(record)
    report = import_lines([json.dumps(record)])
    assert report.created == report.updated == 0
    assert report.errors == [
        f"line 1: id {mine.pk} is package 'mine', added on this site: "
        "not overwritten (use --force to overwrite it)"
    ]
    mine.refresh_from_db()
    assert (mine.title, mine.slug, mine.repo_url) == (
        "Mine",
        "mine",
        "https://github.com/alice/mine",
    )
    assert not EditRecord.objects.exists()


def test_force_overwrites_a_site_package_and_records_it_in_the_history(tmp_path: Path) -> None:
    record = _records()[0]
    mine = _site_package(record)
    path = tmp_path / "packages.jsonl"
    path.write_text(json.dumps(record) + "\n")
    out = StringIO()
    err = StringIO()
    call_command("import_djangopackages", file=path, force=True, stdout=out, stderr=err)
    assert err.getvalue() == ""
    assert out.getvalue().strip() == "0 created, 1 updated, 0 unchanged, 0 failed"
    mine.refresh_from_db()
    assert (mine.title, mine.slug, mine.repo_url) == (
        record["title"],
        record["slug"],
        record["repo_url"],
    )
    assert not mine.imported  # still a site package: the next import needs --force again
    edit = EditRecord.objects.get()
    assert (edit.object_id, edit.action, edit.user) == (mine.pk, EditRecord.Action.UPDATE, None)
    assert edit.changes["title"] == ["Mine", record["title"]]
    assert edit.changes["repo_url"] == ["https://github.com/alice/mine", record["repo_url"]]
    assert mine.repo_key == repo_key_for_url(record["repo_url"])


def test_it_overwrites_packages_it_imported_without_force() -> None:
    record = _records()[0]
    import_lines([json.dumps(record)])
    assert Package.objects.get(pk=record["id"]).imported
    report = import_lines([_line(record, title="New title")])
    assert (report.updated, report.errors) == (1, [])
    assert not EditRecord.objects.exists()


def test_it_imports_a_second_package_of_one_repository_without_the_key() -> None:
    first, second = _records()[:2]
    import_lines([json.dumps(first)])
    same_repo = first["repo_url"].upper().replace("HTTPS://", "https://").rstrip("/") + ".git"
    report = import_lines([_line(second, repo_url=same_repo)])
    assert (report.created, report.errors) == (1, [])
    key = repo_key_for_url(first["repo_url"])
    assert report.warnings == [
        f"line 1: repository {key} is already listed by {first['slug']!r}; "
        "imported without a repository key"
    ]
    assert Package.objects.get(pk=second["id"]).repo_url == same_repo
    assert Package.objects.get(pk=second["id"]).repo_key is None
    assert Package.objects.get(pk=first["id"]).repo_key == key


def test_it_reports_a_placeholder_category_slug_that_is_taken() -> None:
    record = _records()[0]
    category_id = int(record["category"].rstrip("/").rsplit("/", 1)[1])
    make_category(pk=category_id + 1000, slug=f"category-{category_id}")
    report = import_lines([json.dumps(record)])
    assert report.errors == [
        f"line 1: slug 'category-{category_id}' already belongs to another category"
    ]
    assert not Package.objects.exists()
