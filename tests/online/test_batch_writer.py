"""The receiver's group commit: packets of many connections stored in one transaction, answered after it.

Each test holds the writer for ``batch_wait`` so that the packets sent at once land in one batch (the receiver
counts its batches), then checks what was stored and what was answered.
"""

from __future__ import annotations

import datetime as dt

import pytest

from meili.online.models import Device, Packet, Reading
from tests.online.test_receiver import MN, PW, Client, running, upload

pytestmark = pytest.mark.django_db(transaction=True)

OTHER = "37100201A00002"


@pytest.fixture
def devices():
    return Device.objects.create(mn=MN, password=PW), Device.objects.create(mn=OTHER, password=PW)


def test_a_batch_holding_a_resent_packet_stores_it_once_and_answers_both(devices):
    with running(batch_wait=0.5) as (address, receiver):
        clients = [Client(address) for _ in range(3)]
        clients[0].send(upload())
        clients[1].send(upload())  # the same packet again, e.g. re-sent on a new connection after a lost answer
        clients[2].send(upload(mn=OTHER, qn="20260301100100999"))
        replies = [client.answer() for client in clients]
        for client in clients:
            client.close()
    assert receiver.counts["batches"] == 1
    assert [(reply.cn, reply.mn) for reply in replies] == [("9014", MN), ("9014", MN), ("9014", OTHER)]
    assert sorted(Packet.objects.values_list("mn", "status")) == [(MN, "stored"), (OTHER, "stored")]
    assert Reading.objects.filter(device=devices[0]).count() == 2
    assert Reading.objects.filter(device=devices[1]).count() == 2


def test_a_packet_the_database_refuses_neither_loses_nor_acknowledges_the_others(devices):
    kept, gone = devices
    with running(batch_wait=0.5) as (address, receiver):
        gone.delete()  # removed after the receiver loaded its device table: its packet breaks the foreign key
        first, doomed, last = Client(address), Client(address), Client(address)
        first.send(upload())
        doomed.send(upload(mn=OTHER))
        last.send(upload(qn="20260301100200123", when=dt.datetime(2026, 3, 1, 10, 1)))
        assert first.answer().cn == "9014"
        assert last.answer().qn == "20260301100200123"
        with pytest.raises(ConnectionError):
            doomed.answer()  # not stored, so not answered: the device keeps it and sends it again
        for client in (first, doomed, last):
            client.close()
    assert receiver.counts["batch_fallback"] == 1 and receiver.counts["store_failed"] == 1
    assert sorted(Packet.objects.values_list("qn", flat=True)) == ["20260301100100123", "20260301100200123"]
    assert set(Packet.objects.values_list("device_id", flat=True)) == {kept.pk}
    assert Reading.objects.count() == 4 and set(Reading.objects.values_list("device_id", flat=True)) == {kept.pk}


def test_text_needing_escapes_is_stored_exactly_beside_plain_packets(devices):
    # on PostgreSQL plain packets' values are written as COPY text, a packet holding a backslash goes through the
    # escaping writer; both in one batch
    values = (("i12001-Info", "C:\\log\\1"), ("i12001-Flag", "N"), ("w01018-Avg", "7.5"))
    with running(batch_wait=0.5) as (address, receiver):
        plain, escaped = Client(address), Client(address)
        plain.send(upload())
        escaped.send(upload(mn=OTHER, values=values))
        assert plain.answer().cn == escaped.answer().cn == "9014"
        plain.close()
        escaped.close()
    assert receiver.counts["batches"] == 1
    stored = Reading.objects.filter(device=devices[1]).order_by("code")
    assert [(r.code, r.field, r.value, r.text, r.flag) for r in stored] == [
        ("i12001", "Info", None, "C:\\log\\1", "N"),
        ("w01018", "Avg", 7.5, "", ""),
    ]
    assert Reading.objects.filter(device=devices[0]).count() == 2
