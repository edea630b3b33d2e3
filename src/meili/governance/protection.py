"""Protection of the public pages: a cache-based rate limit per address and an offline arithmetic challenge.

The challenge needs no external service: the server asks a sum written in Chinese numerals and keeps
only a keyed hash of the answer in the session; each question can be answered once.
"""

from __future__ import annotations

import secrets
import time

from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DIGITS = "零一二三四五六七八九十"
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
SESSION_KEY = "governance_challenge"


def client_address(request) -> str:
    """The peer address (a reverse proxy must pass the real one as REMOTE_ADDR, e.g. via its WSGI setup)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request, scope: str, limit: int, window: int) -> bool:
    """Count one hit of *scope* for the caller's address; False once more than *limit* in *window* seconds."""
    key = f"governance:throttle:{scope}:{client_address(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def _hash(answer: str) -> str:
    return salted_hmac("meili.governance.challenge", answer.strip()).hexdigest()


def new_question(request) -> str:
    """A new question (e.g. “七加五等于几？”); its answer's hash is kept in the session."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    request.session[SESSION_KEY] = {"hash": _hash(str(a + b)), "issued": time.time()}
    names = DIGITS if (get_language() or "zh").startswith("zh") else WORDS
    return _("%(a)s加%(b)s等于几？（请填写阿拉伯数字）") % {"a": names[a], "b": names[b]}


def check(request, answer: str) -> bool:
    """True when *answer* answers the session's question; the question is used up either way."""
    stored = request.session.pop(SESSION_KEY, None)
    if not stored or time.time() - stored.get("issued", 0) > 3600:
        return False
    return constant_time_compare(stored["hash"], _hash(answer or ""))
