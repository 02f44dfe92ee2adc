"""Template helpers of the search results page. Load with `{% load search %}`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from packagegrid.search.selectors import Facet

register = template.Library()

# Where `facet_sections`' markup names the copy it is in (the side column, the disclosure).
_PLACE = "\x00place\x00"


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


def _toggled(params: QueryDict, key: str, value: str) -> str:
    """`facet_toggle_url` on a copy made once per page: set, encode, put back."""
    had = params.getlist(key)
    if had and had[-1] == value:
        del params[key]
    else:
        params[key] = value
    url = f"?{params.urlencode()}"
    if had:
        params.setlist(key, had)  # back in its place
    elif key in params:
        del params[key]
    return url


@register.simple_tag(takes_context=True)
def facet_sections(context: template.Context, facets: Sequence[Facet]) -> dict[str, SafeString]:
    """The facet lists of the search page, built once in Python for both copies of the
    page: {"narrow": ..., "side": ...}. Each option links to this page with the option
    toggled (as `facet_toggle_url` does), from one copy of the query string."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    parts = []
    for facet in facets:
        key = escape(facet.key)
        parts.append(
            f'\n    <section class="facet" aria-labelledby="facet-{_PLACE}-{key}">\n'
            f'      <h3 class="facet-title" id="facet-{_PLACE}-{key}">{escape(facet.label)}</h3>\n'
            f'      <ul class="facet-values">'
        )
        for option in facet.values:
            url = escape(_toggled(params, facet.key, option.value))
            label = escape(option.label)
            if option.selected:
                parts.append(
                    f'\n        <li><a class="facet-value is-selected" href="{url}"'
                    ' aria-current="true" title="Remove this filter"><span class="facet-label">'
                    f'<span class="visually-hidden">Remove filter: </span>{label}</span>'
                    f' <span class="facet-count">{option.count:,}</span></a></li>'
                )
            else:
                parts.append(
                    f'\n        <li><a class="facet-value" href="{url}"><span class="facet-label">'
                    f'{label}</span> <span class="facet-count">{option.count:,}</span></a></li>'
                )
        parts.append("\n      </ul>\n    </section>")
    html = "".join(parts) + "\n"
    # Safe: every value from the index or the query string goes through escape().
    return {place: mark_safe(html.replace(_PLACE, place)) for place in ("narrow", "side")}
