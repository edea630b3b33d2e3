"""State changes of online monitoring: registering devices (audited) and storing what the receiver accepted.

:func:`store_batch` is the receiver's only write: one transaction per batch of packets, so that the receiver
answers a packet only after the transaction holding it has committed (HJ 212-2017 §6.2: the platform's answer
tells the device the data arrived). Received data are not audit entries: the :class:`~meili.online.models.Packet`
table, which keeps every packet byte-exact with its time and peer, is their record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.online.ingest import Row
from meili.online.models import Device, Packet, Reading
from meili.standards import hj212

DEVICE_FIELDS = ("mn", "password", "edition", "crc", "port", "name", "active")


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """What the receiver needs to know of a registered device."""

    id: int
    password: str
    crc: hj212.CrcVariant
    active: bool


def device_table() -> dict[str, DeviceInfo]:
    """Every registered device by MN (the receiver's cache, reloaded periodically)."""
    return {
        mn: DeviceInfo(pk, password, hj212.CrcVariant(crc), active)
        for pk, mn, password, crc, active in Device.objects.values_list("pk", "mn", "password", "crc", "active")
    }


def register_device(user, data: dict, device: Device | None = None) -> Device:
    """Register a device or change its settings (permission ``manage_sources``, audited).

    MN: up to 24 characters without ``;``, ``,``, ``=`` or ``&`` (表3 MN width 27 with ``MN=``); password:
    up to 6 characters (表3 PW, 9 with ``PW=``).
    """
    require(user, Action.MANAGE_SOURCES)
    errors = {}
    mn = str(data.get("mn", device.mn if device else "")).strip()
    password = str(data.get("password", device.password if device else "")).strip()
    if not mn or len(mn) > 24 or any(c in mn for c in ";,=& "):
        errors["mn"] = _("MN 须为 1–24 个字符，且不含分号、逗号、等号、& 和空格（HJ 212-2017 表3）")
    if not password or len(password) > 6 or any(c in password for c in ";,=& "):
        errors["password"] = _("访问密码须为 1–6 个字符，且不含分号、逗号、等号、& 和空格（HJ 212-2017 表3）")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = log.snapshot(device, DEVICE_FIELDS) if device else {}
        device = device or Device()
        values = {**data, "mn": mn, "password": password}
        for name in DEVICE_FIELDS:
            if name in values:
                setattr(device, name, values[name])
        device.full_clean()
        device.save()
        changes = log.diff(before, log.snapshot(device, DEVICE_FIELDS))
        if changes:
            log.record(user, "online.device.save" if before else "online.device.register", device, changes)
    return device


@dataclass(slots=True)
class Incoming:
    """One packet as the receiver decided it: to store (with rows), to log, or rejected with a reason."""

    raw: str
    received: dt.datetime
    peer: str
    status: str
    device_id: int | None = None
    mn: str = ""
    cn: str = ""
    qn: str = ""
    data_time: dt.datetime | None = None
    reason: str = ""
    message: str = ""
    rows: list[Row] = field(default_factory=list)
    touch_only: bool = False


def store_batch(items: Iterable[Incoming]) -> None:
    """Write a batch of received packets in one transaction: packets, their values, devices' last contact.

    A packet already stored (same device, CN and QN) and a value already stored (same device, kind, time, code,
    field) are left as they are (``ON CONFLICT DO NOTHING``, SQLite and PostgreSQL alike), so a re-sent packet
    changes nothing. Heartbeats (``touch_only``) only move the device's last contact. The rows go in through
    ``executemany`` on the raw cursor: building a model instance per value cost more than the receiver's whole
    parse (figures in docs/benchmarks.md).
    """
    adapt = connection.ops.adapt_datetimefield_value
    postgresql = connection.vendor == "postgresql"
    lines: list[str] = []
    packets: list[tuple[object, ...]] = []
    readings: list[tuple[object, ...]] = []
    seen: set[int] = set()
    latest: dt.datetime | None = None
    for item in items:
        if item.device_id is not None and item.status != Packet.Status.REJECTED:
            seen.add(item.device_id)
            latest = item.received if latest is None else max(latest, item.received)
        if item.touch_only:
            continue
        packets.append(
            (
                item.device_id,
                adapt(item.received),
                item.peer[:64],
                item.raw,
                item.mn[:32],
                item.cn[:8],
                item.qn[:20],
                adapt(item.data_time),
                item.status,
                item.reason,
                item.message[:300],
            )
        )
        if postgresql and item.rows and not _COPY_SPECIAL(item.raw):
            lines.extend(_copy_lines(item.device_id, item.rows))
        else:
            readings.extend(
                (item.device_id, row.kind, adapt(row.data_time), row.code, row.field, row.value, row.text, row.flag)
                for row in item.rows
            )
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            _copy_insert(cursor, _PACKET_TABLE, _PACKET_COLUMNS, packets)
            _copy_insert(cursor, _READING_TABLE, _READING_COLUMNS, readings, "".join(lines))
        else:
            if packets:
                cursor.executemany(_PACKET_SQL, packets)
            if readings:
                cursor.executemany(_READING_SQL, readings)
        if seen:  # one statement per batch: the batch's last receipt time stands for every device in it
            Device.objects.filter(pk__in=seen).update(last_seen=latest)


def _copy_lines(device_id: int | None, rows: list[Row]) -> Iterator[str]:
    """COPY text lines of one packet's values. Only for packets whose raw text holds no backslash, tab, CR or LF:
    every code, field, text and flag comes from that text, so none needs escaping (the others go through
    psycopg's ``write_row``). Formatting the lines here costs a fifth of ``write_row`` per value."""
    null = "\\N"
    moment, head = None, ""
    for row in rows:
        if row.data_time is not moment:
            moment = row.data_time
            head = f"{device_id}\t{row.kind}\t{moment.isoformat()}\t"
        value = null if row.value is None else repr(row.value)
        yield f"{head}{row.code}\t{row.field}\t{value}\t{row.text}\t{row.flag}\n"


def _copy_insert(cursor, table: str, columns: str, rows: list[tuple[object, ...]], text: str = "") -> None:
    """PostgreSQL: COPY *rows* into a session-local staging table, then insert what is not stored yet.

    ``executemany`` sends one statement per row (≈ 9,000 values/s on this machine) and array parameters are
    escaped in Python; COPY rows are formatted by psycopg's C code, and the one ``INSERT … SELECT … ON CONFLICT
    DO NOTHING`` keeps a re-sent packet from changing anything. The staging table is emptied at commit.
    """
    if not rows and not text:
        return
    stage = f"meili_stage_{table}"
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS "
        f"AS SELECT {columns} FROM {table} WITH NO DATA"
    )
    with cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
        if text:
            copy.write(text)
        for row in rows:
            copy.write_row(row)
    cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} ON CONFLICT DO NOTHING")


_COPY_SPECIAL = re.compile(r"[\\\t\r\n]").search
_PACKET_TABLE = Packet._meta.db_table
_PACKET_COLUMNS = "device_id, received, peer, raw, mn, cn, qn, data_time, status, reason, message"
_READING_TABLE = Reading._meta.db_table
_READING_COLUMNS = "device_id, kind, data_time, code, field, value, text, flag"
_PACKET_SQL = (
    f"INSERT INTO {_PACKET_TABLE} ({_PACKET_COLUMNS}) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
_READING_SQL = (
    f"INSERT INTO {_READING_TABLE} ({_READING_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
