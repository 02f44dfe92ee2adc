"""Ranking and results: the same order on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import (
    make_grid,
    make_health,
    make_package,
    make_readme,
    make_usage,
)
from packagegrid.search.selectors import (
    NAME_PREFIX,
    SearchFilters,
    SearchPage,
    search_items,
    search_page,
    search_suggestions,
)

pytestmark = pytest.mark.django_db


def _slugs(query: str, limit: int = 20) -> list[str]:
    return [item.slug for item in search_items(query=query, limit=limit)]


@pytest.fixture
def rest_packages() -> None:
    drf = make_package(
        title="Django REST framework",
        slug="djangorestframework",
        repo={"description": "Web APIs for Django.", "stars": 28000},
    )
    make_health(drf, 92)
    knox = make_package(slug="django-rest-knox", repo={"description": "Token auth", "stars": 1100})
    make_health(knox, 61)
    auth = make_package(slug="django-rest-auth", repo={"description": "Auth endpoints"})
    make_health(auth, 75)
    make_package(slug="drf-yasg", repo={"description": "Swagger for Django REST framework"})
    for slug in ("django-filter", "django-crispy-forms", "django-debug-toolbar"):
        make_package(slug=slug, repo={"description": "Some Django app", "stars": 9000})


def test_it_finds_rest_packages_whatever_their_prefix(rest_packages: None) -> None:
    assert _slugs("rest")[:3] == ["djangorestframework", "django-rest-auth", "django-rest-knox"]
    assert "drf-yasg" in _slugs("rest")


def test_it_does_not_let_the_prefix_match_everything(rest_packages: None) -> None:
    found = _slugs("django-rest")
    assert found[:3] == ["djangorestframework", "django-rest-auth", "django-rest-knox"]
    assert not {"django-filter", "django-crispy-forms", "django-debug-toolbar"} & set(found)


def test_it_does_not_let_the_prefix_prevent_a_match(rest_packages: None) -> None:
    assert _slugs("django-yasg") == ["drf-yasg"]
    assert _slugs("dj-crispy-forms")[0] == "django-crispy-forms"
    assert _slugs("crispy")[0] == "django-crispy-forms"


def test_it_puts_the_exact_name_first_whatever_the_stars() -> None:
    make_package(slug="django-filters-plus", repo={"stars": 50_000})
    make_package(slug="django-filter", repo={"stars": 1})
    make_package(slug="unrelated", repo={"description": "A filter for lists", "stars": 90_000})
    assert _slugs("django-filter") == ["django-filter", "django-filters-plus", "unrelated"]
    assert _slugs("filter") == ["django-filter", "django-filters-plus", "unrelated"]


def test_it_ranks_title_over_description_over_other_fields() -> None:
    make_package(slug="other-field", repo={"participants": ["ponyfan"], "stars": 90_000})
    make_package(slug="in-description", repo={"description": "Ponyfan club", "stars": 9000})
    make_package(title="My ponyfan tools", slug="in-title", repo={"stars": 1})
    assert _slugs("ponyfan") == ["in-title", "in-description", "other-field"]


def test_it_lets_quality_break_ties_only() -> None:
    make_health(make_package(slug="popular", repo={"description": "Calendar app"}), 60)
    make_health(make_package(slug="quiet", repo={"description": "Calendar app"}), 8)
    make_health(make_package(slug="busy", repo={"description": "Calendar app"}), 85)
    make_package(slug="calendar-thing")  # never scored
    assert _slugs("calendar") == ["calendar-thing", "busy", "popular", "quiet"]


def test_it_breaks_ties_by_the_health_score_not_the_stars_or_users() -> None:
    famous = make_package(slug="famous-one", repo={"description": "Widget", "stars": 90_000})
    make_usage(famous, count=5)
    make_health(famous, 14, "abandoned")
    healthy = make_package(slug="healthy-one", repo={"description": "Widget", "stars": 10})
    make_health(healthy, 77)
    assert _slugs("widget") == ["healthy-one", "famous-one"]
    items = search_items(query="widget")
    assert [(i.health_score, i.lifecycle) for i in items] == [(77, "active"), (14, "abandoned")]
    assert [i.lifecycle_label for i in items] == ["Active", "Abandoned"]
    assert items[1].repo_watchers == items[1].score == 90_000  # v4's score stays the stars


def test_it_keeps_quality_below_one_step_of_relevance() -> None:
    items = search_items(query="x")
    assert items == []
    make_health(make_package(slug="star", repo={"stars": 10**9}), 100)
    (item,) = search_items(query="star")
    assert item.weight % 100 < 100
    assert item.weight // 100 >= NAME_PREFIX


def test_it_finds_names_with_typos() -> None:
    make_package(slug="django-filter")
    make_package(slug="django-crispy-forms")
    make_package(slug="celery")
    assert _slugs("djnago-filter") == ["django-filter"]
    assert _slugs("django-fitler") == ["django-filter"]
    assert _slugs("crispy-froms") == ["django-crispy-forms"]
    assert _slugs("celey") == ["celery"]
    assert _slugs("cel") == ["celery"]  # a prefix, not a typo
    assert _slugs("xyz") == []


def test_it_tolerates_no_typo_in_short_names() -> None:
    make_package(slug="rq")
    make_package(slug="abc")
    assert _slugs("abd") == []


def test_it_adds_no_typos_when_a_name_matches() -> None:
    make_package(slug="django-sesame", repo={"stars": 10_000})
    make_package(slug="sesamo", repo={"stars": 1})
    assert _slugs("sesamo") == ["sesamo"]


def test_it_looks_for_typos_only_when_nothing_matches_as_typed() -> None:
    make_package(slug="notes", repo={"description": "Notes on celey", "stars": 10_000})
    make_package(slug="celery", repo={"stars": 1})
    assert _slugs("celey") == ["notes"]
    assert _slugs("celeri") == ["celery"]


def test_it_ranks_a_name_with_a_typo_above_any_word_match() -> None:
    make_package(slug="notes", repo={"description": "Notes on sesame", "stars": 10_000})
    make_package(slug="django-sesame", repo={"stars": 1})
    assert _slugs("djnago-sesame") == ["django-sesame", "notes"]


def test_it_requires_every_word_then_falls_back_to_any() -> None:
    make_package(slug="a", repo={"description": "Payment gateway for shops"})
    make_health(make_package(slug="b", repo={"description": "Payment forms"}), 50)
    make_package(slug="c", repo={"description": "Gateway to nothing"})
    assert _slugs("payment gateway") == ["a"]
    assert _slugs("payment zebra") == ["b", "a"]


def test_it_searches_grids_as_their_own_type() -> None:
    package = make_package(slug="django-allauth", repo={"description": "Authentication"})
    make_grid(title="Authentication", slug="authentication", packages=[package])
    items = search_items(query="authentication")
    assert [(i.item_type, i.slug) for i in items] == [
        ("grid", "authentication"),
        ("package", "django-allauth"),
    ]
    assert items[0].absolute_url == "/grids/g/authentication/"


def test_it_returns_what_the_api_shows() -> None:
    package = make_package(
        slug="django-sesame",
        repo={"participants": ["aaugustin", "bob"], "stars": 900, "forks": 60},
    )
    make_usage(package, count=2)
    (item,) = search_items(query="sesame")
    assert item.participants == ["aaugustin", "bob"]
    assert (item.repo_watchers, item.repo_forks, item.usage, item.score) == (900, 60, 2, 900)
    assert item.category == package.category.title


def test_it_suggests_names_and_titles_only() -> None:
    make_package(slug="django-sesame", repo={"description": "Magic links"})
    make_package(title="magic-wand", slug="magic-wand")
    suggestions = search_suggestions(query="magic")
    assert [s.item.slug for s in suggestions] == ["magic-wand"]
    assert suggestions[0].title_html == "<mark>magic</mark>-wand"
    assert search_suggestions(query="  ") == []


def test_it_suggests_at_most_eight(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    for _ in range(12):
        make_package()
    with django_assert_num_queries(1):
        assert len(search_suggestions(query="django-thing")) == 8


def test_it_builds_a_page_with_facets_and_filters() -> None:
    make_health(make_package(title="widget 0", repo={"archived": True}), 20)  # "archived"
    for title, lifecycle in [("1", "active"), ("2", "active"), ("3", "abandoned")]:
        make_health(make_package(title=f"widget {title}"), 50, lifecycle)
    make_health(make_package(title="widget 4"), 50, "active")
    make_grid(title="Widget grid", slug="widget-grid")
    page = search_page(query="widget", filters=SearchFilters(lifecycle="archived"))
    assert page.total == 1
    assert [hit.item.slug for hit in page.hits] == ["django-thing-1"]
    assert page.hits[0].item.lifecycle == "archived"
    facet = next(f for f in page.facets if f.key == "lifecycle")
    assert facet.label == "Lifecycle"
    # In the order the states are defined, from alive to gone, whatever their counts.
    assert [(v.label, v.count, v.selected) for v in facet.values] == [
        ("Active", 3, False),
        ("Abandoned", 1, False),
        ("Archived", 1, True),
    ]
    assert not any(f.key == "status" for f in page.facets)
    kinds = next(f for f in page.facets if f.key == "type")
    assert {(v.value, v.count) for v in kinds.values} == {("package", 1)}


def test_facets_count_each_match_once_however_the_matches_group() -> None:
    """Without filters the database groups matches with the same facet lines and sends
    groups of the same size together; with a filter every match is one row. Both must
    count the same: three packages with the same facets, one with its own, one found
    through its README only."""
    for index in range(3):
        make_health(make_package(title=f"widget {index}"), 50, "active")
    make_health(make_package(title="widget 3"), 50, "abandoned")
    make_readme(make_package(title="gadget"), "A widget for everything.")

    page = search_page(query="widget", filters=SearchFilters())
    filtered = search_page(query="widget", filters=SearchFilters(type="package"))

    def counts(facet_key: str, found: SearchPage) -> dict[str, int]:
        facet = next(f for f in found.facets if f.key == facet_key)
        return {value.value: value.count for value in facet.values}

    assert page.total == filtered.total == 5
    assert counts("lifecycle", page)["active"] == 3
    assert counts("lifecycle", page)["abandoned"] == 1
    assert counts("type", page) == counts("type", filtered) == {"package": 5}
    assert counts("lifecycle", page) == counts("lifecycle", filtered)
    assert counts("pypi", page) == counts("pypi", filtered) == {"yes": 5}


def test_it_pages_and_sorts_every_match() -> None:
    for index in range(25):
        make_package(title=f"widget {index}", repo={"stars": index})
    page = search_page(query="widget", filters=SearchFilters(), sort="stars", per_page=10)
    assert page.total == 25
    assert page.page is not None and page.page.paginator.num_pages == 3
    assert [hit.item.repo_watchers for hit in page.hits] == list(range(24, 14, -1))
    last = search_page(query="widget", filters=SearchFilters(), sort="stars", page_number=3)
    assert last.page is not None and last.page.number == 2  # 20 a page by default


def test_it_reads_an_old_commit_as_less_recent() -> None:
    now = timezone.now()
    old = make_package(
        slug="old", repo={"description": "Tags", "last_commit_at": now - timedelta(800)}
    )
    make_health(old, 90)
    make_package(slug="new", repo={"description": "Tags", "last_commit_at": now})
    make_package(slug="gone", repo={"description": "Tags", "last_commit_at": None})
    page = search_page(query="tags", filters=SearchFilters(), sort="last-commit")
    assert [hit.item.slug for hit in page.hits] == ["new", "old", "gone"]
    assert _slugs("tags") == ["old", "gone", "new"]  # relevance, then health, then name
