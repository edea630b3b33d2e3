"""What a data packet must satisfy before it is stored, and the rows it becomes (no database access here).

Rules (each rejection names its reason code, counted per packet):

* ``time`` — a data upload (CN 2011/2021/2031/2041/2051/2061, HJ 212-2017 表9) without ``DataTime`` (表4);
* ``future`` — a ``DataTime`` later than the receiver's clock plus a tolerance (a wrong device clock, §6.7 sets
  the device time for this reason);
* ``value`` — a numeric field (``Rtd``, ``Min``, ``Avg``, ``Max``, ``Cou``, ``Zs*``, ``RS``, ``RT``; 表4) that is
  not a number, or a text field longer than the column. The whole packet is refused: nothing partial is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

from meili.standards import hj212
from meili.standards.hj212 import HJ212Error

#: HJ 212-2017 表9 upload CN → stored kind (DataTime of 2031/2051/2061 is the start of the period, 表4)
KIND_BY_CN = {"2011": "rtd", "2021": "rtd", "2051": "minute", "2061": "hour", "2031": "day", "2041": "day"}
#: 表4 fields whose value is a number (N14.2 style); every other field (SampleTime, EFlag, SN, Info) is text
NUMERIC_FIELDS = frozenset({"Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "RS", "RT"})
TEXT_LENGTH = 40
CODE_LENGTH = 12


class Row(NamedTuple):
    """One value to store (the columns of :class:`meili.online.models.Reading` without the device)."""

    kind: str
    data_time: dt.datetime
    code: str
    field: str
    value: float | None
    text: str
    flag: str


def rows(packet: hj212.Packet, now: dt.datetime, zone: ZoneInfo, future_tolerance: dt.timedelta) -> list[Row]:
    """The rows of a data upload, or :class:`HJ212Error` (``time``, ``future``, ``value``) for the whole packet.

    ``DataTime`` is local time of *zone* (the platform's time zone); *now* is aware. A key repeated inside one
    packet (pack example 9) keeps its first value: the stored value is unique per device, kind, time, code and
    field.
    """
    kind = KIND_BY_CN[packet.cn]
    if packet.data_time is None:
        raise HJ212Error("time", f"data upload CN={packet.cn} without DataTime (表4)")
    moment = packet.data_time.replace(tzinfo=zone)
    if moment > now + future_tolerance:
        raise HJ212Error(
            "future",
            f"DataTime {moment:%Y-%m-%d %H:%M:%S} is later than the receiver's clock {now.astimezone(zone):%Y-%m-%d %H:%M:%S}",
        )
    out: list[Row] = []
    seen: set[tuple[str, str]] = set()
    to_number = hj212.to_number
    flags = packet.flags
    for code, field, text in packet.entries:
        key = (code, field)
        if key in seen:
            continue
        seen.add(key)
        if len(code) > CODE_LENGTH or len(field) > CODE_LENGTH:
            raise HJ212Error("value", f"name {code}-{field} is longer than {CODE_LENGTH} characters")
        flag = flags.get(code, "")
        if len(flag) > 4:
            raise HJ212Error("value", f"{code}-Flag={flag!r} is not a data flag (表8)")
        if field in NUMERIC_FIELDS:
            number = to_number(text)
            if number is None:
                raise HJ212Error("value", f"{code}-{field}={text!r} is not a number (§6.3.3)")
            out.append(Row(kind, moment, code, field, number, "", flag))
        elif len(text) > TEXT_LENGTH:
            raise HJ212Error("value", f"{code}-{field} is longer than {TEXT_LENGTH} characters")
        else:
            out.append(Row(kind, moment, code, field, None, text, flag))
    return out
