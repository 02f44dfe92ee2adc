"""`lib.plans.IntegerLiteral`: a value the plan depends on, in the SQL."""

import pytest

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_package
from packagegrid.lib.plans import IntegerLiteral

pytestmark = pytest.mark.django_db


def test_an_integer_literal_is_written_into_the_sql_not_sent_as_a_parameter() -> None:
    wanted = make_package()
    make_package()
    found = Package.objects.filter(pk=IntegerLiteral(wanted.pk))

    sql, params = found.query.sql_with_params()

    assert f"= ({wanted.pk})" in sql
    assert wanted.pk not in params
    assert list(found) == [wanted]


def test_only_an_integer_becomes_a_literal() -> None:
    with pytest.raises(ValueError):
        IntegerLiteral("1; DROP TABLE catalog_package")  # type: ignore[arg-type]  # what the int() guards
