"""The OpenAPI schema at /api/schema/: valid OpenAPI 3.1, and true to what the APIs answer.

Responses are checked against the schema strictly: every object the schema describes
must have exactly the keys it lists (no undocumented key), with the types and formats it
gives, nulls included.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator

from packagegrid.accounts.models import Profile
from packagegrid.conftest import make_grid, make_package, make_release

pytestmark = pytest.mark.django_db

RESPONSES = Path(__file__).parent / "responses"

# Each golden file, and the operation that answers it.
GOLDEN_OPERATIONS = {
    "categories-list": "v4_categories_list",
    "grids-list": "v4_grids_list",
    "packages-list": "v4_packages_list",
    "search": "v4_search_list",
    "v5-package-django-valkey": "v5_packages_retrieve",
    "v5-package-openwisp-users": "v5_packages_retrieve",
    "legacy-categories-list": "v3_categories_list",
    "legacy-grid-detail": "v3_grids_retrieve",
    "legacy-grid-packages": "v3_grids_packages_retrieve",
    "legacy-package-detail": "v3_packages_retrieve",
    "legacy-packages-list": "v3_packages_list",
    "legacy-user-detail": "v3_users_retrieve",
}


def _fetch_schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema: dict[str, Any] = json.loads(response.content)
    return schema


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    return _fetch_schema(client)


def _closed(node: Any) -> Any:
    """`node` with every object schema that lists properties closed to other keys."""
    if isinstance(node, dict):
        closed = {key: _closed(value) for key, value in node.items()}
        if "properties" in closed and "additionalProperties" not in closed:
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [_closed(value) for value in node]
    return node


def _operations(schema: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        operation["operationId"]: (path, operation)
        for path, item in schema["paths"].items()
        for operation in item.values()
    }


def _assert_valid(schema: dict[str, Any], operation_id: str, status: int, body: Any) -> None:
    """`body` is what `operation_id` promises for `status`, key for key."""
    _, operation = _operations(schema)[operation_id]
    assert str(status) in operation["responses"], f"{operation_id} does not document {status}"
    media = operation["responses"][str(status)]["content"]["application/json"]
    root = {**_closed(copy.deepcopy(media["schema"])), "components": _closed(schema["components"])}
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], f"{operation_id} {status}: {errors[:5]}"


def test_it_serves_a_valid_openapi_3_1_schema(schema: dict[str, Any]) -> None:
    assert schema["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(schema).validate()  # raises on the first error


def test_it_serves_the_schema_as_yaml_by_default(client: Client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi: 3.1.0")


def test_it_covers_every_read_operation_of_v3_v4_and_v5(schema: dict[str, Any]) -> None:
    assert sorted(schema["paths"]) == [
        "/api/v3/",
        "/api/v3/categories/",
        "/api/v3/categories/{slug}/",
        "/api/v3/grids/",
        "/api/v3/grids/{slug}/",
        "/api/v3/grids/{slug}/packages/",
        "/api/v3/packages/",
        "/api/v3/packages/{slug}/",
        "/api/v3/users/",
        "/api/v3/users/{github_account}/",
        "/api/v4/",
        "/api/v4/categories/",
        "/api/v4/categories/{id}/",
        "/api/v4/grids/",
        "/api/v4/grids/{id}/",
        "/api/v4/packages/",
        "/api/v4/packages/{id}/",
        "/api/v4/search/",
        "/api/v5/",
        "/api/v5/categories/",
        "/api/v5/categories/{id}/",
        "/api/v5/changes/",
        "/api/v5/compare/",
        "/api/v5/grids/",
        "/api/v5/grids/{id}/",
        "/api/v5/packages/",
        "/api/v5/packages/{id}/",
        "/api/v5/releases/",
        "/api/v5/releases/{id}/",
        "/api/v5/search/",
        "/api/v5/users/",
        "/api/v5/users/{id}/",
    ]
    methods = {method for item in schema["paths"].values() for method in item}
    assert methods == {"get"}


def test_it_tells_what_may_be_null(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    v4 = components["V4Package"]["properties"]
    assert v4["last_updated"]["type"] == ["string", "null"]
    assert v4["repo_forks"]["type"] == "integer"
    assert components["V5Package"]["properties"]["health"]["oneOf"][1] == {"type": "null"}
    page = components["PaginatedV4PackageList"]["properties"]
    assert page["next"]["type"] == ["string", "null"]


@pytest.mark.parametrize("name", sorted(GOLDEN_OPERATIONS))
def test_it_describes_each_golden_response_exactly(schema: dict[str, Any], name: str) -> None:
    body = json.loads((RESPONSES / f"{name}.json").read_text(encoding="utf-8"))
    _assert_valid(schema, GOLDEN_OPERATIONS[name], 200, body)


def test_the_strict_check_refuses_an_undocumented_key(schema: dict[str, Any]) -> None:
    body = json.loads((RESPONSES / "legacy-grid-detail.json").read_text(encoding="utf-8"))
    with pytest.raises(AssertionError, match="not allowed"):
        _assert_valid(schema, "v3_grids_retrieve", 200, {**body, "extra": 1})


def _filled(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def test_it_answers_every_operation_as_the_schema_says(client: Client) -> None:
    """Every operation, with a real object and with a missing one: 200 and 404 bodies
    match the schema (the v3 users endpoints as a logged-in person)."""
    package = make_package(documentation_url=None, repo={"last_commit_at": None})
    make_package(pypi={"latest_version": None})
    grid = make_grid(packages=[package])
    release = make_release(package, "1.0")
    user = User.objects.create_user("alice")
    Profile.objects.create(user=user, github_account="alice")
    client.force_login(user)
    schema = _fetch_schema(client)

    found = {
        "id": str(package.pk),
        "slug": package.slug,
        "github_account": "alice",
    }
    for operation_id, (path, _) in _operations(schema).items():
        if "/grids/" in path:
            found = {**found, "id": str(grid.pk), "slug": grid.slug}
        elif "/categories/" in path:
            found = {**found, "id": str(package.category_id), "slug": package.category.slug}
        elif "/releases/" in path:
            found = {**found, "id": str(release.pk)}
        elif "/users/" in path:
            found = {**found, "id": str(user.pk)}
        else:
            found = {**found, "id": str(package.pk), "slug": package.slug}
        params = {"list_packages": "1", "q": "thing", "packages": package.slug}
        response = client.get(_filled(path, found), params)
        assert response.status_code == 200, (operation_id, response.content)
        _assert_valid(schema, operation_id, 200, response.json())
        if "{" in path:
            missing = _filled(path, dict.fromkeys(found, "999999"))
            response = client.get(missing)
            assert response.status_code == 404, (operation_id, response.content)
            _assert_valid(schema, operation_id, 404, response.json())


def test_it_documents_the_nul_refusal_on_every_operation(
    client: Client, schema: dict[str, Any]
) -> None:
    for _, operation in _operations(schema).values():
        assert "text/plain" in operation["responses"]["400"]["content"]
    response = client.get("/api/v4/search/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "path", ["/api/v4/packages/a.b/", "/api/v5/packages/%C2%84/", "/api/v4/categories/1.5/"]
)
def test_it_answers_a_refused_lookup_value_with_a_json_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_path_without_its_slash_is_still_redirected(client: Client) -> None:
    package = make_package()
    response = client.get(f"/api/v4/packages/{package.slug}")
    assert response.status_code == 301
    assert response["Location"] == f"/api/v4/packages/{package.slug}/"
