"""READMEs are searched too, with the lowest weight: a word only a README has finds the
package, below every match of its name, title, description or other fields.

Runs on whichever database the suite runs on (FTS5 on SQLite, tsvector on PostgreSQL).
"""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import make_category, make_health, make_package, make_readme
from packagegrid.search.models import SearchDocument
from packagegrid.search.selectors import (
    SearchFilters,
    search_items,
    search_page,
    search_suggestions,
)

pytestmark = pytest.mark.django_db

README = (
    "# Queue\n\nA fast **broker** for background jobs.\n\n"
    "## Installation\n\n```\npip install django-queue\n```\n\n"
    "Works with the zanzibarian scheduler.\n"
)


def test_it_finds_a_word_only_the_readme_has() -> None:
    package = make_package(slug="django-queue", repo={"description": "Jobs"})
    make_readme(package, README)
    assert "zanzibarian" in SearchDocument.objects.get(package=package).readme_text
    assert [item.slug for item in search_items(query="zanzibarian")] == ["django-queue"]
    assert [item.slug for item in search_items(query="zanzibarians scheduler")] == ["django-queue"]


def test_a_readme_match_ranks_below_a_title_match_whatever_the_quality() -> None:
    mentioned = make_package(slug="django-queue", repo={"description": "Jobs", "stars": 9000})
    make_health(mentioned, 99)
    make_readme(mentioned, README)
    titled = make_package(slug="django-zanzibarian", repo={"description": "Other things"})
    make_health(titled, 1)
    make_package(slug="django-other", repo={"description": "Zanzibarian tools"})

    items = search_items(query="zanzibarian")

    assert [item.slug for item in items] == ["django-zanzibarian", "django-other", "django-queue"]
    assert items[-1].weight == 0  # found through the README only
    assert items[0].weight > items[1].weight > 0


def test_readme_matches_come_after_every_other_match_whatever_the_sort() -> None:
    mentioned = make_package(slug="django-queue", repo={"stars": 9000})
    make_readme(mentioned, README)
    make_package(slug="django-broker-tools", repo={"description": "A broker", "stars": 3})
    for sort in ("relevance", "stars", "usage", "last-commit"):
        page = search_page(query="broker", filters=SearchFilters(), sort=sort)
        assert [hit.item.slug for hit in page.hits] == ["django-broker-tools", "django-queue"]
        assert page.total == 2


def test_a_readme_match_does_not_stop_the_search_for_typos_and_other_words() -> None:
    """A query no record matches as typed looks for names with typos and records with any
    word; what only a README matches is added after those, not instead of them."""
    make_package(slug="django-celery-beat", repo={"description": "Periodic tasks"})
    mentioned = make_package(slug="django-queue")
    make_readme(mentioned, "Use it with django-celery-beat and cellery beaat.")
    assert [item.slug for item in search_items(query="cellery beaat")] == [
        "django-celery-beat",
        "django-queue",
    ]
    page = search_page(query="cellery beaat", filters=SearchFilters())
    assert [hit.item.slug for hit in page.hits] == ["django-celery-beat", "django-queue"]


def test_the_type_ahead_and_facets_treat_readmes_as_they_should() -> None:
    package = make_package(slug="django-queue", category=make_category(slug="tasks", title="Tasks"))
    make_readme(package, README)
    assert search_suggestions(query="zanzibarian") == []  # names and titles only
    page = search_page(query="zanzibarian", filters=SearchFilters(category="tasks"))
    assert [hit.item.slug for hit in page.hits] == ["django-queue"]
    assert "tasks" in [value.value for facet in page.facets for value in facet.values]


def test_a_changed_or_removed_readme_changes_what_is_found() -> None:
    package = make_package(slug="django-queue")
    make_readme(package, README)
    make_readme(package, "Now about quokkas.")
    assert search_items(query="zanzibarian") == []
    assert [item.slug for item in search_items(query="quokkas")] == ["django-queue"]
    package.readme.delete()
    assert search_items(query="quokkas") == []


def test_readme_words_correct_no_misspelling() -> None:
    """A README's typos and odd words stay out of the words queries are corrected to."""
    make_package(slug="django-authentication", repo={"description": "Authentication"})
    package = make_package(slug="django-queue")
    make_readme(package, "Authentification for all.")
    items = search_items(query="authentification")
    # Corrected to "authentication" as if no README had the word; the README that has it
    # as typed comes after.
    assert [item.slug for item in items] == ["django-authentication", "django-queue"]


@pytest.mark.parametrize("count", [1, 12])
def test_searching_readmes_adds_no_query(
    django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for index in range(count):
        make_readme(make_package(slug=f"django-queue-{index}"), README)
    make_package(slug="django-broker", repo={"description": "A broker"})
    search_items(query="warm")  # the synonym table, cached
    with django_assert_num_queries(1):
        assert len(search_items(query="broker")) == count + 1
    with django_assert_num_queries(2):
        assert search_page(query="broker", filters=SearchFilters()).total == count + 1
