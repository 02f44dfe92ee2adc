"""The permission helpers: who may act on packages and flags."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from packagegrid.catalog.models import Flag
from packagegrid.conftest import make_package, make_user
from packagegrid.lib.htmx import HtmxHttpRequest
from packagegrid.web.permissions import (
    get_flag_for_moderator,
    get_package_for_deleter,
    get_package_for_member,
    login_first,
)

pytestmark = pytest.mark.django_db


def _request(
    user: User | AnonymousUser, method: str = "get", path: str = "/x/", **extra: Any
) -> HtmxHttpRequest:
    request: HtmxHttpRequest = getattr(RequestFactory(), method)(path, **extra)
    request.user = user
    request.htmx = HtmxDetails(request)  # as HtmxMiddleware sets it
    return request


def test_it_lets_members_act_on_packages_and_not_anonymous_people() -> None:
    package, alice = make_package(slug="p1"), make_user("alice")
    assert get_package_for_member(_request(alice), "p1") == (package, alice)
    with pytest.raises(PermissionDenied):
        get_package_for_member(_request(AnonymousUser()), "p1")
    with pytest.raises(Http404):
        get_package_for_member(_request(alice), "missing")


def test_it_lets_only_staff_delete_packages_and_resolve_flags() -> None:
    package, alice = make_package(slug="p1"), make_user("alice")
    staff = make_user("staff", staff=True)
    flag = Flag.objects.create(package=package, user=alice, reason="spam")
    assert get_package_for_deleter(_request(staff), "p1") == (package, staff)
    assert get_flag_for_moderator(_request(staff), flag.pk) == (flag, staff)
    people: list[User | AnonymousUser] = [alice, AnonymousUser()]
    for person in people:
        with pytest.raises(PermissionDenied):
            get_package_for_deleter(_request(person), "p1")
        with pytest.raises(PermissionDenied):
            get_flag_for_moderator(_request(person), flag.pk)
    with pytest.raises(Http404):
        get_flag_for_moderator(_request(staff), flag.pk + 1)


def test_it_sends_a_post_back_to_the_page_it_came_from_after_login() -> None:
    view = login_first(lambda request: HttpResponse("ok"))
    response = view(_request(AnonymousUser(), "post", data={"next": "/packages/p/x/"}))
    assert response["Location"] == "/accounts/login/?next=/packages/p/x/"
    response = view(_request(AnonymousUser(), "post", HTTP_REFERER="http://testserver/grids/"))
    assert response["Location"] == "/accounts/login/?next=http%3A//testserver/grids/"
    response = view(_request(AnonymousUser(), "post", data={"next": "https://evil.example/"}))
    assert response["Location"] == "/accounts/login/?next=/"
    response = view(_request(AnonymousUser(), "get", path="/a/?b=1"))
    assert response["Location"] == "/accounts/login/?next=/a/%3Fb%3D1"
    assert view(_request(make_user(), "post")).content == b"ok"
