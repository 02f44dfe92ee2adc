"""The NUL middleware: a NUL anywhere in the request is a 400 before any view runs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest
from django.test import Client

from packagegrid.conftest import make_user
from packagegrid.lib.nul import NUL_REFUSED

if TYPE_CHECKING:
    from packagegrid.conftest import TestResponse

pytestmark = pytest.mark.django_db


def _refused(response: TestResponse) -> bool:
    return response.status_code == 400 and response.content.decode() == NUL_REFUSED


@pytest.mark.parametrize(
    "path",
    ["/packages/p/a%00b/", "/grids/g/%00/", "/profiles/%00/", "/api/v4/packages/%00/", "/%00"],
)
def test_a_nul_in_the_path_is_refused(client: Client, path: str) -> None:
    assert _refused(client.get(path))


@pytest.mark.parametrize("query", [{"q": "a\x00b"}, {"a\x00": "x"}, {"q": ["ok", "\x00"]}])
def test_a_nul_in_the_query_string_is_refused(
    client: Client, query: dict[str, str | list[str]]
) -> None:
    assert _refused(client.get("/packages/", query))
    assert _refused(client.get("/api/v4/search/", query))


@pytest.mark.parametrize("data", [{"on": "o\x00n"}, {"o\x00n": "on"}])
def test_a_nul_in_a_form_body_is_refused_before_csrf_and_the_view(
    client: Client, data: dict[str, str]
) -> None:
    form = "application/x-www-form-urlencoded"
    assert _refused(client.post("/packages/widgets/usage/", urlencode(data), content_type=form))


def test_a_nul_in_a_multipart_body_is_refused(client: Client) -> None:
    # The test client encodes a dict as multipart/form-data by default.
    assert _refused(client.post("/grids/add/", {"title": "a\x00"}))


@pytest.mark.parametrize(
    "body",
    [{"name": "a\x00b"}, {"a\x00": 1}, {"list": [1, {"deep": ["\x00"]}]}],
)
def test_a_nul_in_a_json_body_is_refused(client: Client, body: object) -> None:
    response = client.post("/api/v4/packages/", json.dumps(body), content_type="application/json")
    assert _refused(response)


def test_a_raw_nul_byte_in_a_json_body_is_refused(client: Client) -> None:
    response = client.post("/api/v4/packages/", b'{"a": "\x00"}', content_type="application/json")
    assert _refused(response)


@pytest.mark.parametrize(
    "body",
    ['{"text": "a\\\\u0000b"}', '{"text": "plain"}', "not json \\u0000"],
)
def test_json_without_a_real_nul_passes_through(client: Client, body: str) -> None:
    # An escaped backslash before `u0000` is text, not a NUL; broken JSON is the view's to refuse.
    response = client.post("/api/v4/packages/", body, content_type="application/json")
    assert response.content.decode() != NUL_REFUSED


def test_ordinary_requests_pass(client: Client) -> None:
    assert client.get("/packages/", {"q": "widgets"}).status_code == 200
    assert client.get("/").status_code == 200


# Every address whose view, form or selector once guarded against NUL itself.
FORMERLY_GUARDED = [
    "/packages/p/a%00b/",
    "/packages/a%00b/history/",
    "/packages/add/?grid=a%00b",
    "/packages/?q=%00&sort=%00&category=%00",
    "/categories/a%00b/",
    "/grids/g/a%00b/",
    "/grids/a%00b/history/",
    "/grids/a%00b/edit/",
    "/grids/?q=%00",
    "/compare/a%00b/",
    "/feeds/grids/a%00b/rss/",
    "/feeds/packages/a%00b/releases/atom/",
    "/profiles/a%00b/",
    "/search/suggest/?q=%00",
    "/api/v3/packages/?category=a%00b",
    "/api/v4/search/?q=%00",
]


@pytest.mark.parametrize("url", FORMERLY_GUARDED)
def test_formerly_guarded_addresses_answer_400_not_500(client: Client, url: str) -> None:
    client.force_login(make_user("alice"))
    assert _refused(client.get(url))
