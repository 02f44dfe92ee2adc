"""`/api/v5/changes/`: paging by cursor, bad input, expired cursors, query counts.

The tests commit their writes (`transaction=True`): on PostgreSQL the feed lists a change
only once its transaction and every older one ended, which a test's own open
transaction never does.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from packagegrid.catalog.models import Category
from packagegrid.changes.models import Change
from packagegrid.changes.selectors import Position
from packagegrid.changes.services import changes_prune
from packagegrid.conftest import make_category

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.cluster_alone]

URL = "/api/v5/changes/"


def _read_all(client: Any, *, limit: int, after: str = "") -> tuple[list[dict[str, Any]], str]:
    seen: list[dict[str, Any]] = []
    while True:
        body = client.get(URL, {"after": after, "limit": limit}).json()
        seen += body["results"]
        after = body["cursor"]
        if not body["has_more"]:
            return seen, after


def test_it_lists_each_change_once_across_pages_and_resumes_from_the_cursor(client: Any) -> None:
    categories = [make_category() for _ in range(5)]
    categories[0].description = "Edited"
    categories[0].save(update_fields=["description"])
    seen, cursor = _read_all(client, limit=2)
    assert [(c["kind"], c["id"], c["action"]) for c in seen] == [
        *(("category", c.pk, "create") for c in categories),
        ("category", categories[0].pk, "update"),
    ]
    assert seen[-1]["fields"] == ["description"]
    assert seen[-1]["cursor"] == cursor

    categories[1].delete()
    again = client.get(URL, {"after": cursor}).json()
    assert [(c["kind"], c["action"]) for c in again["results"]] == [("category", "delete")]
    assert client.get(URL, {"after": again["cursor"]}).json()["results"] == []


def test_an_empty_feed_hands_back_the_cursor_it_was_given(client: Any) -> None:
    body = client.get(URL).json()
    assert body["results"] == [] and body["has_more"] is False
    assert client.get(URL, {"after": body["cursor"]}).json()["cursor"] == body["cursor"]


@pytest.mark.parametrize(
    "params",
    [
        {"after": "nonsense"},
        {"after": "YzEuMS54"},  # "c1.1.x": not two numbers
        {"after": "YzEuOTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ=="},  # a number beyond a bigint
        {"after": "%%%"},
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "many"},
    ],
)
def test_bad_input_is_a_400(client: Any, params: dict[str, str]) -> None:
    make_category()
    response = client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) <= {"after", "limit"}


def test_a_cursor_older_than_the_retention_is_gone(client: Any) -> None:
    make_category()
    at_start = client.get(URL).json()["cursor"]  # read while the feed had one change
    make_category()
    after_first = client.get(URL, {"limit": 1}).json()["cursor"]
    Change.objects.filter(pk=Change.objects.order_by("id")[0].pk).update(
        at=timezone.now() - timedelta(days=200)
    )
    make_category()

    assert changes_prune(days=90) == 1
    assert changes_prune(days=90) == 0

    assert len(client.get(URL, {"after": after_first}).json()["results"]) == 2
    assert len(client.get(URL).json()["results"]) == 2  # no cursor: the oldest kept
    assert client.get(URL, {"after": at_start}).status_code == 200  # nothing after it pruned
    gone = client.get(URL, {"after": Position(0, 0).encode()})
    assert gone.status_code == 410
    assert "dump" in gone.json()["detail"]


@pytest.mark.parametrize("count", [3, 30])
def test_it_takes_the_same_queries_for_any_number_of_changes(
    client: Any, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        Category.objects.create(title=f"C{n}", slug=f"c{n}")
    cursor = client.get(URL, {"limit": 1}).json()["cursor"]
    with django_assert_num_queries(2):  # the pruning horizon and the page
        response = client.get(URL, {"after": cursor, "limit": 1000})
    assert len(response.json()["results"]) == count - 1
