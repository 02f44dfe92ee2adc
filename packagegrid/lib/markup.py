"""Safe Markdown: CommonMark rendered by markdown-it, then sanitised by nh3 (ORM-free)."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "del",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")


@lru_cache(maxsize=4096)
def render_markdown(text: str, *, inline: bool = False) -> str:
    """HTML for `text`: raw HTML in the input is escaped, links are http(s)/mailto only.

    With `inline`, a single paragraph is unwrapped (for table cells). The result is safe
    to mark as safe in templates.

    >>> render_markdown("**yes** <script>x</script>", inline=True)
    '<strong>yes</strong> &lt;script&gt;x&lt;/script&gt;'
    """
    html = _md.renderInline(text) if inline else _md.render(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    ).strip()
