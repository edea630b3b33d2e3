"""Configure Django for the platform commands, turning configuration errors into one clear line."""

from __future__ import annotations

import os

import click


class SetupError(click.ClickException):
    """A setting or database that stops the platform; printed as one line, exit status 2."""

    exit_code = 2


def setup() -> None:
    """``django.setup()`` with Meili's settings; exits with status 2 and one line on a bad setting."""
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "meili.config.settings"
    from meili.config.environment import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as exc:
        raise SetupError(f"configuration error: {exc}") from exc


def check_database() -> None:
    """Raise :class:`SetupError` when the configured database does not answer."""
    from django.db import connection

    try:
        connection.ensure_connection()
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise SetupError(f"database {connection.settings_dict.get('NAME')!s} unreachable: {first}") from exc
