"""Searching for the words people type: word forms, synonyms, PyPI text, misspellings.

Runs on SQLite (FTS5 porter table) and PostgreSQL (`english` vector) alike.
"""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from packagegrid.conftest import make_package
from packagegrid.search.models import Synonym
from packagegrid.search.selectors import (
    SYNONYMS_CACHE_KEY,
    SearchFilters,
    search_items,
    search_page,
    search_synonyms,
)

pytestmark = pytest.mark.django_db


def _slugs(query: str) -> list[str]:
    return [item.slug for item in search_items(query=query)]


@pytest.fixture
def task_packages() -> None:
    make_package(slug="django-carrot", repo={"description": "A task queue using RabbitMQ"})
    make_package(slug="django-kronos", repo={"description": "Schedule a task with cron"})
    make_package(slug="django-tasking", repo={"description": "Unrelated: tasking words"})
    make_package(slug="django-live-profiler", repo={"description": "A database profiler"})
    make_package(slug="django-other", repo={"description": "Something else entirely"})


def test_it_finds_a_plural_through_its_stem(task_packages: None) -> None:
    assert set(_slugs("tasks")) >= {"django-carrot", "django-kronos"}
    assert "django-other" not in _slugs("tasks")


def test_it_finds_background_tasks_through_the_seeded_synonyms(task_packages: None) -> None:
    found = _slugs("background tasks")
    assert set(found) == {"django-carrot", "django-kronos", "django-tasking"}


def test_it_finds_a_profiler_for_profiling(task_packages: None) -> None:
    assert _slugs("profiling") == ["django-live-profiler"]


def test_it_ranks_a_stem_match_in_one_query(
    task_packages: None, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        assert _slugs("profiling") == ["django-live-profiler"]
    with django_assert_num_queries(2):  # matches, then the page's documents
        page = search_page(query="tasks", filters=SearchFilters())
    assert page.total == 3  # carrot, kronos and "tasking"


def test_it_still_matches_a_partly_typed_word(task_packages: None) -> None:
    assert _slugs("profil") == ["django-live-profiler"]
    assert _slugs("rabbitm") == ["django-carrot"]


def test_it_expands_an_abbreviation_from_the_seeded_table() -> None:
    make_package(slug="rest-tools", repo={"description": "Tools for Django REST framework"})
    make_package(slug="other", repo={"description": "Django forms"})
    assert _slugs("drf") == ["rest-tools"]


def test_it_ranks_the_words_typed_above_their_synonyms() -> None:
    make_package(slug="queue-a", repo={"description": "Background tasks", "stars": 5000})
    make_package(slug="celery-b", repo={"description": "Distributed celery workers", "stars": 1})
    assert _slugs("celery") == ["celery-b", "queue-a"]


def test_it_matches_pypi_summary_and_keywords() -> None:
    make_package(slug="quiet", repo={"description": ""}, pypi={"summary": "Webhook receiver"})
    make_package(slug="tagged", repo={"description": ""}, pypi={"keywords": "invoices, pdf"})
    assert _slugs("webhooks") == ["quiet"]
    assert _slugs("invoice") == ["tagged"]


def test_it_corrects_a_misspelt_word_from_the_index() -> None:
    make_package(slug="finder", repo={"description": "Full text search for models"})
    make_package(slug="other", repo={"description": "Permissions for models"})
    assert _slugs("serach") == ["finder"]
    assert _slugs("permisions") == ["other"]
    assert _slugs("serach models")[0] == "finder"


def test_it_reads_the_synonym_table_once_then_from_the_cache(
    django_assert_num_queries: Any,
) -> None:
    cache.delete(SYNONYMS_CACHE_KEY)
    with django_assert_num_queries(1):
        table = search_synonyms()
    assert table[("drf",)] == (("rest", "framework"),)
    assert set(table[("background", "task")]) == {("celery",), ("task", "queue"), ("tasks",)}
    with django_assert_num_queries(0):
        assert search_synonyms() == table


def test_it_drops_the_cached_table_when_a_synonym_changes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    search_synonyms()
    with django_capture_on_commit_callbacks(execute=True):
        Synonym.objects.create(phrase="pony", expansion="unicorn")
    assert cache.get(SYNONYMS_CACHE_KEY) is None
    assert search_synonyms()[("pony",)] == (("unicorn",),)


@pytest.fixture
def staff_client() -> Client:
    user = get_user_model().objects.create_superuser(username="sam", password="pw")
    client = Client()
    client.force_login(user)
    return client


def test_a_synonym_added_in_the_admin_takes_effect(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    make_package(slug="django-unicorn", repo={"description": "Magical components"})
    assert _slugs("pony") == []
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/search/synonym/add/",
            {"phrase": "  Pony ", "expansion": "Magical-components", "both_ways": "on"},
        )
    assert response.status_code == 302
    synonym = Synonym.objects.get(phrase="pony")
    assert (synonym.phrase, synonym.expansion, synonym.both_ways) == (
        "pony",
        "magical components",
        True,
    )
    assert _slugs("pony") == ["django-unicorn"]


@pytest.mark.parametrize(
    ("phrase", "expansion", "field", "message"),
    [
        ("!!!", "storage", "phrase", "at least one word"),
        ("s3", "", "expansion", "This field is required"),
        ("the", "storage", "phrase", "alone match too much"),
        ("a b c d e", "storage", "phrase", "at most 4 words"),
        ("Tasks", "task", "expansion", "same words as the phrase"),
        ("drf", "django rest framework", "__all__", "already exists"),
    ],
)
def test_the_admin_refuses_a_bad_synonym(
    staff_client: Client, phrase: str, expansion: str, field: str, message: str
) -> None:
    before = Synonym.objects.count()
    response = staff_client.post(
        "/admin/search/synonym/add/", {"phrase": phrase, "expansion": expansion}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    assert Synonym.objects.count() == before
