"""One reverse() per route gives the same URLs as reverse() per slug."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from packagegrid.lib.urls import route_around, route_path, url_maker

SLUGS = ["django-filter", "a_b", "caf%C3%A9", "x.y~z"]


@pytest.mark.parametrize("route", ["package", "grid", "category", "package-rules"])
def test_it_makes_the_urls_reverse_makes(route: str) -> None:
    make = url_maker(route)
    for slug in SLUGS:
        assert make(slug) == reverse(route, kwargs={"slug": slug})


def test_it_fixes_the_other_arguments_of_a_route() -> None:
    make = url_maker("grid-package-remove", arg="package_slug", slug="auth")
    expected = reverse("grid-package-remove", kwargs={"slug": "auth", "package_slug": "a_b"})
    assert make("a_b") == expected


def test_it_splits_a_path_around_its_slug() -> None:
    assert route_around("package") == ("/packages/p/", "/")


@pytest.mark.parametrize("route", ["home", "packages", "grids", "feed-releases-atom", "about"])
def test_a_route_path_is_the_path_reverse_gives(route: str) -> None:
    assert route_path(route) == reverse(route)


def test_a_route_path_follows_the_script_prefix() -> None:
    route_path("packages")  # remembered under the default prefix
    set_script_prefix("/mirror/")
    try:
        assert route_path("packages") == "/mirror/packages/" == reverse("packages")
    finally:
        set_script_prefix("/")
    assert route_path("packages") == "/packages/"


def test_a_route_path_follows_a_swapped_urlconf() -> None:
    route_path("home")
    with override_settings(ROOT_URLCONF="packagegrid.lib.tests.urls_elsewhere"):
        assert route_path("home") == "/elsewhere/"
    assert route_path("home") == "/"
