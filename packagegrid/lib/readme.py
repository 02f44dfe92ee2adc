"""A package's README (PyPI's long description) as safe HTML, rendered once (ORM-free).

Markdown goes through markdown-it (CommonMark with tables and strikethrough, raw HTML
let through to the sanitiser, as PyPI does), reStructuredText through docutils with
every way of reaching outside the text switched off, plain text is escaped into a
`<pre>`. Everything then passes nh3 with a short allow list: links http(s) and mailto
only, each with rel="nofollow ugc", images http(s) only, no relative URLs (they would
point into this site), no ids, classes, styles or event attributes. Headings are
demoted by two levels (h1 becomes h3) so that the page keeps its own h1 and h2.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from typing import Any

import nh3
from docutils.core import publish_parts
from docutils.utils import SystemMessage
from markdown_it import MarkdownIt

# The longest source rendered; a longer README is cut at a line break before this and
# shown with a "truncated" note (PyPI's own page has the whole text).
MAX_SOURCE_CHARS = 50_000
# How much of the README's plain text search indexes (its start says what it is about).
MAX_TEXT_CHARS = 4_000
# Bumped whenever rendering or sanitising changes, so that `packagegrid readme_render`
# re-renders the stored sources rendered by an older version.
RENDERER_VERSION = 1


class ReadmeFormat:
    MARKDOWN = "markdown"
    RST = "rst"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class RenderedReadme:
    html: str  # sanitised; safe to mark safe in a template
    text: str  # the words a reader sees, whitespace collapsed, at most MAX_TEXT_CHARS
    format: str  # a ReadmeFormat value: how the source was read
    truncated: bool  # the source was longer than MAX_SOURCE_CHARS and was cut


_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p",
    "pre", "s", "samp", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "tt", "ul", "var",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
}
_WEB = ("http://", "https://")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # nh3 has already checked the scheme against http/https/mailto; an image must not
    # be a mailto: link, and sizes must be plain numbers (no "100%;background:url()").
    if tag == "img" and attribute == "src":
        return value if value.strip().lower().startswith(_WEB) else None
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if value.strip().isdigit() and len(value) <= 5 else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="nofollow ugc",
    set_tag_attribute_values={"img": {"loading": "lazy", "referrerpolicy": "no-referrer"}},
)
_TEXT_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, attributes={})

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
    ["table", "strikethrough"]
)

# docutils, closed to everything but the text: no reading or including files or URLs
# (`include`, `csv-table :file:/:url:`, `raw :file:`), no raw HTML, no configuration
# files from the working directory, no messages in the output or on stderr, no
# stylesheet, no syntax-highlighting classes.
_RST_SETTINGS: dict[str, Any] = {
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "_disable_config": True,
    "report_level": 5,
    "halt_level": 5,
    "warning_stream": False,
    "embed_stylesheet": False,
    "stylesheet_path": "",
    "stylesheet": "",
    "syntax_highlight": "none",
    "math_output": "HTML",
    "doctitle_xform": False,
    "sectsubtitle_xform": False,
    "initial_header_level": 1,
    "traceback": True,
}
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_SPACE = re.compile(r"\s+")


def readme_format(content_type: str) -> str:
    """How to read a README declared as `content_type` (PyPI's
    `description_content_type`, parameters ignored): Markdown for text/markdown, plain
    text for text/plain, reStructuredText otherwise, as PyPI does (missing or unknown)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "text/markdown":
        return ReadmeFormat.MARKDOWN
    if kind == "text/plain":
        return ReadmeFormat.TEXT
    return ReadmeFormat.RST


def readme_render(*, source: str, content_type: str) -> RenderedReadme:
    """Render `source` as `content_type` says (see `readme_format`) and sanitise it.

    A source longer than MAX_SOURCE_CHARS is cut at the last line break before it
    (`truncated`). When no content type is declared and the text is not valid
    reStructuredText, it is shown as plain text, as PyPI does. Never raises for any
    input text.

    >>> readme_render(source="# Hi <script>x</script>", content_type="text/markdown").html.strip()
    '<h3>Hi </h3>'
    """
    truncated = len(source) > MAX_SOURCE_CHARS
    if truncated:
        cut = source.rfind("\n", 0, MAX_SOURCE_CHARS)
        source = source[: cut if cut > 0 else MAX_SOURCE_CHARS]
    kind = readme_format(content_type)
    raw: str | None
    if kind == ReadmeFormat.MARKDOWN:
        raw = _markdown.render(source)
    elif kind == ReadmeFormat.RST:
        raw = _rst(source, strict=not content_type.strip())
        if raw is None:
            kind = ReadmeFormat.TEXT
    if kind == ReadmeFormat.TEXT:
        raw = f"<pre>{html.escape(source)}</pre>"  # the page wraps long lines
    safe = _demote(_CLEANER.clean(raw or ""))
    return RenderedReadme(html=safe, text=readme_text(safe), format=kind, truncated=truncated)


def readme_text(safe_html: str) -> str:
    """The words of rendered README HTML, whitespace collapsed, cut to MAX_TEXT_CHARS at a
    word boundary."""
    text = _SPACE.sub(" ", html.unescape(_TEXT_CLEANER.clean(safe_html))).strip()
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS].rsplit(" ", 1)[0]
    return text


def _demote(safe_html: str) -> str:
    # Safe on sanitised output: tags are serialised canonically and a "<" in text is
    # escaped, so the pattern only meets real heading tags.
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", safe_html)


def _rst(source: str, *, strict: bool) -> str | None:
    """docutils' HTML body of `source`; None when `strict` and docutils finds an error
    (the text was most likely never meant as reStructuredText)."""
    settings = dict(_RST_SETTINGS)
    if strict:
        settings["halt_level"] = 3  # raise on the first error
        settings["warning_stream"] = io.StringIO()
    try:
        parts = publish_parts(source, writer="html5", settings_overrides=settings)
    except SystemMessage:
        return None
    except (
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        AssertionError,
        RecursionError,
    ):
        # docutils has raised these on odd input in the past; show the text instead.
        return None
    return str(parts["body"])
