"""Limits of the web process: PostgreSQL's ``statement_timeout`` on every connection a web request uses.

:func:`install` is called by the WSGI entry point (``meili serve``/``meili run``), never by the CLI, so imports,
evaluations and backups run without the limit; background job threads of the web process (named
``meili-job-…`` and ``meili-report-…``) are exempt too. A query that outlives the limit is cancelled and the
request fails instead of tying up the server (``MEILI_STATEMENT_TIMEOUT_MS``, default 30 000).
"""

from __future__ import annotations

import threading

from django.db.backends.signals import connection_created

DEFAULT_TIMEOUT_MS = 30_000
EXEMPT_THREADS = ("meili-job-", "meili-report-")


def set_statement_timeout(sender, connection, **kwargs) -> None:
    """Set ``statement_timeout`` on a new PostgreSQL connection of a request thread."""
    from django.conf import settings

    if connection.vendor != "postgresql" or threading.current_thread().name.startswith(EXEMPT_THREADS):
        return
    milliseconds = int(getattr(settings, "MEILI_STATEMENT_TIMEOUT_MS", DEFAULT_TIMEOUT_MS))
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {milliseconds:d}")


def install() -> None:
    """Apply :func:`set_statement_timeout` to every connection this process opens from now on."""
    connection_created.connect(set_statement_timeout, dispatch_uid="meili-statement-timeout")
