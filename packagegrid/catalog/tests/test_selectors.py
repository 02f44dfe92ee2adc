"""Reads behind the add form: duplicate repositories and the guesses it pre-fills."""

import pytest
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.selectors import (
    package_add_guess,
    package_for_repo,
    package_slug_suggestion,
)
from packagegrid.conftest import make_package
from packagegrid.lib.repo_urls import parse_repo_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "stored",
    [
        "https://github.com/jazzband/django-axes",
        "http://github.com/jazzband/django-axes/",
        "https://www.github.com/Jazzband/Django-Axes.git",
        "https://github.com/jazzband/django-axes/tree/master",
    ],
)
def test_it_finds_the_package_listing_a_repository_in_any_stored_form(
    stored: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    package = make_package(repo_url=stored)
    with django_assert_num_queries(1):
        found = package_for_repo(repo=parse_repo_url("https://github.com/jazzband/django-axes"))
    assert found == package


def test_it_ignores_lookalikes_other_hosts_and_the_excluded_package() -> None:
    make_package(repo_url="https://github.com/jazzband/django-axes-2")
    make_package(repo_url="https://gitlab.com/jazzband/django-axes")
    make_package(repo_url="not a url github.com/jazzband/django-axes")
    mine = make_package(repo_url="https://github.com/jazzband/django-axes")
    repo = parse_repo_url("https://github.com/jazzband/django-axes")
    assert package_for_repo(repo=repo) == mine
    assert package_for_repo(repo=repo, exclude_id=mine.pk) is None


def test_it_suggests_a_free_slug(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    assert package_slug_suggestion(name="Django_Axes") == "django_axes"
    assert package_slug_suggestion(name="sphinx.ext.django") == "sphinx-ext-django"
    make_package(slug="django-axes")
    make_package(slug="Django-Axes-2")
    with django_assert_num_queries(1):
        assert package_slug_suggestion(name="django-axes") == "django-axes-3"
    assert package_slug_suggestion(name="...") == ""


def test_it_guesses_title_slug_and_pypi_name_from_the_repository_name() -> None:
    guess = package_add_guess(repo=parse_repo_url("git@github.com:jazzband/django-axes.git"))
    assert (guess.repo_url, guess.title, guess.slug, guess.pypi_name) == (
        "https://github.com/jazzband/django-axes",
        "django-axes",
        "django-axes",
        "django-axes",
    )
    assert guess.existing is None


def test_it_guesses_no_pypi_name_that_pypi_could_not_have() -> None:
    guess = package_add_guess(repo=parse_repo_url("https://github.com/owner/-weird-"))
    assert (guess.title, guess.slug, guess.pypi_name) == ("-weird-", "weird", "")


def test_it_returns_the_package_already_listing_the_repository() -> None:
    existing = make_package(repo_url="https://github.com/jazzband/django-axes")
    guess = package_add_guess(repo=parse_repo_url("https://github.com/JAZZBAND/django-axes/"))
    assert guess.existing == existing
