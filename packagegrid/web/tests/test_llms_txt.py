"""/llms.txt: the site described for language models (llmstxt.org)."""

from typing import Any

import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(SITE_URL="https://packages.example")
def test_it_describes_the_site_api_feeds_and_mcp_server(
    client: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/llms.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    lines = text.splitlines()
    # llmstxt.org: an H1 title, a blockquote summary, then H2 sections of link lists.
    assert lines[0] == "# packagegrid"
    assert lines[2].startswith("> packagegrid is a directory of reusable Django packages")
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## MCP server", "## API", "## Pages", "## Feeds", "## Optional"]
    assert "- [Streamable HTTP endpoint](https://packages.example/mcp/)" in text
    assert "- [API v5](https://packages.example/api/v5/)" in text
    assert "package_health(slug)" in text
    assert "If-None-Match" in text and "RateLimit-Remaining" in text
    assert "&amp;" not in text and "&lt;" not in text  # plain text, not HTML-escaped
