"""WSGI entry point for production servers (e.g. ``gunicorn dieuhanh.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
application = get_wsgi_application()

# Load every view module (the URL configuration imports the API, the 766 engine, the charts) when a worker starts,
# not in the first request a person makes to it.
from django.urls import get_resolver  # noqa: E402

_patterns = get_resolver().url_patterns
