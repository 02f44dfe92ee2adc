"""gzip for the API's JSON, and for nothing else."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# The media types compressed: JSON, and the OpenAPI schema (JSON or YAML).
_COMPRESSED = {
    "application/json",
    "application/vnd.oai.openapi",
    "application/vnd.oai.openapi+json",
}


def is_api_json(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether `response` is JSON (or the schema) answered under `/api/`."""
    media_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return request.path.startswith("/api/") and media_type in _COMPRESSED


class ApiGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, applied only to JSON answered under `/api/`.

    HTML is left alone on purpose: a compressed page that carries a secret (the CSRF
    token of a form, the browsable API's included) next to text an attacker chooses is
    open to BREACH. The API's JSON carries no such secret. Django's own mitigation (random
    bytes in the gzip header) still applies.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_api_json(request, response):
            return response
        return super().process_response(request, response)
