"""The HJ 212 receiver over real sockets on 127.0.0.1: storing, answers after commit, every kind of bad input."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import re
import socket
import threading
import time

import pytest

from meili.online.models import Device, Packet, Reading
from meili.online.receiver import Limits, django_receiver
from meili.standards import hj212

pytestmark = pytest.mark.django_db(transaction=True)

MN, PW = "37100201A00001", "123456"


@contextlib.contextmanager
def running(**limits):
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    receiver = django_receiver(Limits(**limits))
    address = asyncio.run_coroutine_threadsafe(receiver.start("127.0.0.1", 0), loop).result(10)
    try:
        yield address, receiver
    finally:
        asyncio.run_coroutine_threadsafe(receiver.close(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture
def device():
    return Device.objects.create(mn=MN, password=PW)


def upload(
    cn="2051",
    when=dt.datetime(2026, 3, 1, 10, 0),
    values=(("w01018-Avg", "35.2"), ("w01018-Flag", "N"), ("w21003-Avg", "1.25"), ("w21003-Flag", "M")),
    qn="20260301100100123",
    flag=5,
    mn=MN,
    pw=PW,
    variant=hj212.CrcVariant.HJ212,
    **extra,
):
    segment = hj212.build_segment(
        qn=qn, st="32", cn=cn, pw=pw, mn=mn, flag=flag, cp=hj212.cp_text(list(values), when), **extra
    )
    return hj212.frame(segment, variant)


class Client:
    def __init__(self, address):
        self.sock = socket.create_connection(address, timeout=10)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer(self, timeout: float = 10) -> hj212.Packet:
        self.sock.settimeout(timeout)
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return hj212.parse(line)

    def closed(self, timeout: float = 10) -> bool:
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(4096) == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()


def test_minute_data_is_stored_then_answered(device):
    with running() as (address, _):
        client = Client(address)
        client.send(upload())
        reply = client.answer()
        client.close()
    assert (reply.cn, reply.st, reply.qn, reply.mn, reply.flag) == ("9014", "91", "20260301100100123", MN, 4)
    packet = Packet.objects.get()
    assert (packet.status, packet.device_id, packet.cn, packet.raw) == (
        "stored",
        device.pk,
        "2051",
        upload().decode()[:-2],
    )
    rows = {(r.kind, r.code, r.field, r.value, r.flag) for r in Reading.objects.all()}
    assert rows == {("minute", "w01018", "Avg", 35.2, "N"), ("minute", "w21003", "Avg", 1.25, "M")}
    # DataTime is local time (Asia/Shanghai): 10:00 there is 02:00 UTC
    assert Reading.objects.first().data_time == dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
    device.refresh_from_db()
    assert device.last_seen is not None


def test_a_resent_packet_changes_nothing(device):
    with running() as (address, _):
        client = Client(address)
        for _ in range(2):
            client.send(upload())
            assert client.answer().cn == "9014"
        # the same values under a new QN (a device that renumbers its resend): still one value each
        client.send(upload(qn="20260301100200000"))
        assert client.answer().cn == "9014"
        client.close()
    assert Reading.objects.count() == 2
    assert Packet.objects.filter(status="stored").count() == 2


@pytest.mark.parametrize(
    ("data", "reason", "qn_rtn"),
    [
        (upload()[:-6] + b"0000\r\n", "crc", "9"),
        (upload(mn="UNKNOWN0001"), "unknown_mn", "4"),
        (upload(pw="999999"), "password", "3"),
        (upload(values=(("w01018-Avg", "3x.2"), ("w01018-Flag", "N"))), "value", "100"),
        (upload(when=dt.datetime.now() + dt.timedelta(days=2)), "future", "100"),
        (upload(variant=hj212.CrcVariant.MODBUS), "crc", "9"),
    ],
    ids=["crc", "unknown-mn", "password", "not-a-number", "future", "modbus-from-a-standard-device"],
)
def test_refused_packets_are_answered_counted_and_never_stored_as_data(device, data, reason, qn_rtn):
    with running() as (address, receiver):
        client = Client(address)
        client.send(data)
        reply = client.answer()
        client.send(upload())  # the connection stays usable
        assert client.answer().cn == "9014"
        client.close()
    assert (reply.cn, reply.params) == ("9011", {"QnRtn": qn_rtn})
    rejected = Packet.objects.get(status="rejected")
    assert rejected.reason == reason and rejected.raw == data.decode()[:-2]
    assert rejected.message
    assert receiver.counts[f"rejected:{reason}"] == 1
    assert Reading.objects.count() == 2  # only the good packet's values


def test_modbus_device(device):
    device.crc = "modbus"
    device.save()
    with running() as (address, _):
        client = Client(address)
        client.send(upload(variant=hj212.CrcVariant.MODBUS))
        assert client.answer().cn == "9014"
        client.close()
    assert Reading.objects.count() == 2


def test_garbage_and_2005_packets(device):
    old = hj212.frame(
        hj212.build_segment(
            st="32",
            cn="2011",
            pw=PW,
            mn=MN,
            cp=hj212.cp_text([("011-Rtd", "32.4"), ("011-Flag", "N")], dt.datetime(2026, 3, 1, 9, 0)),
        )
    )
    with running() as (address, receiver):
        client = Client(address)
        client.send(b"hello\r\n" + b"\xff\xfe##0004abcdZZZZ\r\n" + old + upload())
        reply = client.answer()  # no answer to the garbage, none to the 2005 packet (no Flag)
        client.close()
    assert reply.cn == "9014" and reply.qn == "20260301100100123"
    assert sorted(Packet.objects.values_list("status", "reason")) == [
        ("rejected", "frame"),
        ("rejected", "frame"),
        ("stored", ""),
        ("stored", ""),
    ]
    assert Reading.objects.filter(kind="rtd", code="011").get().value == 32.4
    assert receiver.counts["rejected:frame"] == 2


def test_split_packet_is_stored_whole_and_parts_answered_after_commit(device):
    parts = [
        upload(values=(("w01018-Avg", "30.0"), ("w01018-Flag", "N")), qn=f"2026030110010000{n}", flag=7, pnum=2, pno=n)
        for n in (1, 2)
    ]
    parts[1] = upload(
        values=(("w21003-Avg", "1.0"), ("w21003-Flag", "N")), qn="20260301100100002", flag=7, pnum=2, pno=2
    )
    with running() as (address, _):
        client = Client(address)
        client.send(parts[0])
        time.sleep(0.3)
        assert not Reading.objects.exists()
        client.send(parts[1])
        answers = [client.answer().qn, client.answer().qn]
        client.close()
    assert answers == ["20260301100100001", "20260301100100002"]
    assert sorted(Reading.objects.values_list("code", "value")) == [("w01018", 30.0), ("w21003", 1.0)]
    assert Packet.objects.get().raw.count("##") == 2


def test_split_packet_that_never_completes(device):
    part = upload(flag=7, pnum=3, pno=1)
    with running(split_timeout=0.5) as (address, receiver):
        client = Client(address)
        client.send(part)
        deadline = time.monotonic() + 10
        while not Packet.objects.filter(reason="split_incomplete").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        with pytest.raises(TimeoutError):
            client.answer(timeout=0.3)  # never acknowledged: the device sends it again
        client.close()
    assert Packet.objects.get().reason == "split_incomplete"
    assert not Reading.objects.exists()
    assert receiver.counts["rejected:split_incomplete"] == 1


def test_heartbeat_2025(device):
    beat = hj212.frame(hj212.build_segment(qn="20260301100000000", st="31", cn="9015", pw=PW, mn=MN, flag=9))
    with running() as (address, _):
        client = Client(address)
        client.send(beat)
        reply = client.answer()
        client.close()
    assert (reply.cn, reply.flag) == ("9013", 8)
    device.refresh_from_db()
    assert device.last_seen is not None and not Packet.objects.exists()


def test_slow_and_malicious_clients_do_not_stall_others(device):
    with running(max_line=2048, idle_timeout=1.0) as (address, receiver):
        idle = [socket.create_connection(address) for _ in range(300)]
        trickle = socket.create_connection(address)
        trickle.sendall(upload()[:40])  # a packet that never ends
        flood = socket.create_connection(address)
        flood.settimeout(10)
        started = time.monotonic()
        client = Client(address)
        client.send(upload())
        assert client.answer().cn == "9014"
        assert time.monotonic() - started < 2.0
        with contextlib.suppress(ConnectionError, OSError):
            flood.sendall(b"##" + b"7" * 1_000_000)  # a 1 MB line
        flood_closed = Client.__new__(Client)
        flood_closed.sock = flood
        assert flood_closed.closed()
        time.sleep(1.5)  # past the idle timeout: the silent sockets and the trickle are closed by the server
        for sock in [*idle[:5], trickle]:
            sock.settimeout(5)
            assert sock.recv(10) == b""
        client.close()
        for sock in idle:
            sock.close()
    assert receiver.counts["rejected:too_long"] == 1
    assert receiver.counts["idle_closed"] >= 300
    assert Packet.objects.get(reason="too_long").status == "rejected"


def test_connection_limit(device):
    with running(max_connections=3) as (address, receiver):
        held = [Client(address) for _ in range(3)]
        for client in held:
            client.send(upload())
            client.answer()
        extra = Client(address)
        assert extra.closed()
        for client in held:
            client.close()
    assert receiver.counts["connections_refused"] == 1


def test_simulate_command_against_the_receiver(device):
    from click.testing import CliRunner

    from meili.cli import main

    with running() as ((host, port), _):
        args = ["--devices", "1", "--rate", "10", "--duration", "2", "--start", "2026-03-01 00:00"]
        command = ["hj212", "simulate", "--host", host, "--port", str(port), *args]
        # in a thread of its own, as from a shell: an earlier browser test may leave this thread's event loop set
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            result = pool.submit(CliRunner().invoke, main, command).result()
    assert result.exit_code == 0, result.output
    answered = int(re.search(r"answered 9014 (\d+)", result.output).group(1))
    assert answered >= 5 and "refused (9011) 0" in result.output
    assert Packet.objects.filter(status="stored").count() == answered
    assert Reading.objects.filter(kind="minute", code="a21026", field="ZsAvg").count() == answered
