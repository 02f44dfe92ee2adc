"""Readiness pages, the requirements checker and the package page's health panels."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_health, make_package, make_usage
from packagegrid.health.models import Compatibility
from packagegrid.health.selectors import (
    READINESS_PAGE_SIZE,
    readiness_packages,
    requirement_lines,
)
from packagegrid.health.services import product_support_store
from packagegrid.health.tests.support import advisory, apply_pypi

pytestmark = pytest.mark.django_db

# Readiness page: the status counts and the page of packages (the package count is known
# from the counts, so the paginator asks nothing more).
READINESS_QUERIES = 2


@pytest.fixture
def packages() -> dict[str, Package]:
    ready = make_package(
        title="Ready One",
        slug="ready-one",
        pypi_url="https://pypi.org/project/ready-one/",
        repo={"stars": 5},
    )
    apply_pypi(ready, classifiers=["Framework :: Django :: 5.2"])
    popular = make_package(
        title="Ready Popular",
        slug="ready-popular",
        pypi_url="https://pypi.org/project/ready-popular/",
        repo={"stars": 1},
    )
    apply_pypi(popular, requires_dist=["Django>=5.2"])
    make_usage(popular, 2)
    old = make_package(
        title="Old One", slug="old-one", pypi_url="https://pypi.org/project/old-one/"
    )
    apply_pypi(old, classifiers=["Framework :: Django :: 4.2"])
    silent = make_package(
        title="Silent", slug="silent", pypi_url="https://pypi.org/project/silent/"
    )
    return {"ready": ready, "popular": popular, "old": old, "silent": silent}


def test_the_index_lists_the_releases_of_each_product(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):  # the release data ships with the code
        html = client.get("/readiness/").content.decode()
    for text in ("Django 5.2", "Django 1.11", "Python 3.13", "Python 3.6", "Wagtail 7.0"):
        assert text in html
    assert 'href="/readiness/django/5.2/"' in html


def test_it_sorts_packages_by_status_then_usage_then_stars(
    client: Client, packages: dict[str, Package], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(READINESS_QUERIES):
        response = client.get("/readiness/django/5.2/")
    assert response.status_code == 200
    page = response.context["page"]
    rows = [(p.title, p.status) for p in page.packages]
    assert rows == [
        ("Ready Popular", "ready"),
        ("Ready One", "ready"),
        ("Old One", "not declared"),
        ("Silent", "unknown"),
    ]
    assert page.counts == {"ready": 2, "not_declared": 1, "unknown": 1}


def test_it_sorts_each_status_by_health_score_before_usage(
    client: Client, packages: dict[str, Package], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_health(packages["ready"], 71, "active")
    make_health(packages["popular"], 35, "stale")
    also_ready = make_package(title="Ready Unscored", slug="ready-unscored", repo={"stars": 900})
    apply_pypi(also_ready, classifiers=["Framework :: Django :: 5.2"])
    make_usage(also_ready, 5)
    with django_assert_num_queries(READINESS_QUERIES):
        response = client.get("/readiness/django/5.2/")
    html = response.content.decode()
    titles = [p.title for p in response.context["page"].packages]
    assert titles == ["Ready One", "Ready Popular", "Ready Unscored", "Old One", "Silent"]
    assert '<span class="health-chip">71</span>' in html
    assert 'data-lifecycle="stale">Stale</span>' in html
    assert html.count("Not scored") == 3
    assert "then <a" in html and "health score</a>, then users" in html


@pytest.mark.parametrize("count", [3, 12])
def test_it_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for index in range(count):
        package = make_package()
        apply_pypi(package, classifiers=["Programming Language :: Python :: 3.13"])
        make_health(package, index)
    with django_assert_num_queries(READINESS_QUERIES):
        assert client.get("/readiness/python/3.13/").status_code == 200


def test_pages_follow_the_full_ranking_without_gaps_or_repeats(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The page's ids are ranked in SQL apart from the rows they read: two pages together
    are the whole ranking of `readiness_packages`, in its order."""
    for n in range(READINESS_PAGE_SIZE + 7):
        package = make_package(title=f"P {n % 9}", slug=f"p-{n}", repo={"stars": n % 4})
        if n % 3:
            Compatibility.objects.create(
                package=package, product="django", version="5.2" if n % 3 == 1 else "4.2"
            )
        if n % 5 == 0:
            make_health(package, 40 + n % 7)
        if n % 11 == 0:
            make_usage(package)
    # Rows written directly, as a bulk writer does: it rewrites the read model itself.
    product_support_store(package_ids=Package.objects.values_list("pk", flat=True))
    expected = [p.slug for p in readiness_packages(product="django", version="5.2")]
    pages = []
    for number in ("1", "2"):
        with django_assert_num_queries(READINESS_QUERIES):
            response = client.get(f"/readiness/django/5.2/?page={number}")
        pages.append([p.slug for p in response.context["page"].packages])
    assert [len(page) for page in pages] == [READINESS_PAGE_SIZE, 7]
    assert pages[0] + pages[1] == expected
    # Past the end is the last page; not a number is the first.
    last = client.get("/readiness/django/5.2/?page=99").context["page"].packages
    assert [p.slug for p in last] == pages[1]
    first = client.get("/readiness/django/5.2/?page=x").context["page"].packages
    assert [p.slug for p in first] == pages[0]


def test_unknown_products_and_versions_are_404(client: Client) -> None:
    assert client.get("/readiness/cobol/1.0/").status_code == 404
    assert client.get("/readiness/django/9.9/").status_code == 404
    assert client.get("/readiness/django/5.2/", {"page": "nonsense"}).status_code == 200


def test_it_warns_when_support_has_ended(client: Client) -> None:
    html = client.get("/readiness/django/3.2/").content.decode()
    assert "End of support." in html
    assert "Apr 1, 2024" in html
    assert "End of support." not in client.get("/readiness/django/5.2/").content.decode()


def test_the_checker_tells_which_requirements_block_a_release(
    client: Client, packages: dict[str, Package]
) -> None:
    text = "\n".join(
        [
            "# production",
            "-r base.txt",
            "-e git+https://example.org/x.git#egg=x",
            "Ready_One[extra]>=1.0 ; python_version >= '3.10'",
            "old-one==1.2  # pinned",
            "silent",
            "requests>=2",
            "not a requirement ((",
        ]
    )
    response = client.post(
        reverse("readiness-release", args=["django", "5.2"]), {"requirements": text}
    )
    assert response.status_code == 200
    rows = [
        (c.line.name, c.package.slug if c.package else None, c.status)
        for c in response.context["checks"]
    ]
    assert rows == [
        ("ready-one", "ready-one", "ready"),
        ("old-one", "old-one", "not declared"),
        ("silent", "silent", "unknown"),
        ("requests", None, ""),
        ("", None, ""),
    ]
    html = response.content.decode()
    assert "Not listed" in html and "Not a requirement" in html
    assert 'href="/packages/p/old-one/"' in html


def test_the_checker_reads_a_pyproject_dependency_list() -> None:
    text = """
[project]
name = "mysite"
dependencies = [
    "Django>=5.2",
    'django-filter~=25.1',  # filters
    "whitenoise[brotli]",
]
[project.optional-dependencies]
test = ["pytest"]
"""
    assert [line.name for line in requirement_lines(text)] == [
        "django",
        "django-filter",
        "whitenoise",
    ]


def test_the_checker_refuses_empty_input_and_needs_csrf(client: Client) -> None:
    response = client.post("/readiness/django/5.2/", {"requirements": ""})
    assert response.status_code == 200
    assert response.context["checks"] is None
    assert "This field is required." in response.content.decode()
    strict = client.__class__(enforce_csrf_checks=True)
    assert strict.post("/readiness/django/5.2/", {"requirements": "x"}).status_code == 403
    assert client.put("/readiness/django/5.2/").status_code == 405


def test_the_package_page_shows_compatibility_install_and_advisories(client: Client) -> None:
    package = make_package(
        slug="django-widgets", pypi_url="https://pypi.org/project/django-widgets/"
    )
    apply_pypi(
        package,
        classifiers=["Framework :: Django :: 5.2", "Programming Language :: Python :: 3.13"],
        requires_python=">=3.13",
        advisories=[advisory(), advisory("GHSA-gone", withdrawn=advisory().withdrawn or None)],
        documentation_url="https://django-widgets.readthedocs.io/",
    )
    html = client.get(package.get_absolute_url()).content.decode()
    assert "pip install django-widgets" in html
    assert 'Latest release <span class="version">2.0</span>, <time' in html
    assert 'href="/readiness/django/5.2/">Django 5.2' in html
    assert 'href="/readiness/python/3.14/">Python 3.14' in html
    assert "GHSA-aaaa-bbbb-cccc" in html and "Fixed in 2.0.1" in html
    # The documentation link falls back to PyPI's when none is curated.
    assert 'href="https://django-widgets.readthedocs.io/"' in html


def test_the_package_page_leaves_withdrawn_advisories_out(client: Client) -> None:
    from datetime import UTC, datetime

    package = make_package()
    apply_pypi(package, advisories=[advisory(withdrawn=datetime(2026, 1, 1, tzinfo=UTC))])
    html = client.get(package.get_absolute_url()).content.decode()
    assert "GHSA-aaaa-bbbb-cccc" not in html
    assert "No compatibility declared" in html


def test_a_curated_documentation_link_wins(client: Client) -> None:
    package = make_package(documentation_url="https://docs.example.org/")
    apply_pypi(package, documentation_url="https://pypi-docs.example.org/")
    html = client.get(package.get_absolute_url()).content.decode()
    assert 'href="https://docs.example.org/"' in html
    assert "pypi-docs.example.org" not in html


@pytest.mark.parametrize("count", [3, 12])
def test_scored_packages_with_advisories_take_the_same_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    from packagegrid.health.scores import package_health_recompute
    from packagegrid.health.tests.support import advisory

    for index in range(count):
        apply_pypi(
            make_package(),
            classifiers=["Framework :: Django :: 5.2"],
            requires_python=">=3.10",
            advisories=[advisory(f"GHSA-{index}-{n}") for n in range(index % 3)],
        )
    package_health_recompute()
    with django_assert_num_queries(READINESS_QUERIES):
        response = client.get("/readiness/django/5.2/")
    assert response.status_code == 200
    assert response.context["page"].counts["ready"] == count
