"""URLs of one route for many slugs with one `reverse()`: a list of 300 rows costs one
URLconf lookup, not 300 (about 20 µs each)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# A value every slug converter accepts and that no route's fixed text contains.
SLUG_MARK = "0slug0"
# What reverse() leaves unquoted in a path.
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


def route_around(route: str, *, arg: str = "slug", **kwargs: str) -> tuple[str, str]:
    """The path of `route` split around its argument `arg` (the other arguments fixed by
    `kwargs`): ("/packages/p/", "/") for "package"."""
    head, _, tail = reverse(route, kwargs={**kwargs, arg: SLUG_MARK}).partition(SLUG_MARK)
    return head, tail


def url_maker(route: str, *, arg: str = "slug", **kwargs: str) -> Callable[[str], str]:
    """A function from a slug to the URL of `route` with that slug as `arg` (the other
    arguments fixed by `kwargs`), quoted as reverse() quotes it."""
    head, tail = route_around(route, arg=arg, **kwargs)
    return lambda slug: f"{head}{quote(slug, safe=URL_SAFE)}{tail}"


def route_path(route: str) -> str:
    """The path of `route`, a route without arguments ("/packages/" for "packages"):
    reversed once per process (per script prefix and URLconf), not on every render.
    Every page links to about twenty such routes (the header and footer)."""
    return _route_path(get_script_prefix(), get_urlconf(), route)


@cache
def _route_path(script_prefix: str, urlconf: str | None, route: str) -> str:
    return reverse(route, urlconf=urlconf)


@receiver(setting_changed)
def _route_paths_forget(*, setting: str, **kwargs: object) -> None:
    """Tests that swap the URLconf get its paths, as reverse()'s own caches do."""
    if setting == "ROOT_URLCONF":
        _route_path.cache_clear()
