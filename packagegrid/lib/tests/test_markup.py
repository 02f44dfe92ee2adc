"""Markdown is rendered and anything unsafe is escaped or dropped."""

import re

import pytest

from packagegrid.lib.markup import render_markdown


def test_it_renders_markdown() -> None:
    assert (
        render_markdown("Works with **Django 5**") == "<p>Works with <strong>Django 5</strong></p>"
    )


def test_it_renders_one_line_without_a_paragraph_for_cells() -> None:
    assert render_markdown("`async` *views*", inline=True) == "<code>async</code> <em>views</em>"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="https://x" onclick="alert(1)">x</a>',
    ],
)
def test_it_leaves_no_markup_of_its_own_behind(text: str) -> None:
    html = render_markdown(text)
    assert re.findall(r"<(\w+)", html) in (["p"], ["p", "a"])
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', html))


def test_it_marks_links_nofollow() -> None:
    assert render_markdown("[docs](https://example.com)", inline=True) == (
        '<a href="https://example.com" rel="nofollow noopener">docs</a>'
    )
