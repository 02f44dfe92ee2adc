"""`{% versioned_cache %}`: cache an expensive fragment under the version of what it shows.

    {% load versioned_cache %}
    {% versioned_cache "grid-table" "grid" grid.pk can_edit request.get_full_path %}
      ... the grid's table ...
    {% endversioned_cache %}

The fragment is stored under its name, the content version of `<kind>:<id>` ("grid",
"package", "category") and the other values given (whatever else the fragment reads), for
`RESPONSE_CACHE_SECONDS`; a change to the grid gives it a new version, so the next render
stores a new copy. With the response cache off (0) the fragment is rendered as usual; a
fragment that carries a CSRF token is never stored. Wrap only what does not depend on
who is looking, or vary on it. The
version comes from those the response cache middleware read for the page, else from one
query.
"""

from __future__ import annotations

import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.base import FilterExpression, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from packagegrid.caching.services import Version, versions_of

register = template.Library()


class VersionedCacheNode(template.Node):
    def __init__(
        self,
        nodelist: template.NodeList,
        name: FilterExpression,
        kind: FilterExpression,
        ident: FilterExpression,
        vary_on: list[FilterExpression],
    ) -> None:
        self.nodelist = nodelist
        self.name, self.kind, self.ident, self.vary_on = name, kind, ident, vary_on

    def render(self, context: Context) -> SafeString:
        if settings.RESPONSE_CACHE_SECONDS <= 0:
            return self.nodelist.render(context)
        key = f"{self.kind.resolve(context)}:{self.ident.resolve(context)}"
        request = context.get("request")
        known: dict[str, Version] = getattr(request, "content_versions", {}) or {}
        version = known[key] if key in known else versions_of([key])[key]
        varies = "\n".join(str(value.resolve(context)) for value in self.vary_on)
        digest = hashlib.sha256(
            f"{self.name.resolve(context)}\n{key}={version.token}\n{varies}".encode()
        ).hexdigest()
        cache_key = f"fragment:{digest}"
        cached = cache.get(cache_key)
        if cached is not None:
            return mark_safe(str(cached))  # stored below: rendered, escaped output
        content = self.nodelist.render(context)
        # A CSRF token belongs to one visitor: a fragment carrying one is never shared.
        if "csrfmiddlewaretoken" not in content:
            cache.set(cache_key, str(content), settings.RESPONSE_CACHE_SECONDS)
        return content


@register.tag("versioned_cache")
def versioned_cache(parser: Parser, token: Token) -> VersionedCacheNode:
    bits = token.split_contents()
    if len(bits) < 4:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes a fragment name, a kind and an id, then what else it varies on."
        )
    nodelist = parser.parse(("endversioned_cache",))
    parser.delete_first_token()
    name, kind, ident, *vary_on = (parser.compile_filter(bit) for bit in bits[1:])
    return VersionedCacheNode(nodelist, name, kind, ident, vary_on)
