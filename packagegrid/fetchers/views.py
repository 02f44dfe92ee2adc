"""HTTP entry points that start fetches: the GitHub webhook and the refresh button."""

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from packagegrid.catalog.models import Package
from packagegrid.fetchers.services import RefreshRefused, package_request_refresh
from packagegrid.fetchers.tasks import enqueue_package_fetch
from packagegrid.lib.repo_urls import InvalidRepoURL, parse_repo_url


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

    403 for a missing or wrong signature (or no secret configured); 400 for a body that
    is not a repository event; 202 with the number of packages enqueued otherwise.
    """
    if not _signature_valid(request):
        return JsonResponse({"detail": "Invalid or missing signature."}, status=403)
    if request.headers.get("X-GitHub-Event") == "ping":
        return JsonResponse({"detail": "pong"})
    try:
        payload = json.loads(request.body)
        repo = parse_repo_url(payload["repository"]["html_url"])
    except (ValueError, KeyError, TypeError, InvalidRepoURL):
        return JsonResponse({"detail": "Expected a repository event."}, status=400)
    package_ids = list(
        Package.objects.filter(
            repo_url__iregex=rf"^https?://(www\.)?{repo.netloc}/{repo.path}/?$"
        ).values_list("pk", flat=True)
    )
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
