"""`/webhooks/` for people, and approval in the admin for staff."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from packagegrid.webhooks.models import Delivery, Subscription
from packagegrid.webhooks.tests.conftest import approved_subscription

pytestmark = pytest.mark.django_db

URL = "/webhooks/"


def test_it_asks_an_anonymous_visitor_to_log_in(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert (
        client.post(URL, {"url": "http://127.0.0.1/", "events": ["grid.changed"]}).status_code
        == 302
    )
    assert not Subscription.objects.exists()


def test_a_request_shows_the_secret_once_and_waits_for_staff(client: Any) -> None:
    alice = User.objects.create_user("alice")
    client.force_login(alice)
    response = client.post(
        URL, {"url": "http://127.0.0.1:9/hook", "events": ["grid.changed", "release.created"]}
    )
    subscription = Subscription.objects.get(user=alice)
    assert response.status_code == 200
    assert subscription.secret in response.content.decode()
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.events == ["grid.changed", "release.created"]
    again = client.get(URL).content.decode()
    assert subscription.secret not in again and "Waiting for staff" in again


@pytest.mark.parametrize(
    "data",
    [
        {"url": "gopher://127.0.0.1/", "events": ["grid.changed"]},
        {"url": "http://127.0.0.1/", "events": []},
        {"url": "http://127.0.0.1/", "events": ["everything"]},
        {"url": "x" * 600, "events": ["grid.changed"]},
    ],
)
def test_a_bad_request_is_a_400_with_nothing_saved(client: Any, data: dict[str, Any]) -> None:
    client.force_login(User.objects.create_user("alice"))
    assert client.post(URL, data).status_code == 400
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("count", [1, 6])
def test_it_takes_the_same_queries_for_any_number_of_subscriptions(
    client: Any, count: int, django_assert_num_queries: Any
) -> None:
    alice = User.objects.create_user("alice")
    for n in range(count):
        Subscription.objects.create(
            user=alice, url=f"http://127.0.0.1/{n}", events=["grid.changed"]
        )
    client.force_login(alice)
    with django_assert_num_queries(3):  # session, user, subscriptions
        response = client.get(URL)
    assert response.content.decode().count("http://127.0.0.1/") == count


def test_staff_approve_in_the_admin(client: Any) -> None:
    staff = User.objects.create_user("staff", is_staff=True, is_superuser=True)
    asked = Subscription.objects.create(
        user=User.objects.create_user("alice"), url="http://127.0.0.1/", events=["grid.changed"]
    )
    client.force_login(staff)
    response = client.post(
        "/admin/webhooks/subscription/",
        {"action": "approve", "_selected_action": [asked.pk]},
        follow=True,
    )
    assert "Approved 1 subscription" in response.content.decode()
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (Subscription.Status.APPROVED, staff)


def test_staff_read_the_delivery_log(client: Any) -> None:
    hook = approved_subscription("http://127.0.0.1:9/hook", ["package.created"])
    Delivery.objects.create(
        subscription=hook, event="package.created", payload={}, attempts=3, response_code=503
    )
    client.force_login(User.objects.create_user("boss", is_staff=True, is_superuser=True))
    page = client.get("/admin/webhooks/delivery/").content.decode()
    assert "503" in page and "package.created" in page
