"""Tests for getting a server process ready (packagegrid.lib.warm)."""

import gc
import sys

from packagegrid.lib.warm import process_warm


def test_it_loads_the_urlconf_and_freezes_what_is_loaded() -> None:
    gc.unfreeze()
    try:
        process_warm()

        assert "packagegrid.urls" in sys.modules
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
