"""Bounds on what one request may ask for: years, offsets, pages, page sizes (issue #13, bounded work).

A parameter outside these bounds is a client error (400 on pages, 422 in the API), never a query that runs for
a minute or an overflow in the database. The year range covers every monitoring record the platform can hold
(imports accept times from 1950, :mod:`meili.monitoring.validation`) and every plan horizon up to 2100.
"""

from __future__ import annotations

#: the years any page or API operation accepts
MIN_YEAR = 1950
MAX_YEAR = 2100
#: the largest offset of an API list and the largest page number of a paged list
MAX_OFFSET = 1_000_000
MAX_PAGE = 100_000


def year_or_none(text: str | None) -> int | None:
    """*text* as a year within the bounds, or None when it is not one."""
    try:
        year = int(str(text).strip())
    except (TypeError, ValueError):
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def id_or_none(text: str | None) -> int | None:
    """*text* as a database id (a positive integer that fits 63 bits), or None when it is not one."""
    value = (text or "").strip()
    if not value.isdigit() or len(value) > 18:
        return None
    return int(value) or None
