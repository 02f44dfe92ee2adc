"""PyPI names from the URL forms found in real records."""

import pytest

from packagegrid.lib.pypi_names import normalize_pypi_name, pypi_name_from_url


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("http://pypi.python.org/pypi/django-chart-tools", "django-chart-tools"),
        ("https://pypi.org/project/openwisp-users/", "openwisp-users"),
        ("https://pypi.org/project/openwisp-users", "openwisp-users"),
        ("https://pypi.org/project/http://pypi.python.org/pypi/South/", "South"),
        ("django_filter", "django_filter"),
        ("", ""),
        ("https://example.com/", ""),
    ],
)
def test_it_reads_the_name_from_every_form(value: str, name: str) -> None:
    assert pypi_name_from_url(value) == name


def test_it_normalises_names_as_pep_503_does() -> None:
    assert normalize_pypi_name("Django_Filter.Extra") == "django-filter-extra"
