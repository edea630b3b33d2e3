"""Settings that come from the environment, checked once at start-up.

A wrong setting stops the platform with one clear line (:class:`ConfigurationError`), never a
traceback deep inside Django.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url


class ConfigurationError(RuntimeError):
    """A setting that makes the platform unable to start."""


def var_dir() -> Path:
    """The writable state folder: ``MEILI_VAR_DIR`` or ``./var`` under the working directory."""
    path = Path(os.environ.get("MEILI_VAR_DIR", Path.cwd() / "var")).resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigurationError(f"MEILI_VAR_DIR {path} is not writable: {exc.strerror}") from exc
    return path


def secret_key(var: Path) -> str:
    """``MEILI_SECRET_KEY``, or a key generated once into ``var/secret_key`` (mode 0600)."""
    key = os.environ.get("MEILI_SECRET_KEY")
    if key:
        return key
    path = var / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def database(var: Path) -> dict[str, Any]:
    """The ``default`` database from ``DATABASE_URL``; SQLite in ``var/meili.sqlite3`` when unset."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(var / "meili.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:
        raise ConfigurationError(f"DATABASE_URL is not a database URL ({exc})") from exc
    if config.get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ConfigurationError(
            f"DATABASE_URL scheme not supported: {url.split(':', 1)[0]} (use postgres:// or sqlite:///)"
        )
    return dict(config)


def cache(var: Path) -> dict:
    """The ``default`` cache from ``MEILI_CACHE_URL``: shared by every worker process, never per process.

    It holds the public pages' rate-limit counters and the progress of running imports, which any worker may
    be asked for. Unset: files in ``var/cache`` (the workers of one machine); ``redis://host:port/db``: Redis
    (several machines); ``locmem://``: this process only (one worker).
    """
    url = os.environ.get("MEILI_CACHE_URL", "").strip()
    if not url:
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(var / "cache")}
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "meili"}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ConfigurationError(
        f"MEILI_CACHE_URL scheme not supported: {scheme or url!r} "
        "(use redis://host:port/db, or leave it unset for files in the state folder)"
    )


def flag(name: str, default: bool = False) -> bool:
    """A boolean environment variable: 1/true/yes/on."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")
