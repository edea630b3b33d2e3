"""What every builder shares: the data-version fingerprint, dates and number helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


class Fingerprint:
    """A SHA-256 over every input a builder reads, in reading order: the report's data version."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, *parts) -> None:
        self._hash.update(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode())
        self._hash.update(b"\n")

    def hexdigest(self) -> str:
        return self._hash.hexdigest()[:16]


def now_local() -> dt.datetime:
    return dt.datetime.now(LOCAL).replace(microsecond=0)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def digits_for(value: float | None, default: int = 2) -> int:
    """0 for whole numbers, else *default* decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return 0 if float(value).is_integer() else default
