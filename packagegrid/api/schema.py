"""The OpenAPI description of API v3, v4 and v5: what each endpoint really answers.

The API's serializers build their dicts by hand (for speed, see `serializers.py`), so
drf-spectacular cannot read their fields. The serializers here are documentation only:
each declares, key for key, the object one of those serializers returns, with the
nullability the data has. They are never used to serialise anything; the tests check
the golden responses against the published schema, so the two cannot drift apart.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from packagegrid.health.model import AXES
from packagegrid.health.models import Lifecycle

# --- Shared -----------------------------------------------------------------------------


def _links(class_name: str, **names: str) -> type[serializers.Serializer[Any]]:
    """A documentation serializer of a root view: each key a link to a collection."""
    fields = {name: serializers.CharField(help_text=text) for name, text in names.items()}
    return type(class_name, (serializers.Serializer,), fields)


class ErrorSerializer(serializers.Serializer[Any]):
    """API v4 and v5 errors, as DRF writes them."""

    detail = serializers.CharField(help_text='What went wrong, e.g. "Not found."')


class LegacyErrorSerializer(serializers.Serializer[Any]):
    """API v3 errors, as djangopackages.org's v3 wrote them."""

    error = serializers.IntegerField(help_text="The HTTP status code.")
    message = serializers.CharField()


NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object.")
BAD_REQUEST = OpenApiResponse(
    description='A parameter cannot be read: `{"<parameter>": ["<what to send>"]}`.',
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
)
LEGACY_NOT_FOUND = OpenApiResponse(LegacyErrorSerializer, description="No such object.")
LOGIN_REDIRECT = OpenApiResponse(
    description="Anonymous visitors are redirected (302) to the login page."
)


def _datetime(*, null: bool = False, help_text: str = "") -> serializers.DateTimeField:
    return serializers.DateTimeField(allow_null=null, help_text=help_text)


def _strings(help_text: str = "") -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), help_text=help_text)


# --- API v4 ----------------------------------------------------------------------------


class V4PackageSerializer(serializers.Serializer[Any]):
    """A package as djangopackages.org's API v4 serves it; keys in this order."""

    category = serializers.CharField(help_text="Absolute link to the category (API v4).")
    grids = _strings("Absolute links to the package's grids (API v4), in joining order.")
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    last_updated = _datetime(null=True, help_text="The last commit; null when unknown.")
    last_fetched = _datetime(null=True, help_text="The last fetch; null when never fetched.")
    repo_url = serializers.CharField(help_text="May be empty.")
    pypi_version = serializers.CharField(allow_null=True, help_text="Latest PyPI version.")
    created = _datetime()
    modified = _datetime()
    repo_forks = serializers.IntegerField()
    repo_description = serializers.CharField()
    pypi_url = serializers.CharField(help_text="May be empty.")
    documentation_url = serializers.CharField(allow_null=True)
    repo_watchers = serializers.IntegerField(help_text="Stars.")
    commits_over_52 = serializers.ListField(
        child=serializers.IntegerField(), help_text="Commits per week, oldest first."
    )
    participants = _strings("Contributors' accounts, in contribution order.")


class V4GridSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    is_locked = serializers.BooleanField()
    packages = _strings("Absolute links to the grid's packages (API v4).")
    header = serializers.BooleanField()
    created = _datetime()
    modified = _datetime()


class V4CategorySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    title_plural = serializers.CharField()
    show_pypi = serializers.BooleanField()
    created = _datetime()
    modified = _datetime()


class V4SearchItemSerializer(serializers.Serializer[Any]):
    description = serializers.CharField()
    title = serializers.CharField()
    title_no_prefix = serializers.CharField(help_text="The title again, for old clients.")
    slug_no_prefix = serializers.CharField(help_text="The slug again, for old clients.")
    clean_title = serializers.CharField(help_text="The title again, for old clients.")
    absolute_url = serializers.CharField(help_text="The web page (a path).")
    created = _datetime()
    modified = _datetime()
    weight = serializers.IntegerField()
    item_type = serializers.ChoiceField(choices=["package", "grid"])
    slug = serializers.CharField()
    category = serializers.CharField(help_text="The category's title; empty for a grid.")
    repo_watchers = serializers.IntegerField()
    repo_forks = serializers.IntegerField()
    pypi_downloads = serializers.IntegerField(
        help_text="Downloads in the last 30 days (pypistats.org, without mirrors); 0 when unknown."
    )
    score = serializers.IntegerField()
    usage = serializers.IntegerField()
    participants = serializers.CharField(help_text="Contributors' accounts, comma-separated.")
    last_committed = _datetime(null=True)
    last_released = _datetime(null=True)


V4RootSerializer = _links(
    "V4RootSerializer",
    packages="Absolute link to the package list.",
    search="Absolute link to search.",
    grids="Absolute link to the grid list.",
    categories="Absolute link to the category list.",
)

# --- API v5 ----------------------------------------------------------------------------


class V5HealthFactorSerializer(serializers.Serializer[Any]):
    axis = serializers.CharField(
        help_text=f'One of the axes ({", ".join(AXES)}), or "lifecycle" for the lifecycle\'s cap.'
    )
    name = serializers.CharField()
    value = serializers.JSONField(help_text="The measured fact (a number, text or list).")
    points = serializers.IntegerField()
    max_points = serializers.IntegerField()
    explanation = serializers.CharField()


class V5HealthAxesSerializer(serializers.Serializer[Any]):
    maintenance = serializers.IntegerField(min_value=0, max_value=100)
    popularity = serializers.IntegerField(min_value=0, max_value=100)
    quality = serializers.IntegerField(min_value=0, max_value=100)
    compatibility = serializers.IntegerField(min_value=0, max_value=100)


class V5HealthSerializer(serializers.Serializer[Any]):
    score = serializers.IntegerField(min_value=0, max_value=100)
    model = serializers.CharField(help_text="The version of the health model.")
    lifecycle = serializers.ChoiceField(choices=Lifecycle.values)
    lifecycle_reason = serializers.CharField()
    axes = V5HealthAxesSerializer()
    factors = V5HealthFactorSerializer(many=True)


class V5AdvisorySerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text='The advisory id, e.g. "GHSA-…" or "PYSEC-…".')
    aliases = _strings('Other ids, e.g. "CVE-…".')
    summary = serializers.CharField()
    fixed_in = _strings("The versions that fix it.")
    link = serializers.CharField(help_text="May be empty.")


class V5ReleaseSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    uploaded = _datetime(null=True)
    yanked = serializers.BooleanField()


class V5FetchStateSerializer(serializers.Serializer[Any]):
    last_success = _datetime(null=True)
    checked = _datetime(null=True, help_text="When the source was last asked.")
    last_error = serializers.CharField(allow_null=True, help_text="Null when it last succeeded.")
    last_error_at = _datetime(null=True)
    error_count = serializers.IntegerField(help_text="Failures in a row.")


class V5DependencySerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="The project name as the requirement writes it.")
    specifier = serializers.CharField(help_text='The version specifier, "" when none.')
    markers = serializers.CharField(
        allow_null=True, help_text="The environment markers, null when unconditional."
    )
    package = serializers.CharField(
        allow_null=True, help_text="Slug of the directory's package it names, null when none."
    )


class V5PackageSerializer(V4PackageSerializer):
    """Every API v4 key, as v4 has it, then the health facts."""

    health = V5HealthSerializer(allow_null=True, help_text="Null until first scored.")
    compatibility = serializers.DictField(
        child=serializers.DictField(child=_strings()),
        help_text=(
            'Product ("django", "python", "wagtail") -> version -> the sources that say '
            "the package supports it, oldest version first."
        ),
    )
    advisories = V5AdvisorySerializer(many=True)
    latest_release = V5ReleaseSerializer(allow_null=True)
    license = serializers.CharField(allow_null=True, help_text="Null when unknown.")
    reviewed = serializers.BooleanField(
        help_text="False for a package found on PyPI by discovery that no person reviewed yet."
    )
    usage_count = serializers.IntegerField(help_text="People who use it.")
    favorite_count = serializers.IntegerField(help_text="People who favour it.")
    releases = serializers.CharField(help_text="Absolute link to its releases (API v5).")
    fetch = serializers.DictField(
        child=V5FetchStateSerializer(),
        help_text='Per source ("github", "gitlab", "pypi", "github_ci", "repository", ...).',
    )
    dependencies = V5DependencySerializer(
        many=True, help_text="The latest release's requirements (`requires_dist`), in order."
    )
    dependents_count = serializers.IntegerField(
        help_text="How many packages of the directory require this one outside an extra."
    )


class V5LinkedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    url = serializers.CharField(help_text="Absolute link (API v5).")


class V5GridPackageSerializer(V5LinkedSerializer):
    title = serializers.CharField()


class V5FeatureSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()


class V5CellSerializer(serializers.Serializer[Any]):
    feature = serializers.IntegerField(help_text="The feature's id.")
    package = serializers.IntegerField(help_text="The package's id.")
    text = serializers.CharField(help_text="Markdown; may be empty.")


class V5GridSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    is_locked = serializers.BooleanField()
    is_featured = serializers.BooleanField()
    created = _datetime()
    modified = _datetime()
    packages = V5GridPackageSerializer(many=True, help_text="By title.")
    features = V5FeatureSerializer(many=True)
    url = serializers.CharField()


class V5GridDetailSerializer(V5GridSerializer):
    cells = V5CellSerializer(many=True, help_text="The cells that have been filled in.")


class V5CategorySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    title_plural = serializers.CharField()
    description = serializers.CharField()
    show_pypi = serializers.BooleanField()
    package_count = serializers.IntegerField()
    packages = serializers.CharField(help_text="Absolute link to its packages (API v5).")
    created = _datetime()
    modified = _datetime()
    url = serializers.CharField()


class V5ReleaseItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    package = V5LinkedSerializer()
    version = serializers.CharField()
    uploaded = _datetime(null=True)
    yanked = serializers.BooleanField()
    yanked_reason = serializers.CharField()
    requires_python = serializers.CharField()
    is_prerelease = serializers.BooleanField()
    url = serializers.CharField()


class V5PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    date_joined = _datetime()
    github_account = serializers.CharField()
    gitlab_url = serializers.CharField()
    bitbucket_url = serializers.CharField()
    packages_added = V5LinkedSerializer(many=True)
    grids = V5LinkedSerializer(many=True, help_text="The grids they made.")
    url = serializers.CharField()


class V5SearchItemSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=["package", "grid"])
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    weight = serializers.IntegerField()
    health_score = serializers.IntegerField(allow_null=True)
    lifecycle = serializers.ChoiceField(choices=Lifecycle.values, allow_null=True)
    reviewed = serializers.BooleanField(
        help_text="False for a package found on PyPI by discovery that no person reviewed "
        "yet (always true for grids)."
    )
    url = serializers.CharField()


class V5SearchSerializer(serializers.Serializer[Any]):
    results = V5SearchItemSerializer(many=True, help_text="At most 20, best first.")


class V5CompareSerializer(serializers.Serializer[Any]):
    packages = V5PackageSerializer(many=True, help_text="In the order given.")
    not_found = _strings("Slugs no package has.")


V5RootSerializer = _links(
    "V5RootSerializer",
    packages="Absolute link to the package list.",
    releases="Absolute link to the release list.",
    grids="Absolute link to the grid list.",
    categories="Absolute link to the category list.",
    users="Absolute link to the people list.",
    search="Absolute link to search.",
    compare="Absolute link to compare.",
)

# --- API v3 ----------------------------------------------------------------------------
# Keys in alphabetical order, as tastypie wrote them; links are paths, not absolute.


class V3CategorySerializer(serializers.Serializer[Any]):
    absolute_url = serializers.CharField()
    created = _datetime()
    description = serializers.CharField()
    modified = _datetime()
    resource_uri = serializers.CharField()
    show_pypi = serializers.BooleanField()
    slug = serializers.CharField()
    title = serializers.CharField()
    title_plural = serializers.CharField()


class V3GridSerializer(serializers.Serializer[Any]):
    absolute_url = serializers.CharField()
    created = _datetime()
    description = serializers.CharField()
    header = serializers.BooleanField()
    is_locked = serializers.BooleanField()
    modified = _datetime()
    packages = _strings("Paths of the grid's packages (API v3), by package title.")
    resource_uri = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()


class V3PackageSerializer(serializers.Serializer[Any]):
    absolute_url = serializers.CharField()
    category = serializers.CharField(help_text="Path of the category (API v3).")
    commit_list = serializers.CharField(help_text="52 weekly commit counts, comma-separated.")
    commits_over_52 = serializers.CharField(help_text="The same as commit_list.")
    created = _datetime()
    created_by = serializers.CharField(allow_null=True, help_text="Path of the user, or null.")
    documentation_url = serializers.CharField(allow_null=True)
    grids = _strings("Paths of the package's grids (API v3).")
    last_fetched = _datetime(null=True)
    last_modified_by = serializers.CharField(allow_null=True, help_text="A GitHub account.")
    modified = _datetime()
    participants = serializers.CharField(help_text="Contributors' accounts, comma-separated.")
    pypi_url = serializers.CharField()
    pypi_version = serializers.CharField(allow_null=True)
    repo_description = serializers.CharField()
    repo_forks = serializers.IntegerField()
    repo_url = serializers.CharField()
    repo_watchers = serializers.IntegerField()
    resource_uri = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()
    usage_count = serializers.IntegerField()


class V3UserSerializer(serializers.Serializer[Any]):
    absolute_url = serializers.CharField()
    bitbucket_url = serializers.CharField()
    created = _datetime()
    date_joined = _datetime()
    github_account = serializers.CharField()
    gitlab_url = serializers.CharField()
    last_login = _datetime(null=True)
    modified = _datetime()
    packages = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Paths of the packages they contribute to; only with ?list_packages=1.",
    )
    resource_uri = serializers.CharField()
    username = serializers.CharField()


class V3MetaSerializer(serializers.Serializer[Any]):
    limit = serializers.IntegerField()
    next = serializers.CharField(allow_null=True, help_text="A path, relative to the host.")
    offset = serializers.IntegerField()
    previous = serializers.CharField(allow_null=True, help_text="A path, relative to the host.")
    total_count = serializers.IntegerField()


class V3GridPackagesSerializer(serializers.Serializer[Any]):
    grid = V3GridSerializer()
    meta = V3MetaSerializer()
    objects = V3PackageSerializer(many=True)


V3RootSerializer = _links(
    "V3RootSerializer",
    categories="Path of the category list.",
    grids="Path of the grid list.",
    packages="Path of the package list.",
    users="Path of the user list.",
)


def legacy_envelope_schema(objects: dict[str, Any], *, category: bool) -> dict[str, Any]:
    """The JSON schema of a v3 page: `meta` and `objects`, plus the package list's
    always-null `category`."""
    link = {"type": ["string", "null"], "description": "A path, relative to the host."}
    meta = {
        "type": "object",
        "required": ["limit", "next", "offset", "previous", "total_count"],
        "properties": {
            "limit": {"type": "integer"},
            "next": link,
            "offset": {"type": "integer"},
            "previous": link,
            "total_count": {"type": "integer"},
        },
    }
    properties: dict[str, Any] = {"meta": meta, "objects": objects}
    if category:
        properties = {"category": {"type": "null"}, **properties}
    return {"type": "object", "required": list(properties), "properties": properties}


def page_envelope_schema(results: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of a v4 or v5 page, in OpenAPI 3.1 terms (DRF's own uses 3.0's
    `nullable`): `count`, absolute `next` and `previous` links or null, `results`."""
    link = {"type": ["string", "null"], "format": "uri"}
    properties = {"count": {"type": "integer"}, "next": link, "previous": link, "results": results}
    return {"type": "object", "required": list(properties), "properties": properties}


def cursor_envelope_schema(results: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of a v5 cursor page: absolute `next` and `previous` links or null,
    and `results`."""
    link = {"type": ["string", "null"], "format": "uri"}
    properties = {"next": link, "previous": link, "results": results}
    return {"type": "object", "required": list(properties), "properties": properties}


def document_refused_requests(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Adds to every operation the 400 that `packagegrid.lib.nul` answers, before any
    view, to a request whose address or query string holds a NUL character, to API
    operations their 429 and 401, and to API GETs their 304 (a drf-spectacular
    postprocessing hook)."""
    refused: dict[str, Any] = {
        "description": "The address or query string holds a NUL character.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
    rate_headers = {
        name: {"schema": {"type": "integer"}, "description": text}
        for name, text in [
            ("RateLimit-Limit", "Requests allowed in the window."),
            ("RateLimit-Remaining", "Requests left in the window."),
            ("RateLimit-Reset", "Seconds until the window ends."),
        ]
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    throttled = {
        "description": "Over the rate limit; retry after `Retry-After` seconds.",
        "headers": {**rate_headers, "Retry-After": {"schema": {"type": "integer"}}},
        "content": error,
    }
    bad_key = {"description": "An unknown or revoked API key.", "content": error}
    validators = {
        "ETag": {"schema": {"type": "string"}, "description": "A weak entity tag."},
        "Last-Modified": {
            "schema": {"type": "string"},
            "description": "When what the answer shows last changed (HTTP date).",
        },
    }
    not_modified = {
        "description": "Not modified: the `If-None-Match` (or `If-Modified-Since`) sent names "
        "the current answer. No body.",
        "headers": {**validators, **rate_headers},
    }
    for path, item in result["paths"].items():
        for method, operation in item.items():
            # The change feed is read by cursor and never validated.
            validated = path.startswith(("/api/v3/", "/api/v4/", "/api/v5/"))
            if method == "get" and validated and path != "/api/v5/changes/":
                operation["responses"].setdefault("304", not_modified)
            answers = operation["responses"]
            if "400" in answers:  # the operation's own 400, and the NUL refusal
                answers["400"]["description"] += f" Or: {refused['description']}"
                answers["400"].setdefault("content", {}).update(refused["content"])
            else:
                answers["400"] = refused
            if path.startswith(("/api/v3/", "/api/v4/", "/api/v5/")):
                operation["responses"].setdefault("429", throttled)
                operation["responses"].setdefault("401", bad_key)
    return result


# --- Parameters ---------------------------------------------------------------------------


def id_or_slug(name: str = "id") -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        pattern=r"^[-\w]+$",
        description="The id, or the slug.",
    )


def v3_slug(name: str = "slug", what: str = "slug") -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-\w]+$", description=what
    )


SEARCH_QUERY = OpenApiParameter(
    "q", OpenApiTypes.STR, OpenApiParameter.QUERY, description="The words to look for."
)
V3_CATEGORY = OpenApiParameter(
    "category",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="A category's slug: only its packages (every package for an unknown slug).",
)
V3_LIST_PACKAGES = OpenApiParameter(
    "list_packages",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Any non-empty value adds each person's `packages`.",
)
RELEASE_PACKAGE = OpenApiParameter(
    "package",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="A package's id or slug: only its releases.",
)
COMPARE_PACKAGES = OpenApiParameter(
    "packages",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="Comma-separated package slugs, at most 25.",
)


# --- API v5's change feed ---------------------------------------------------------------


# Built with type(): a `fields` attribute would shadow Serializer.fields.
V5ChangeSerializer: type[serializers.Serializer[Any]] = type(
    "V5ChangeSerializer",
    (serializers.Serializer,),
    {
        "kind": serializers.ChoiceField(
            choices=["package", "release", "grid", "feature", "cell", "category"]
        ),
        "id": serializers.IntegerField(help_text="The changed object's id."),
        "action": serializers.ChoiceField(choices=["create", "update", "delete"]),
        "fields": _strings(help_text="The changed fields; [] on a delete."),
        "at": _datetime(),
        "cursor": serializers.CharField(help_text="Reads on after this change."),
    },
)


class V5ChangesSerializer(serializers.Serializer[Any]):
    cursor = serializers.CharField(help_text="Pass back as `after` to read on.")
    has_more = serializers.BooleanField()
    next = serializers.CharField(help_text="Absolute link to the next answer.")
    results = V5ChangeSerializer(many=True, help_text="Oldest first.")


CHANGES_PARAMETERS = [
    OpenApiParameter(
        "after",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="A `cursor` from an earlier answer; none: from the oldest change kept.",
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": 1000},
        OpenApiParameter.QUERY,
        description="Changes per answer, 1 to 1000 (default 100).",
    ),
]
GONE = OpenApiResponse(
    ErrorSerializer, description="The cursor is older than the changes kept: resynchronise."
)
