"""Tests for getting a server process ready (packagegrid.lib.warm)."""

import gc
import sys
import weakref
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished, request_started
from django.test import Client

from packagegrid.lib.warm import process_warm, request_gc_install


class Node:
    """An object in a reference cycle, which only the collector frees."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def request_gc() -> Iterator[None]:
    request_gc_install()
    try:
        yield
    finally:
        request_started.disconnect(dispatch_uid="lib.warm.gc_collect")
        gc.enable()


def test_it_loads_the_urlconf_and_freezes_what_is_loaded(request_gc: None) -> None:
    gc.unfreeze()
    try:
        process_warm()

        assert "packagegrid.urls" in sys.modules
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


@pytest.mark.django_db
def test_it_collects_the_last_requests_cycles_when_the_next_starts(request_gc: None) -> None:
    request_started.send(sender=None)
    assert not gc.isenabled()  # no automatic collection while a request runs
    cycle = Node()
    ref = weakref.ref(cycle)
    del cycle
    request_finished.send(sender=None)
    assert ref() is not None  # only the collector can free it

    request_started.send(sender=None)

    assert ref() is None
    assert not gc.isenabled()


@pytest.mark.django_db
def test_it_serves_pages_with_automatic_collection_off(request_gc: None) -> None:
    client = Client()
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert not gc.isenabled()


def test_it_installs_its_handler_once(request_gc: None) -> None:
    request_gc_install()

    uids = [receiver[0][0] for receiver in request_started.receivers]
    assert uids.count("lib.warm.gc_collect") == 1
