"""Views of profiles: the public page, the owner's edit form, and "my profile"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from packagegrid.accounts.api_keys import api_key_create, api_key_revoke, api_keys_of
from packagegrid.accounts.forms import ProfileForm
from packagegrid.accounts.permissions import get_profile_owner
from packagegrid.accounts.selectors import profile_of, profile_page
from packagegrid.accounts.services import PROFILE_FIELDS, profile_update
from packagegrid.lib.auth import login_first


@require_safe
def profile_detail(request: HttpRequest, account: str) -> HttpResponse:
    try:
        page = profile_page(account=account, viewer=request.user)
    except User.DoesNotExist:
        raise Http404("No such profile.") from None
    return render(request, "accounts/profile_detail.html", {"page": page})


@require_safe
@login_first
def my_profile(request: HttpRequest) -> HttpResponse:
    """Redirect to the logged-in person's profile page (the header links here, so that
    pages need no query for the profile's URL)."""
    user = get_profile_owner(request)
    profile = profile_of(user=user)
    return redirect("profile", account=profile.github_account or user.get_username())


@require_http_methods(["GET", "HEAD", "POST"])
@login_first
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = get_profile_owner(request)
    profile = profile_of(user=user)
    initial = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    form = ProfileForm(
        request.POST if request.method == "POST" else None, initial=initial, user=user
    )
    if form.is_valid():
        saved = profile_update(user=user, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect(reverse("profile", args=[saved.github_account or user.get_username()]))
    status = 400 if form.errors else 200
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_first
def api_keys(request: HttpRequest) -> HttpResponse:
    """The person's API keys; a POST makes one and shows it, this once."""
    user = get_profile_owner(request)
    new_key = error = ""
    status = 200
    if request.method == "POST":
        try:
            new_key = api_key_create(user=user, name=request.POST.get("name", "")[:100]).key
        except ValueError as refused:
            error, status = str(refused), 400
    context = {"keys": list(api_keys_of(user=user)), "new_key": new_key, "error": error}
    return render(request, "accounts/api_keys.html", context, status=status)


@require_http_methods(["POST"])
@login_first
def api_key_revoke_view(request: HttpRequest, key_id: int) -> HttpResponse:
    if not api_key_revoke(user=get_profile_owner(request), key_id=key_id):
        raise Http404("No such key.")
    messages.success(request, "The key is revoked.")
    return redirect("api-keys")
