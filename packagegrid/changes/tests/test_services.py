"""Pruning the change log and the command that runs it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from packagegrid.changes.models import Change, ChangeHorizon
from packagegrid.changes.services import change_record, changes_prune

pytestmark = pytest.mark.django_db


def _changes(count: int, *, age_days: int) -> list[int]:
    for n in range(count):
        change_record(kind="category", object_id=n + 1, action="create")
    ids = list(Change.objects.order_by("-id").values_list("id", flat=True)[:count])
    Change.objects.filter(id__in=ids).update(at=timezone.now() - timedelta(days=age_days))
    return ids


def test_it_deletes_only_changes_older_than_the_retention_and_remembers_the_horizon() -> None:
    old = _changes(3, age_days=100)
    kept = _changes(2, age_days=10)
    assert changes_prune(days=90) == 3
    assert sorted(Change.objects.values_list("id", flat=True)) == sorted(kept)
    horizon = ChangeHorizon.objects.get()
    assert horizon.change_id == max(old)
    assert changes_prune(days=90) == 0


@override_settings(CHANGES_RETENTION_DAYS=0)
def test_a_retention_of_zero_keeps_everything() -> None:
    _changes(2, age_days=1000)
    assert changes_prune() == 0
    assert Change.objects.count() == 2


@override_settings(CHANGES_RETENTION_DAYS=30)
def test_the_command_prunes_by_the_setting_or_the_days_given() -> None:
    _changes(1, age_days=40)
    _changes(1, age_days=20)
    out = StringIO()
    call_command("prune_changes", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 change(s)."
    call_command("prune_changes", "--days", "10", stdout=out)
    assert "Deleted 1 change(s)." in out.getvalue().splitlines()[-1]
    assert Change.objects.count() == 0
