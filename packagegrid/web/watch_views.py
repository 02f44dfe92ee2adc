"""Views of watching: the watch buttons of package and grid pages, the watch list with
its settings, the private Atom feed and the one-click unsubscribe of the digest.

Every state change is a POST with CSRF, but for the unsubscribe link: mail clients POST
it without a token (RFC 8058), so its signed token is what authorises it, and its GET
only shows a button.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from packagegrid.lib.auth import login_first, signed_in_user
from packagegrid.lib.htmx import HtmxHttpRequest
from packagegrid.lib.redirects import safe_next
from packagegrid.watching.forms import DigestForm
from packagegrid.watching.models import WatchSettings
from packagegrid.watching.selectors import (
    WatchEvent,
    watch_events,
    watch_list,
    watch_settings_for_feed,
)
from packagegrid.watching.services import (
    digest_unsubscribe,
    feed_token_regenerate,
    unsubscribe_user,
    watch_settings_update,
    watch_toggle,
)
from packagegrid.web.community_forms import ToggleForm
from packagegrid.web.limits import rate_limit
from packagegrid.web.permissions import get_grid_for_member, get_package_for_member

WATCH_TOGGLES_PER_HOUR = 120
FEED_TOKENS_PER_HOUR = 10


def _toggled(
    request: HtmxHttpRequest, *, action: str, on: bool, back: str, done: str
) -> HttpResponse:
    """htmx gets the button again; a plain form post goes back where it came from."""
    if request.htmx:
        context = {"action": action, "on": on, "back": back}
        return render(request, "web/includes/watch_toggle.html", context)
    messages.success(request, done)
    return redirect(safe_next(request, default=back))


@require_POST
@login_first
@rate_limit("watch-toggle", limit=WATCH_TOGGLES_PER_HOUR)
def package_watch(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    package, user = get_package_for_member(request, slug)
    form = ToggleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected on=on or on=off.")
    on = watch_toggle(user=user, package=package, on=form.cleaned_data["on"])
    done = f"You {'now watch' if on else 'no longer watch'} {package.title}."
    action = reverse("package-watch", kwargs={"slug": slug})
    return _toggled(request, action=action, on=on, back=package.get_absolute_url(), done=done)


@require_POST
@login_first
@rate_limit("watch-toggle", limit=WATCH_TOGGLES_PER_HOUR)
def grid_watch(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    grid, user = get_grid_for_member(request, slug)
    form = ToggleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected on=on or on=off.")
    on = watch_toggle(user=user, grid=grid, on=form.cleaned_data["on"])
    done = f"You {'now watch' if on else 'no longer watch'} the grid {grid.title}."
    action = reverse("grid-watch", kwargs={"slug": slug})
    return _toggled(request, action=action, on=on, back=grid.get_absolute_url(), done=done)


@require_http_methods(["GET", "HEAD", "POST"])
@login_first
def watching(request: HttpRequest) -> HttpResponse:
    """What the person watches, and how they hear about it (the digest form posts here)."""
    user = signed_in_user(request)
    page = watch_list(user=user)
    form = DigestForm(
        request.POST if request.method == "POST" else None,
        initial={"digest": page.settings.digest},
    )
    if form.is_valid():
        watch_settings_update(user=user, digest=form.cleaned_data["digest"])
        messages.success(request, "Your digest setting is saved.")
        return redirect("watching")
    feed_url = (
        settings.SITE_URL + reverse("watch-feed", kwargs={"token": page.settings.feed_token})
        if page.settings.pk
        else ""
    )
    context = {"page": page, "form": form, "feed_url": feed_url}
    return render(request, "watching/watching.html", context, status=400 if form.errors else 200)


@require_POST
@login_first
@rate_limit("feed-token", limit=FEED_TOKENS_PER_HOUR)
def watch_feed_token(request: HttpRequest) -> HttpResponse:
    """Make the private feed's secret (anew: the old feed URL stops working)."""
    feed_token_regenerate(user=signed_in_user(request))
    messages.success(request, "Your private feed has a new address; the old one no longer works.")
    return redirect("watching")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def watch_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a button that confirms. POST (the button, or a mail client's one-click
    `List-Unsubscribe=One-Click`): stop the digests. 404 for a token that is not ours."""
    user = unsubscribe_user(token=token)
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    done = request.method == "POST"
    if done:
        digest_unsubscribe(user=user)
    return render(request, "watching/unsubscribe.html", {"done": done, "email": user.email})


class WatchFeed(Feed[WatchEvent, WatchSettings]):
    """A person's private Atom feed of what happened to what they watch (the events of
    the digest). Its URL holds a secret token, so it needs no login; a wrong token is 404."""

    feed_type = Atom1Feed
    title = "packagegrid: what you watch"
    subtitle = "New releases, lifecycle changes, advisories and grid edits of what you watch."

    def get_object(self, request: HttpRequest, token: str) -> WatchSettings:
        found = watch_settings_for_feed(token=token)
        if found is None:
            raise Http404("No such feed.")
        return found

    def link(self) -> str:
        return settings.SITE_URL + reverse("watching")

    def items(self, obj: WatchSettings) -> list[WatchEvent]:
        return watch_events(user=obj.user, since=None, until=timezone.now()).events

    def item_title(self, item: WatchEvent) -> str:
        return item.title

    def item_description(self, item: WatchEvent) -> str:
        return item.detail

    def item_link(self, item: WatchEvent) -> str:
        return settings.SITE_URL + item.path

    def item_guid(self, item: WatchEvent) -> str:
        return f"{settings.SITE_URL}/watching/#{item.guid}"

    def item_guid_is_permalink(self, item: WatchEvent) -> bool:
        return False

    def item_pubdate(self, item: WatchEvent) -> datetime:
        return item.at

    def item_categories(self, item: WatchEvent) -> list[str]:
        return [item.kind]
