"""The review queue of discovered packages: accept, reject, merge."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import EditRecord, Package
from packagegrid.conftest import csrf_client, log_in, make_package
from packagegrid.discovery.models import DiscoveryCandidate

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/discovered/"


def _found(name: str) -> Package:
    package = make_package(
        title=name, slug=name, pypi_url=f"https://pypi.org/project/{name}/", reviewed=False
    )
    DiscoveryCandidate.objects.create(
        name=name, status="proposed", package=package, reason="classifier Framework :: Django"
    )
    return package


def _decide(client: Client, slug: str, **data: str) -> int:
    return client.post(f"{QUEUE}{slug}/", data).status_code


@pytest.mark.parametrize("count", [1, 15])
def test_it_lists_the_queue_in_constant_queries(
    client: Client, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(count):
        _found(f"found-{n}")
    make_package(title="Curated")
    log_in(client, staff=True)
    client.get("/")  # warm up the session
    with django_assert_num_queries(4):  # session, user, count, rows
        response = client.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="decision" value="accept"') == count
    assert "classifier Framework :: Django" in html
    assert "Curated" not in html


@override_settings(TRUSTED_EDITS=1)
def test_only_staff_and_trusted_editors_may_review(client: Client) -> None:
    found = _found("found")
    assert client.get(QUEUE).status_code == 302  # to the login page
    user = log_in(client)
    assert client.get(QUEUE).status_code == 403
    assert _decide(client, found.slug, decision="accept") == 403
    EditRecord.objects.create(content_type_id=1, object_id=1, user=user, action="update")
    assert client.get(QUEUE).status_code == 200
    assert _decide(client, found.slug, decision="accept") == 302
    assert Package.objects.get(pk=found.pk).reviewed


def test_accepting_records_the_review(client: Client) -> None:
    found = _found("found")
    reviewer = log_in(client, staff=True)
    assert _decide(client, found.slug, decision="accept") == 302
    assert Package.objects.get(pk=found.pk).reviewed
    record = EditRecord.objects.get(object_id=found.pk, action="update")
    assert (record.user, record.changes) == (reviewer, {"reviewed": [False, True]})
    assert DiscoveryCandidate.objects.get(name="found").status == "accepted"
    assert _decide(client, found.slug, decision="accept") == 404  # no longer waiting


def test_rejecting_removes_the_package_and_remembers_the_project(client: Client) -> None:
    found = _found("found")
    log_in(client, staff=True)
    assert _decide(client, found.slug, decision="reject") == 302
    assert not Package.objects.filter(pk=found.pk).exists()
    assert EditRecord.objects.filter(object_id=found.pk, action="delete").exists()
    candidate = DiscoveryCandidate.objects.get(name="found")
    assert (candidate.status, candidate.package) == ("rejected", None)


def test_merging_gives_the_pypi_name_to_the_existing_listing(client: Client) -> None:
    found = _found("found")
    listing = make_package(title="Listing", slug="listing", pypi_url="")
    log_in(client, staff=True)
    assert _decide(client, found.slug, decision="merge", into="listing") == 302
    assert not Package.objects.filter(pk=found.pk).exists()
    assert Package.objects.get(pk=listing.pk).pypi_url == "https://pypi.org/project/found/"
    assert DiscoveryCandidate.objects.get(name="found").status == "merged"
    assert EditRecord.objects.filter(object_id=listing.pk, action="update").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "maybe"},
        {"decision": "merge", "into": "no-such-package"},
        {"decision": "merge", "into": "found"},  # itself: not a reviewed listing
    ],
)
def test_bad_decisions_change_nothing(client: Client, data: dict[str, str]) -> None:
    found = _found("found")
    log_in(client, staff=True)
    assert _decide(client, found.slug, **data) == 400
    assert Package.objects.filter(pk=found.pk, reviewed=False).exists()
    assert DiscoveryCandidate.objects.get(name="found").status == "proposed"


def test_it_needs_post_and_csrf() -> None:
    found = _found("found")
    client, _ = csrf_client(staff=True)
    assert client.get(f"{QUEUE}{found.slug}/").status_code == 405
    assert client.post(f"{QUEUE}{found.slug}/", {"decision": "accept"}).status_code == 403
    assert not Package.objects.get(pk=found.pk).reviewed
