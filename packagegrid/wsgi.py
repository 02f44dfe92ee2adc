"""WSGI entry point: `gunicorn packagegrid.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "packagegrid.settings")

application = get_wsgi_application()

from packagegrid.lib.warm import process_warm  # noqa: E402  # needs the settings loaded

process_warm()
