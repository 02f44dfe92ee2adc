"""What the OpenAPI machinery needs from the API's views."""

from typing import Any


class ActionSchemaMixin:
    """For a viewset with an `@action` described by `@extend_schema`: its requests do not
    keep their view alive.

    drf-spectacular hands such a route a schema *class* in its `initkwargs`, and each
    request's view sets it as `schema`. REST framework's descriptor then writes
    `other.view = instance` onto that class, where the view, with its request, rows and
    answer, stays until the next request on the route: thousands of objects that outlive
    the request, then make a collection slow (the v5 dependents list's p99 tail). A served
    view has no use for that schema; schema generation sets one on each view it makes
    (`drf_spectacular.generators.SchemaGenerator.create_view`), so the schema is unchanged.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("schema", None)
        super().__init__(**kwargs)
