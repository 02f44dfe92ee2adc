"""Template helpers of the search results page. Load with `{% load search %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_toggle_url(context: template.Context, key: str, value: str) -> str:
    """This page's query string with facet `key` set to `value`, or removed when it
    already is `value`; back to the first page either way."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    if params.get(key) == value:
        params.pop(key)
    else:
        params[key] = value
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def facets_cleared_url(context: template.Context) -> str:
    """This page's query string with only the query and the sort kept."""
    params: Any = context["request"].GET
    return f"?{urlencode({name: params[name] for name in ('q', 'sort') if params.get(name)})}"
