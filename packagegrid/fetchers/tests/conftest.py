"""Fixtures of the fetcher tests."""

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from packagegrid.benchmarks.fake_providers import FakeProviders


@pytest.fixture
def providers(settings: Settings) -> Iterator[FakeProviders]:
    """Fake GitHub, PyPI and pypistats APIs on 127.0.0.1, with the settings pointing at them."""
    with FakeProviders() as fake:
        settings.GITHUB_API_URL = fake.url
        settings.PYPI_URL = fake.url
        settings.PYPISTATS_URL = fake.url
        yield fake
