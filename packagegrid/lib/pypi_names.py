"""Read a PyPI project name out of the URL forms found in real records (ORM-free)."""

import re

# Matches `.../pypi/<name>`, `.../project/<name>` and `.../simple/<name>`; the last such
# segment wins, which also reads the malformed doubled URLs found in old records
# (`https://pypi.org/project/http://pypi.python.org/pypi/South/`).
_NAME_IN_URL = re.compile(r"/(?:pypi|project|simple)/(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")
_BARE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def pypi_name_from_url(value: str) -> str:
    """Return the project name from a PyPI URL or bare name; "" when there is none.

    >>> pypi_name_from_url("http://pypi.python.org/pypi/django-chart-tools")
    'django-chart-tools'
    >>> pypi_name_from_url("https://pypi.org/project/openwisp-users/")
    'openwisp-users'
    >>> pypi_name_from_url("django-filter")
    'django-filter'
    """
    value = value.strip()
    if not value:
        return ""
    matches = _NAME_IN_URL.findall(value)
    if matches:
        return str(matches[-1])
    if _BARE_NAME.match(value):
        return value
    return ""


def normalize_pypi_name(name: str) -> str:
    """PEP 503 normalisation: lower case, runs of `-_.` become one `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()
