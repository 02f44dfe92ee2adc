"""API v5's change feed: `GET /api/v5/changes/?after=<cursor>&limit=<n>`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from packagegrid.api.schema import BAD_REQUEST, CHANGES_PARAMETERS, GONE, V5ChangesSerializer
from packagegrid.changes.models import Change
from packagegrid.changes.selectors import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ChangePage,
    CursorExpired,
    InvalidCursor,
    Position,
    changes_after,
)

RESYNC_HINT = (
    "This cursor is older than the changes kept (CHANGES_RETENTION_DAYS). Load a fresh "
    "data dump, then read the feed from the cursor that comes with it, or from the start."
)


class ChangeOutputSerializer(serializers.ModelSerializer[Change]):
    id = serializers.IntegerField(source="object_id")
    cursor = serializers.SerializerMethodField()

    class Meta:
        model = Change
        fields = ["kind", "id", "action", "fields", "at", "cursor"]

    def get_cursor(self, change: Change) -> str:
        return Position(change.txid, change.pk).encode()


class ChangeFeedSerializer(serializers.Serializer[Any]):
    """The documentation of the feed's answer."""

    cursor = serializers.CharField(help_text="Pass it back as `after` for what follows.")
    has_more = serializers.BooleanField(help_text="More changes wait after this answer.")
    next = serializers.CharField(help_text="Absolute link to the changes that follow.")
    results = ChangeOutputSerializer(many=True)


class ChangesView(APIView):
    """Every create, update and delete of packages, releases, grids, features, cells and
    categories, oldest first, in commit order: a reader that passes each answer's
    `cursor` back as `after` sees every change exactly once.

    - `after`: an opaque cursor from an earlier answer (none: from the oldest change kept).
    - `limit`: changes per answer, 1 to 1000 (default 100).

    Each change has `kind`, the object's `id`, `action` (create, update or delete), the
    changed `fields`, `at` and its own `cursor`. An unknown cursor is a 400; a cursor older
    than the changes kept is a 410 Gone: resynchronise from a data dump.
    """

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        after = serializers.CharField(required=False, allow_blank=True, max_length=200)
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT
        )

        def validate_after(self, value: str) -> Position | None:
            try:
                return Position.decode(value) if value else None
            except InvalidCursor:
                raise serializers.ValidationError("Not a cursor of this feed.") from None

    @extend_schema(
        responses={200: V5ChangesSerializer, 400: BAD_REQUEST, 410: GONE},
        parameters=CHANGES_PARAMETERS,
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        after: Position | None = params.validated_data.get("after")
        try:
            page = changes_after(after=after, limit=params.validated_data["limit"])
        except CursorExpired:
            return Response({"detail": RESYNC_HINT}, status=status.HTTP_410_GONE)
        return Response(self._body(request, page, params.validated_data["limit"]))

    def _body(self, request: Request, page: ChangePage, limit: int) -> dict[str, Any]:
        cursor = page.position.encode()
        next_url = request.build_absolute_uri(f"{request.path}?after={cursor}&limit={limit}")
        return {
            "cursor": cursor,
            "has_more": page.has_more,
            "next": next_url,
            "results": ChangeOutputSerializer(page.changes, many=True).data,
        }
