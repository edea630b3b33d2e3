"""WSGI entry point for production servers (``meili serve`` uses it through gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meili.config.settings")
application = get_wsgi_application()

from meili.web import limits  # noqa: E402  (after Django is set up)

limits.install()
