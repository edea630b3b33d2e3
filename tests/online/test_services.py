"""Registering devices: permission, validation, audit; and the rows a packet becomes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meili.audit.models import AuditEntry
from meili.online import ingest, services
from meili.online.models import Device
from meili.standards import hj212

ZONE = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=ZONE)


@pytest.mark.django_db
def test_register_device_is_audited_and_refused_to_readers(users):
    device = services.register_device(users["analyst"], {"mn": " 37100201A00009 ", "password": "123456"})
    assert (device.mn, device.edition, device.crc) == ("37100201A00009", 1, "hj212")
    entry = AuditEntry.objects.get(action="online.device.register")
    assert entry.changes["mn"] == [None, "37100201A00009"]
    services.register_device(users["analyst"], {"crc": "modbus"}, device)
    assert AuditEntry.objects.get(action="online.device.save").changes == {"crc": ["hj212", "modbus"]}
    services.register_device(users["analyst"], {"crc": "modbus"}, device)  # unchanged: no entry
    assert AuditEntry.objects.filter(action__startswith="online.").count() == 2
    for role in ("leader", "reporter"):
        with pytest.raises(PermissionDenied):
            services.register_device(users[role], {"mn": "X1", "password": "1"})
    assert services.device_table()["37100201A00009"].crc is hj212.CrcVariant.MODBUS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mn": "", "password": "1"}, "mn"),
        ({"mn": "A" * 25, "password": "1"}, "mn"),
        ({"mn": "A;B", "password": "1"}, "mn"),
        ({"mn": "AB", "password": "1234567"}, "password"),
        ({"mn": "AB", "password": ""}, "password"),
    ],
)
def test_register_device_validation(users, data, field):
    with pytest.raises(ValidationError) as caught:
        services.register_device(users["admin"], data)
    assert field in caught.value.message_dict
    assert not Device.objects.exists()


def _packet(cp: str, cn: str = "2061") -> hj212.Packet:
    return hj212.parse_segment(f"QN=20260301110000000;ST=31;CN={cn};PW=1;MN=M;Flag=5;CP=&&{cp}&&")


def test_rows_kinds_numbers_text_and_repeats():
    packet = _packet(
        "DataTime=20260301100000;a21026-Avg=35.5,a21026-ZsAvg=40.1,a21026-Flag=N;"
        "w01018-SampleTime=20260301095500,w01018-Avg=1,w01018-Avg=2"
    )
    rows = ingest.rows(packet, NOW, ZONE, dt.timedelta(minutes=10))
    assert [(r.kind, r.code, r.field, r.value, r.text, r.flag) for r in rows] == [
        ("hour", "a21026", "Avg", 35.5, "", "N"),
        ("hour", "a21026", "ZsAvg", 40.1, "", "N"),
        ("hour", "w01018", "SampleTime", None, "20260301095500", ""),
        ("hour", "w01018", "Avg", 1.0, "", ""),
    ]
    assert rows[0].data_time == dt.datetime(2026, 3, 1, 10, 0, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("cp", "reason"),
    [
        ("a21026-Avg=1", "time"),
        ("DataTime=20260301121100;a21026-Avg=1", "future"),
        ("DataTime=20260301100000;a21026-Avg=NaN", "value"),
        ("DataTime=20260301100000;a21026-Avg=", "value"),
        ("DataTime=20260301100000;a21026-Info=" + "x" * 41, "value"),
        ("DataTime=20260301100000;a21026-Avg=1,a21026-Flag=NNNNN", "value"),
    ],
)
def test_rows_refuse_the_whole_packet(cp, reason):
    with pytest.raises(hj212.HJ212Error) as caught:
        ingest.rows(_packet(cp), NOW, ZONE, dt.timedelta(minutes=10))
    assert caught.value.reason == reason


def test_rows_accept_a_data_time_within_the_tolerance():
    (row,) = ingest.rows(_packet("DataTime=20260301120900;a21026-Avg=1"), NOW, ZONE, dt.timedelta(minutes=10))
    assert row.value == 1.0
