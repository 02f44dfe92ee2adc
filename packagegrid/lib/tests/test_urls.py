"""One reverse() per route gives the same URLs as reverse() per slug."""

from __future__ import annotations

import pytest
from django.urls import reverse

from packagegrid.lib.urls import route_around, url_maker

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
