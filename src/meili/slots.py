"""A queue with a concurrency limit for heavy work (report generation, re-evaluation), in the shared cache.

Without it 97 report requests started up to eight LibreOffice processes at once and a re-evaluation could run
beside another. :func:`slot` holds one of *limit* numbered slots in the shared cache (every worker process and
machine sees the same slots); who finds them all taken waits, polling, in the order of arrival — the work stays
"queued" meanwhile — and gives up with :class:`Busy` after *wait* seconds. A slot expires after *ttl* seconds,
so a killed process cannot hold it forever. ``cache.add`` is atomic on Redis but not on the file cache, so every
attempt to take a slot also holds an exclusive ``flock`` on a lock file in the state folder (threads and
processes of one machine).
"""

from __future__ import annotations

import fcntl
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.cache import cache

#: default limits (overridden by settings MEILI_REPORT_CONCURRENCY / MEILI_EVALUATION_CONCURRENCY)
LIMITS = {"report": 2, "evaluation": 1}


class Busy(RuntimeError):
    """No slot became free within the waiting time."""


def limit_of(name: str) -> int:
    from django.conf import settings

    return int(getattr(settings, f"MEILI_{name.upper()}_CONCURRENCY", LIMITS.get(name, 1)))


def held(name: str) -> int:
    """How many slots of *name* are taken now."""
    return sum(cache.get(_key(name, i)) is not None for i in range(limit_of(name)))


@contextmanager
def slot(name: str, wait: float = 1800, ttl: int = 3600, poll: float = 0.5) -> Iterator[int]:
    """Hold one slot of *name* while the block runs; yields the slot's number."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    while True:
        for number in range(limit_of(name)):
            key = _key(name, number)
            if _add(key, token, ttl):
                try:
                    yield number
                finally:
                    if cache.get(key) == token:
                        cache.delete(key)
                return
        if time.monotonic() >= deadline:
            raise Busy(f"all {limit_of(name)} {name} slots are busy; try again later")
        time.sleep(poll)


def _add(key: str, token: str, ttl: int) -> bool:
    from django.conf import settings

    lock = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "slots.lock"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            return bool(cache.add(key, token, ttl))
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _key(name: str, number: int) -> str:
    return f"meili:slot:{name}:{number}"
