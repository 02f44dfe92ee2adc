"""Lookups by id or slug, in the APIs and on the web: odd digits, huge numbers and
other junk in an id answer 404, never 500 and never another object."""

import pytest
from django.test import Client

from packagegrid.conftest import make_category, make_grid, make_package, make_user

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # beyond bigint
BIGINT_PLUS_ONE = str(2**63)
JUNK_IDS = ["²", "١٢", "\uff11\uff12", "12²", "٣", HUGE, BIGINT_PLUS_ONE, "-1", "0x1", "1e3"]


@pytest.fixture
def objects() -> None:
    """A package, grid and category with id 12, so that `١٢` (12 in Arabic-Indic digits)
    would find them if it were read as a number."""
    category = make_category(pk=12)
    package = make_package(pk=12, slug="twelve", category=category)
    make_grid(pk=12, packages=[package], title="Grid", slug="grid-1")


@pytest.mark.usefixtures("objects")
@pytest.mark.parametrize("collection", ["packages", "grids", "categories"])
@pytest.mark.parametrize("key", JUNK_IDS)
def test_v4_answers_404_for_ids_that_are_not_ascii_digits_or_too_large(
    client: Client, collection: str, key: str
) -> None:
    response = client.get(f"/api/v4/{collection}/{key}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404


@pytest.mark.usefixtures("objects")
@pytest.mark.parametrize("collection", ["packages", "grids", "categories"])
def test_v4_still_finds_objects_by_ascii_id(client: Client, collection: str) -> None:
    response = client.get(f"/api/v4/{collection}/12/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["id"] == 12


@pytest.mark.usefixtures("objects")
def test_v4_finds_a_package_by_slug(client: Client) -> None:
    response = client.get("/api/v4/packages/twelve/", HTTP_ACCEPT="application/json")
    assert response.json()["id"] == 12


@pytest.mark.usefixtures("objects")
@pytest.mark.parametrize(
    "path", ["packages/{}/", "grids/{}/", "grids/{}/packages/", "categories/{}/"]
)
@pytest.mark.parametrize("key", JUNK_IDS)
def test_v3_answers_404_for_junk_keys(client: Client, path: str, key: str) -> None:
    response = client.get("/api/v3/" + path.format(key), HTTP_ACCEPT="application/json")
    assert response.status_code == 404


@pytest.mark.usefixtures("objects")
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/grids/grid-1/cells/{}/1/"),
        ("get", "/grids/grid-1/cells/1/{}/"),
        ("get", "/grids/grid-1/cells/{}/1/edit/"),
        ("get", "/grids/grid-1/features/{}/edit/"),
        ("post", "/grids/grid-1/features/{}/delete/"),
        ("post", "/grids/grid-1/history/{}/revert/"),
        ("post", "/packages/twelve/history/{}/revert/"),
        ("post", "/moderation/flags/{}/"),
    ],
)
@pytest.mark.parametrize("key", [HUGE, BIGINT_PLUS_ONE, "²", "١٢"])
def test_web_urls_with_ids_answer_404(client: Client, method: str, path: str, key: str) -> None:
    staff = make_user("staff", staff=True, is_superuser=True)
    client.force_login(staff)
    response = getattr(client, method)(path.format(key))
    assert response.status_code == 404
