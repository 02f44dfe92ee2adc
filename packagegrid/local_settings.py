"""The settings with the local profile as default (DEBUG=1), for tools, not deployments.

DEBUG is off unless set, and with it off the settings demand a SECRET_KEY and collected
static files. The test suite and mypy's Django plugin load this module: it defaults DEBUG
to 1, as `make run` does, and is otherwise packagegrid.settings unchanged. An explicit
DEBUG=0 in the environment still wins.
"""

import os

os.environ.setdefault("DEBUG", "1")

from packagegrid.settings import *  # noqa: F403
