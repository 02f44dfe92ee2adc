"""`iso_local`: DRF's DateTimeField output, with or without the zone read by the caller."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from packagegrid.lib.timestamps import iso_local

MOMENT = datetime(2017, 3, 30, 9, 32, 33, 260750, tzinfo=UTC)


def test_it_writes_utc_with_a_z() -> None:
    assert iso_local(MOMENT) == "2017-03-30T09:32:33.260750Z"
    assert iso_local(MOMENT, timezone.get_current_timezone()) == "2017-03-30T09:32:33.260750Z"


def test_it_writes_the_current_time_zone_or_the_one_given() -> None:
    new_york = ZoneInfo("America/New_York")
    with timezone.override(new_york):
        assert iso_local(MOMENT) == "2017-03-30T05:32:33.260750-04:00"
        assert iso_local(MOMENT, timezone.get_current_timezone()) == iso_local(MOMENT)
    assert iso_local(MOMENT, new_york) == "2017-03-30T05:32:33.260750-04:00"


def test_none_stays_none_and_a_naive_time_is_refused() -> None:
    assert iso_local(None) is None
    with pytest.raises(ValueError, match="naive"):
        iso_local(datetime(2017, 3, 30, 9, 32, 33))  # noqa: DTZ001  # naive on purpose
