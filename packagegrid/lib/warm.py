"""Getting a server process ready before its first request."""

import gc

from django.urls import get_resolver


def process_warm() -> None:
    """Load the URLconf (and with it every view module) now rather than on the first
    request, then move everything allocated so far out of the garbage collector's sight.

    A full collection otherwise walks the ~160,000 objects of the loaded code each time;
    measured in-process at 30,000 packages under load, one request in about fifteen then
    took 0.7 to 1.1 s instead of 0.2 s (none with the objects frozen).
    """
    get_resolver().url_patterns  # noqa: B018  # evaluated for its import side effect
    gc.collect()
    gc.freeze()
