"""HTTP entry points that start fetches: the GitHub webhook and the refresh button."""

import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from packagegrid.catalog.models import Package
from packagegrid.catalog.selectors import package_ids_for_repo
from packagegrid.fetchers.refresh import RefreshRefused, package_request_refresh
from packagegrid.fetchers.tasks import enqueue_package_fetch
from packagegrid.fetchers.webhooks import (
    BadPayload,
    delivery_id_from_header,
    webhook_delivery_claim,
    webhook_repository,
)


def _signature_valid(request: HttpRequest) -> bool:
    secret = settings.GITHUB_WEBHOOK_SECRET
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not secret or not signature.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.removeprefix("sha256="), expected)


@csrf_exempt  # GitHub cannot send a CSRF token; the HMAC signature authenticates it.
@require_POST
def github_webhook(request: HttpRequest) -> HttpResponse:
    """Verify `X-Hub-Signature-256`, then enqueue a fetch of the packages of the repository.

    403 for a missing or wrong signature (or no secret configured); 400 for a missing
    `X-GitHub-Delivery` or a body that is not a repository event; 409 for a delivery id
    already handled within a day (a replay: nothing is enqueued); 202 with the number of
    packages enqueued otherwise. Packages are matched on their repository key.
    """
    if not _signature_valid(request):
        return JsonResponse({"detail": "Invalid or missing signature."}, status=403)
    try:
        delivery_id = delivery_id_from_header(request.headers.get("X-GitHub-Delivery"))
        if request.headers.get("X-GitHub-Event") == "ping":
            return JsonResponse({"detail": "pong"})
        repo = webhook_repository(request.body)
    except BadPayload as bad:
        return JsonResponse({"detail": str(bad)}, status=400)
    if not webhook_delivery_claim(delivery_id=delivery_id):
        return JsonResponse({"detail": "This delivery was already handled."}, status=409)
    package_ids = package_ids_for_repo(repo=repo)
    for package_id in package_ids:
        enqueue_package_fetch(package_id)
    return JsonResponse({"enqueued": len(package_ids)}, status=202)


@login_required
@require_POST
def refresh_package(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for a background refresh of a package (rate-limited per person and package)."""
    package = get_object_or_404(Package, slug=slug)
    try:
        package_request_refresh(package=package, user=request.user)
    except RefreshRefused as refused:
        messages.warning(request, str(refused))
    else:
        messages.success(request, f"A refresh of {package.title} is on its way.")
    return HttpResponseRedirect(package.get_absolute_url())
