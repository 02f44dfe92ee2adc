"""READMEs render as their content type says, and nothing unsafe survives the sanitiser."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from packagegrid.lib.readme import (
    MAX_SOURCE_CHARS,
    MAX_TEXT_CHARS,
    ReadmeFormat,
    readme_format,
    readme_render,
    readme_text,
)

PACKAGE = Path(__file__).resolve().parents[2]
# Real PyPI JSON documents, recorded on 2026-12-06 (descriptions cut at 20,000 characters).
RECORDED = (
    PACKAGE / "demo" / "data" / "pypi-demo.jsonl.gz",
    PACKAGE / "discovery" / "tests" / "data" / "pypi-top400.jsonl.gz",
)

_TAG = re.compile(r"<([a-z0-9]+)([^>]*)>")
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "samp", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "tt", "ul", "var",
}  # fmt: skip


@cache
def _recorded() -> dict[str, dict[str, Any]]:
    """Each recorded project's `info`, by name."""
    infos: dict[str, dict[str, Any]] = {}
    for path in RECORDED:
        with gzip.open(path, "rt") as lines:
            for line in lines:
                record = json.loads(line)
                if record.get("json"):
                    infos[record["name"]] = record["json"]["info"]
    return infos


def _render(name: str) -> str:
    info = _recorded()[name]
    return readme_render(
        source=info["description"], content_type=info["description_content_type"] or ""
    ).html


def _assert_safe(html: str) -> None:
    """Only allowed tags; no event handlers, styles, ids, classes or script URLs; every
    link nofollow ugc and absolute; every image http(s)."""
    for tag, attributes in _TAG.findall(html):
        assert tag in _ALLOWED_TAGS, tag
        assert not re.search(r"\s(on\w+|style|id|class)=", attributes), attributes
        if tag == "a":
            assert 'rel="nofollow ugc"' in attributes, attributes
            href = re.search(r'href="([^"]*)"', attributes)
            assert href is None or href.group(1).startswith(("http://", "https://", "mailto:"))
        if tag == "img":
            src = re.search(r'src="([^"]*)"', attributes)
            assert src is None or src.group(1).startswith(("http://", "https://"))
        # Text may mention a script URL (alt text, an unrendered link); no value is one.
        values = re.sub(r'\s(alt|title)="[^"]*"', "", attributes)
        assert not re.search(r'="\s*(javascript|data|vbscript):', values, re.IGNORECASE)


def test_it_renders_a_real_markdown_readme() -> None:
    html = _render("djangorestframework")  # text/markdown
    assert (
        '<h3><a href="https://www.django-rest-framework.org/" rel="nofollow ugc">'
        "Django REST framework</a></h3>"
    ) in html
    assert "<h3>Overview</h3>" in html
    assert "<li>The Web browsable API is a huge usability win for your developers.</li>" in html
    assert '<img src="https://img.shields.io/pypi/v/djangorestframework.svg"' in html
    _assert_safe(html)


def test_it_renders_a_real_restructuredtext_readme() -> None:
    html = _render("django-debug-toolbar")  # text/x-rst
    assert html.lstrip().startswith("<h3>Django Debug Toolbar <a href=")
    assert '<img alt="Latest version on PyPI" src="https://img.shields.io/' in html
    assert "<p>The Django Debug Toolbar is a configurable set of panels" in html
    _assert_safe(html)


def test_it_renders_every_recorded_readme_safely() -> None:
    formats: Counter[tuple[str, str]] = Counter()
    for info in _recorded().values():
        declared = info["description_content_type"] or ""
        result = readme_render(source=info["description"] or "", content_type=declared)
        _assert_safe(result.html)
        assert not re.search(r"<h[12][\s>]", result.html)
        formats[readme_format(declared), result.format] += 1
    # Declared Markdown and reStructuredText render as such; undeclared ones are read as
    # reStructuredText, as PyPI reads them, and shown as text when they are not.
    assert formats[ReadmeFormat.MARKDOWN, ReadmeFormat.MARKDOWN] > 150
    assert formats[ReadmeFormat.RST, ReadmeFormat.RST] > 300
    assert formats[ReadmeFormat.RST, ReadmeFormat.TEXT] > 0
    assert formats[ReadmeFormat.MARKDOWN, ReadmeFormat.TEXT] == 0


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/markdown", ReadmeFormat.MARKDOWN),
        ("text/markdown; charset=UTF-8; variant=GFM", ReadmeFormat.MARKDOWN),
        ("TEXT/MARKDOWN", ReadmeFormat.MARKDOWN),
        ("text/x-rst", ReadmeFormat.RST),
        ("text/plain", ReadmeFormat.TEXT),
        ("", ReadmeFormat.RST),
        ("text/html", ReadmeFormat.RST),
    ],
)
def test_it_reads_the_content_type_as_pypi_does(content_type: str, expected: str) -> None:
    assert readme_format(content_type) == expected


MARKDOWN_PROBES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="https://example.com/a.png" onload="alert(1)">',
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt&#58;alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    "![x](data:image/png;base64,AAAA)",
    '<iframe src="https://example.com"></iframe>',
    '<form action="https://example.com"><input name="q"></form>',
    "<style>body{display:none}</style>",
    '<div style="position:fixed;top:0">overlay</div>',
    "<svg><script>alert(1)</script></svg>",
    '<a href="/admin/">relative</a>',
    '<p id="readme-title" class="notice">ids and classes</p>',
    '<object data="https://example.com/x.swf"></object>',
    '<img src="mailto:x@example.com">',
]


@pytest.mark.parametrize("probe", MARKDOWN_PROBES)
def test_it_leaves_nothing_unsafe_from_raw_html_in_markdown(probe: str) -> None:
    html = readme_render(source=f"Before\n\n{probe}\n\nAfter", content_type="text/markdown").html
    _assert_safe(html)
    for banned in ("<script", "<iframe", "<form", "<input", "<style", "<svg", "<object"):
        assert banned not in html
    assert "alert(1)" not in html or "&lt;" in html or "[click]" in html
    assert "<p>After</p>" in html


def test_it_keeps_safe_raw_html_of_markdown() -> None:
    source = (
        '<p align="center"><img src="https://example.com/logo.png" width="200"></p>\n\n'
        "<details><summary>More</summary>Hidden</details>\n"
    )
    html = readme_render(source=source, content_type="text/markdown").html
    assert '<img src="https://example.com/logo.png" width="200"' in html
    assert "<details><summary>More</summary>Hidden</details>" in html
    assert "align" not in html


def test_it_renders_github_style_tables_and_strikethrough() -> None:
    html = readme_render(
        source="| a | b |\n|---|---|\n| 1 | ~~2~~ |\n", content_type="text/markdown"
    ).html
    assert "<table>" in html
    assert "<th>a</th>" in html
    assert "<td><s>2</s></td>" in html


def test_it_gives_every_link_nofollow_ugc() -> None:
    source = (
        "[one](https://example.com) <https://example.org> <a href='https://x.org' rel='me'>x</a>"
    )
    html = readme_render(source=source, content_type="text/markdown").html
    assert html.count('rel="nofollow ugc"') == 3
    assert 'rel="me"' not in html


def test_it_demotes_headings_so_the_page_keeps_its_own() -> None:
    md = readme_render(
        source="# One\n\n## Two\n\n### Three\n\n###### Six", content_type="text/markdown"
    )
    assert md.html == "<h3>One</h3>\n<h4>Two</h4>\n<h5>Three</h5>\n<h6>Six</h6>\n"
    rst = readme_render(source="One\n===\n\nTwo\n---\n\nText.\n", content_type="text/x-rst")
    assert "<h3>One</h3>" in rst.html
    assert "<h4>Two</h4>" in rst.html


RST_PROBES = [
    ".. raw:: html\n\n   <script>alert('raw')</script>\n",
    ".. raw:: html\n   :file: /etc/passwd\n",
    ".. include:: /etc/passwd\n",
    ".. include:: /etc/hostname\n   :literal:\n",
    ".. csv-table:: x\n   :file: /etc/passwd\n",
    ".. csv-table:: x\n   :url: http://127.0.0.1:9/x.csv\n",
    "`click <javascript:alert(1)>`_\n",
    ".. image:: javascript:alert(1)\n",
    ".. image:: https://example.com/a.png\n   :target: javascript:alert(1)\n",
    ".. image:: data:image/png;base64,AAAA\n",
    "|x|\n\n.. |x| raw:: html\n\n   <script>alert(1)</script>\n",
]


@pytest.mark.parametrize("probe", RST_PROBES)
def test_it_reaches_nothing_outside_the_text_and_runs_nothing_from_rst(probe: str) -> None:
    html = readme_render(source=f"Before\n\n{probe}\nAfter\n", content_type="text/x-rst").html
    _assert_safe(html)
    assert "<script" not in html
    assert "alert('raw')" not in html
    assert "root:" not in html  # /etc/passwd
    assert "System Message" not in html  # docutils' warnings stay out of the page
    assert "<p>After</p>" in html


def test_it_ignores_a_docutils_configuration_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docutils.conf").write_text("[general]\nraw_enabled: yes\nreport_level: 1\n")
    monkeypatch.chdir(tmp_path)
    html = readme_render(source=".. raw:: html\n\n   <b>raw</b>\n", content_type="text/x-rst").html
    assert "raw" not in html


def test_it_shows_plain_text_escaped_in_a_pre() -> None:
    result = readme_render(source="a <b>bold</b> & more\n  indented", content_type="text/plain")
    assert result.html == "<pre>a &lt;b&gt;bold&lt;/b&gt; &amp; more\n  indented</pre>"
    assert result.format == ReadmeFormat.TEXT


def test_it_shows_an_undeclared_readme_that_is_not_rst_as_text() -> None:
    source = "Title\n=====\n\n.. unknown-directive:: x\n\n*unclosed\n"
    result = readme_render(source=source, content_type="")
    assert result.format == ReadmeFormat.TEXT
    assert result.html.startswith("<pre>Title")


def test_it_renders_declared_rst_with_errors_as_far_as_it_can() -> None:
    source = "Title\n=====\n\n.. unknown-directive:: x\n\nSome *text*.\n"
    result = readme_render(source=source, content_type="text/x-rst")
    assert result.format == ReadmeFormat.RST
    assert "<p>Some <em>text</em>.</p>" in result.html


def test_it_cuts_a_long_readme_at_a_line_and_says_so() -> None:
    line = "word " * 19 + "\n"  # 100 characters
    source = line * (MAX_SOURCE_CHARS // len(line) + 10)
    result = readme_render(source=source, content_type="text/plain")
    assert result.truncated
    assert result.html.endswith("word </pre>")  # up to the last whole line
    assert len(result.html) <= MAX_SOURCE_CHARS + len("<pre></pre>")
    assert not readme_render(source=line * 3, content_type="text/plain").truncated


def test_it_keeps_the_words_a_reader_sees_for_search() -> None:
    result = readme_render(
        source="# Title\n\n![badge](https://example.com/b.svg) Some `code` &amp; text.",
        content_type="text/markdown",
    )
    assert result.text == "Title Some code & text."
    long = readme_text("<p>" + "abcdefghi " * 1000 + "</p>")
    assert len(long) <= MAX_TEXT_CHARS
    assert long.endswith("abcdefghi")


@pytest.mark.parametrize(
    ("source", "content_type"),
    [
        ("> " * 5000 + "deep", "text/markdown"),
        ("".join("  " * i + "- x\n" for i in range(2000)), "text/markdown"),
        ("".join("  " * i + "- x\n\n" for i in range(400)), "text/x-rst"),
        ("".join(" " * i + "x\n\n" for i in range(600)), "text/x-rst"),
    ],
)
def test_it_survives_deeply_nested_text(source: str, content_type: str) -> None:
    """docutils recurses per level: too deep a README is shown as text, never an error
    that would fail the package's fetch."""
    result = readme_render(source=source, content_type=content_type)
    _assert_safe(result.html)
    assert result.html
