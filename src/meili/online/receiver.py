"""The HJ 212 receiver: an asyncio TCP server for data loggers (HJ 212-2017 §6, HJ 212-2025).

Per connection it reads packets ended by LF (CR LF per 表2; a bare LF is accepted), checks frame, length and
CRC, the device's MN and password, then hands the packet to a single writer thread that stores batches in
one transaction each (group commit, :func:`meili.online.services.store_batch`; a batch the database refuses is
retried packet by packet, so one bad packet neither sinks nor wrongly acknowledges the others). The answer the
device asked for with Flag's A bit (9014 for data, 9013 for a heartbeat 9015 or a notification 1013; §6.2,
附录C) is written only after that transaction has committed, so nothing acknowledged is lost if the server is
killed.

Rejected packets are stored with their reason (no values) and, when their data segment can be read, answered
with 9011 and the QnRtn of 表7: 3 wrong password, 4 unknown MN, 9 CRC error, 100 other.

Bounds, so that slow or malicious clients cannot stall others or exhaust memory (:class:`Limits`): a line
longer than ``max_line`` bytes closes the connection (the stream buffer never holds more than twice that), a
connection that completes no line within ``idle_timeout`` seconds is closed, an answer the client does not read
within ``write_timeout`` closes it, at most ``max_connections`` are open, and the queue to the writer is bounded
(connections wait, memory does not grow). Split packets (PNUM/PNO) are held by one
:class:`~meili.standards.hj212.Reassembler` with a timeout; a group that never completes is stored as rejected
(``split_incomplete``) and never answered, so the device sends it again.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

from meili.online import ingest
from meili.online.services import DeviceInfo, Incoming
from meili.standards import hj212
from meili.standards.hj212 import CrcVariant, HJ212Error

logger = logging.getLogger("meili.online.receiver")

#: 表7 QnRtn for a refused packet, by reason
QN_RTN = {"password": "3", "unknown_mn": "4", "inactive": "4", "crc": "9"}
#: the port ``meili run`` uses unless told otherwise (documented in docs/hj212.md)
DEFAULT_PORT = 9212


@dataclasses.dataclass(frozen=True)
class Limits:
    """Bounds and timings of the receiver; every figure is configuration (see docs/hj212.md)."""

    max_line: int = 4096  # bytes; a packet is at most 1036 (表2)
    idle_timeout: float = 600.0  # s without a complete packet before the connection is closed
    write_timeout: float = 30.0  # s for a client to take an answer
    max_connections: int = 10_000
    batch_size: int = 500  # packets per transaction at most
    batch_wait: float = 0.002  # s the writer waits for more packets when fewer than batch_size are queued
    queue_size: int = 5_000  # packets waiting for the writer at most
    split_timeout: float = 120.0  # s for all parts of a split packet to arrive
    split_groups: int = 10_000  # split packets being assembled at most
    future_tolerance: float = 600.0  # s a DataTime may lie ahead of the receiver's clock
    device_refresh: float = 10.0  # s between reloads of the registered devices
    unknown_refresh: float = 2.0  # s at least between reloads triggered by an unknown MN


class StoreFailed(Exception):
    """A packet could not be written even in a transaction of its own; it is not answered."""


@dataclasses.dataclass(eq=False)
class _Connection:
    """What the idle sweeper needs of an open connection."""

    transport: asyncio.WriteTransport
    last: float  # loop time of the last complete line or answer
    busy: bool = False  # a packet is being handled (waiting for the writer is not idleness)
    idle_closed: bool = False


@dataclasses.dataclass
class _Job:
    item: Incoming
    done: asyncio.Future[None]


class Receiver:
    """The TCP server. ``store`` writes a batch (in a worker thread), ``load_devices`` returns the device table."""

    def __init__(
        self,
        store: Callable[[list[Incoming]], None],
        load_devices: Callable[[], dict[str, DeviceInfo]],
        zone: ZoneInfo,
        limits: Limits | None = None,
        on_thread_exit: Callable[[], None] | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self._store = store
        self._load_devices = load_devices
        self._zone = zone
        self._devices: dict[str, DeviceInfo] = {}
        self._devices_loaded = 0.0
        self._split = hj212.Reassembler(timeout=self.limits.split_timeout, max_groups=self.limits.split_groups)
        self._split_raw: dict[tuple[str, str, str, int, str, int], str] = {}
        self._queue: asyncio.Queue[_Job] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hj212-writer")
        self._on_thread_exit = on_thread_exit
        self._server: asyncio.Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[list[str]]] = set()
        self._connections: set[_Connection] = set()
        self.counts: collections.Counter[str] = collections.Counter()

    # -- life cycle ---------------------------------------------------------------------------------------------

    async def start(self, host: str, port: int, reuse_port: bool = False) -> tuple[str, int]:
        """Load the devices, start the writer and listen; returns the bound address (port 0 picks one).

        *reuse_port*: share the port with other receiver processes (SO_REUSEPORT; the kernel spreads connections).
        """
        self._queue = asyncio.Queue(maxsize=self.limits.queue_size)
        hj212.crc_backend()  # the compiled CRC is loaded (compiled once per machine) before a packet waits on it
        await self._reload_devices()
        self._tasks = [
            asyncio.create_task(self._writer()),
            asyncio.create_task(self._housekeeping()),
            asyncio.create_task(self._sweep_idle()),
        ]
        self._server = await asyncio.start_server(
            self._handle, host, port, limit=self.limits.max_line, reuse_port=reuse_port or None
        )
        address = self._server.sockets[0].getsockname()
        return str(address[0]), int(address[1])

    async def serve_forever(self) -> None:
        assert self._server is not None
        async with self._server:
            await self._server.serve_forever()

    async def close(self) -> None:
        """Stop listening, store what is queued, stop the writer."""
        if self._server is not None:
            self._server.close()
        if self._queue is not None:
            await self._queue.join()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._on_thread_exit is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._on_thread_exit)
        self._executor.shutdown(wait=True)

    # -- devices ------------------------------------------------------------------------------------------------

    async def _reload_devices(self) -> None:
        loop = asyncio.get_running_loop()
        self._devices = await loop.run_in_executor(self._executor, self._load_devices)
        self._devices_loaded = time.monotonic()

    async def _device(self, mn: str) -> DeviceInfo | None:
        device = self._devices.get(mn)
        if device is None and time.monotonic() - self._devices_loaded > self.limits.unknown_refresh:
            await self._reload_devices()
            device = self._devices.get(mn)
        return device

    # -- connections --------------------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer_info = writer.get_extra_info("peername")
        peer = f"{peer_info[0]}:{peer_info[1]}" if isinstance(peer_info, tuple) else str(peer_info)
        if len(self._connections) >= self.limits.max_connections:
            self.counts["connections_refused"] += 1
            writer.close()
            return
        connection = _Connection(writer.transport, asyncio.get_running_loop().time())
        self._connections.add(connection)
        self.counts["connections"] += 1
        try:
            await self._converse(reader, writer, peer, connection)
        except (ConnectionError, OSError):
            self.counts["connection_errors"] += 1
        except StoreFailed:  # nothing answered: the device keeps the packet and sends it again
            self.counts["store_failed"] += 1
        finally:
            self._connections.discard(connection)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 1.0)

    async def _converse(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str, connection: _Connection
    ) -> None:
        # No asyncio.wait_for around each read: it costs a task and a timer per packet. Idle connections are closed
        # by :meth:`_sweep_idle` instead, and an answer waits for drain only when the socket did not take it at once.
        limits = self.limits
        loop = asyncio.get_running_loop()
        while True:
            try:
                line = await reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as exc:
                if connection.idle_closed:
                    return
                if exc.partial.strip():
                    await self._reject(exc.partial, peer, HJ212Error("frame", "connection closed inside a packet"))
                return
            except (asyncio.LimitOverrunError, ValueError):
                error = HJ212Error("too_long", f"no line end within {limits.max_line} bytes; connection closed")
                await self._reject(b"", peer, error)
                return
            connection.busy = True
            answers = await self._packet(line.rstrip(b"\r\n"), peer)
            if answers:
                writer.write(b"".join(hj212.frame(answer) for answer in answers))
                if writer.transport.get_write_buffer_size():
                    try:
                        await asyncio.wait_for(writer.drain(), limits.write_timeout)
                    except TimeoutError:
                        self.counts["write_timeout"] += 1
                        return
            connection.busy = False
            connection.last = loop.time()

    async def _sweep_idle(self) -> None:
        """Close connections that completed no line within ``idle_timeout`` (checked a few times per timeout)."""
        loop = asyncio.get_running_loop()
        timeout = self.limits.idle_timeout
        while True:
            await asyncio.sleep(min(1.0, timeout / 4))
            now = loop.time()
            for connection in list(self._connections):
                if not connection.busy and not connection.idle_closed and now - connection.last > timeout:
                    connection.idle_closed = True
                    self.counts["idle_closed"] += 1
                    connection.transport.abort()

    # -- one packet ---------------------------------------------------------------------------------------------

    async def _packet(self, raw: bytes, peer: str) -> list[str]:
        if not raw.strip():
            return []
        self.counts["packets"] += 1
        try:
            segment, variant = _unframe(raw)
            packet = hj212.parse_segment(segment)
        except HJ212Error as exc:
            return await self._reject(raw, peer, exc, _readable(raw))
        device = await self._device(packet.mn)
        if device is None:
            error = HJ212Error("unknown_mn", f"MN {packet.mn} is not a registered device")
        elif not device.active:
            error = HJ212Error("inactive", f"device {packet.mn} is registered but disabled")
        elif packet.pw != device.password:
            error = HJ212Error("password", f"wrong password for device {packet.mn}")
        elif variant is not device.crc:
            error = HJ212Error("crc", f"device {packet.mn} is registered with the {device.crc.value} CRC")
        else:
            return await self._accepted(packet, raw, peer, device)
        return await self._reject(raw, peer, error, packet, None if device is None else device.id)

    async def _accepted(self, packet: hj212.Packet, raw: bytes, peer: str, device: DeviceInfo) -> list[str]:
        text = raw.decode("utf-8")
        now = dt.datetime.now(dt.UTC)
        if packet.cn == hj212.CN_HEARTBEAT:
            await self._submit(Incoming(text, now, peer, "logged", device.id, packet.mn, touch_only=True))
            return [hj212.answer(packet, hj212.CN_NOTICE_ANSWER)] if packet.wants_answer else []
        if packet.cn not in ingest.KIND_BY_CN:
            await self._submit(
                Incoming(text, now, peer, "logged", device.id, packet.mn, packet.cn, packet.qn or "", packet.data_time)
            )
            if packet.cn.startswith("9") or not packet.wants_answer:
                return []
            cn = hj212.CN_NOTICE_ANSWER if packet.cn == "1013" else hj212.CN_DATA_ANSWER
            return [hj212.answer(packet, cn)]
        parts: tuple[hj212.Packet, ...] = (packet,)
        if packet.is_split:
            assert packet.pno is not None
            self._split_raw[_part_key(packet)] = text
            whole = self._split.add(packet, time.monotonic())
            if whole is None:
                return []
            packet, parts = whole
            text = "\n".join(self._split_raw.pop(_part_key(part), "") for part in parts)
        try:
            rows = ingest.rows(packet, now, self._zone, dt.timedelta(seconds=self.limits.future_tolerance))
        except HJ212Error as exc:
            return await self._reject(text.encode("utf-8"), peer, exc, packet, device.id, answer=parts)
        await self._submit(
            Incoming(
                text,
                now,
                peer,
                "stored",
                device.id,
                packet.mn,
                packet.cn,
                packet.qn or "",
                _aware(packet, self._zone),
                rows=rows,
            )
        )
        self.counts["stored"] += 1
        return [hj212.answer(part, hj212.CN_DATA_ANSWER) for part in parts if part.wants_answer]

    async def _reject(
        self,
        raw: bytes,
        peer: str,
        error: HJ212Error,
        packet: hj212.Packet | None = None,
        device_id: int | None = None,
        answer: Iterable[hj212.Packet] | None = None,
    ) -> list[str]:
        self.counts[f"rejected:{error.reason}"] += 1
        logger.info("HJ 212 packet from %s refused (%s): %s", peer, error.reason, error)
        await self._submit(
            Incoming(
                raw.decode("utf-8", "replace"),
                dt.datetime.now(dt.UTC),
                peer,
                "rejected",
                device_id,
                packet.mn if packet else "",
                packet.cn if packet else "",
                (packet.qn or "") if packet else "",
                _aware(packet, self._zone) if packet else None,
                reason=error.reason,
                message=str(error),
            )
        )
        targets = list(answer) if answer is not None else ([packet] if packet is not None else [])
        code = QN_RTN.get(error.reason, "100")
        return [hj212.answer(part, hj212.CN_QN_ANSWER, f"QnRtn={code}") for part in targets]

    # -- writer -------------------------------------------------------------------------------------------------

    async def _submit(self, item: Incoming) -> None:
        assert self._queue is not None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Job(item, done))
        await done

    async def _writer(self) -> None:
        """Group commit: take what is queued (after *batch_wait* if less than a batch), store it in one transaction,
        then release every packet of the batch to be answered."""
        assert self._queue is not None
        queue, limits = self._queue, self.limits
        while True:
            jobs = [await queue.get()]
            if limits.batch_wait > 0 and queue.qsize() < limits.batch_size - 1:
                await asyncio.sleep(limits.batch_wait)
            while len(jobs) < limits.batch_size and not queue.empty():
                jobs.append(queue.get_nowait())
            try:
                await self._store_jobs(jobs)
            finally:
                for _ in jobs:
                    queue.task_done()

    async def _store_jobs(self, jobs: list[_Job]) -> None:
        """One transaction for the batch; if it fails, each packet in a transaction of its own, so that one packet
        the database refuses neither loses nor wrongly acknowledges the others."""
        loop = asyncio.get_running_loop()
        self.counts["batches"] += 1
        try:
            await loop.run_in_executor(self._executor, self._store, [job.item for job in jobs])
        except Exception:
            if len(jobs) == 1:
                logger.exception("HJ 212 receiver: storing a packet from %s failed; not answered", jobs[0].item.peer)
                _settle(jobs[0], StoreFailed())
                return
            logger.warning("HJ 212 receiver: a batch of %d packets failed; storing them one by one", len(jobs))
            self.counts["batch_fallback"] += 1
            for job in jobs:
                await self._store_jobs([job])
        else:
            for job in jobs:
                _settle(job, None)

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            for parts in self._split.expire(time.monotonic()):
                text = "\n".join(self._split_raw.pop(_part_key(part), "") for part in parts)
                first = parts[0]
                error = HJ212Error(
                    "split_incomplete",
                    f"split packet got {len(parts)} of {first.pnum} parts within {self.limits.split_timeout:.0f} s",
                )
                device = self._devices.get(first.mn)
                task = asyncio.create_task(
                    self._reject(text.encode("utf-8"), "", error, first, device.id if device else None, answer=())
                )
                self._background.add(task)
                task.add_done_callback(self._background.discard)
            if time.monotonic() - self._devices_loaded > self.limits.device_refresh:
                await self._reload_devices()


def _settle(job: _Job, error: Exception | None) -> None:
    if job.done.done():  # the connection went away meanwhile
        return
    if error is None:
        job.done.set_result(None)
    else:
        job.done.set_exception(error)


def _part_key(packet: hj212.Packet) -> tuple[str, str, str, int, str, int]:
    return (packet.mn, packet.st, packet.cn, packet.pnum or 0, packet.params.get("DataTime", ""), packet.pno or 0)


def _unframe(raw: bytes) -> tuple[str, CrcVariant]:
    """The data segment and the CRC variant it verifies with (the standard's first)."""
    try:
        return hj212.unframe(raw, CrcVariant.HJ212), CrcVariant.HJ212
    except HJ212Error as exc:
        if exc.reason != "crc":
            raise
        try:
            return hj212.unframe(raw, CrcVariant.MODBUS), CrcVariant.MODBUS
        except HJ212Error:
            raise exc from None


def _readable(raw: bytes) -> hj212.Packet | None:
    """The data segment of a packet refused for its frame or CRC, when it still reads (to answer it)."""
    try:
        return hj212.parse_segment(raw[6:-4].decode("utf-8"))
    except (HJ212Error, UnicodeDecodeError):
        return None


def _aware(packet: hj212.Packet, zone: ZoneInfo) -> dt.datetime | None:
    return None if packet.data_time is None else packet.data_time.replace(tzinfo=zone)


def django_receiver(limits: Limits | None = None) -> Receiver:
    """A receiver storing into the configured database (Django must be set up)."""
    from django.conf import settings
    from django.db import close_old_connections, connections

    from meili.online import services

    def store(items: list[Incoming]) -> None:
        try:
            services.store_batch(items)
        except Exception:
            close_old_connections()
            raise

    return Receiver(
        store, services.device_table, ZoneInfo(settings.TIME_ZONE), limits, on_thread_exit=connections.close_all
    )
