"""``meili hj212 parse|serve|simulate``: HJ 212 packet logs, the receiver for devices and a device simulator.

``parse`` needs no database: it reads packet logs (one packet per line, CRLF or LF) and writes one CSV row per
value with the columns of :data:`COLUMNS`. ``serve`` and ``simulate`` work on the registered devices.
See docs/hj212.md.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from meili.standards import hj212

COLUMNS = (
    "line",
    "valid",
    "error",
    "qn",
    "st",
    "cn",
    "mn",
    "flag",
    "data_time",
    "code",
    "field",
    "value",
    "value_flag",
)
CRC_CHOICES = ("hj212", "modbus", "any")


def _variant(name: str) -> hj212.CrcVariant | None:
    return None if name == "any" else hj212.CrcVariant(name)


def packet_rows(number: int, raw: bytes, variant: hj212.CrcVariant | None) -> Iterator[tuple[object, ...]]:
    """The CSV rows of one log line: one per value, one for a packet without values, one for an invalid line.

    ``valid`` says whether the frame, length, CRC and the data segment's syntax are right; the values themselves
    are not judged (a value that is not a number is written as it came).
    """
    try:
        packet = hj212.parse(raw, variant)
    except hj212.HJ212Error as exc:
        yield (number, "false", f"{exc.reason}: {exc}", "", "", "", "", "", "", "", "", "", "")
        return
    moment = packet.data_time
    head = (
        number,
        "true",
        "",
        packet.qn or "",
        packet.st,
        packet.cn,
        packet.mn,
        "" if packet.flag is None else packet.flag,
        "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S"),
    )
    if not packet.entries:
        yield (*head, "", "", "", "")
        return
    flags = packet.flags
    for code, field, text in packet.entries:
        yield (*head, code, field, text, flags.get(code, ""))


def log_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line without CR LF) for every non-blank line of a packet log."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        line = line.rstrip(b"\r")
        if line.strip():
            yield number, line


def write_rows(rows: Iterable[tuple[object, ...]], out: Path) -> int:
    """Write the header and *rows* to *out*; return the number of rows."""
    count = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


@click.group()
def hj212_group() -> None:
    """HJ 212 online monitoring: parse packet logs, receive from devices, simulate devices."""


@hj212_group.command("parse")
@click.argument("logs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="CSV to write.")
@click.option(
    "--crc",
    type=click.Choice(CRC_CHOICES),
    default="hj212",
    show_default=True,
    help="CRC the devices use: HJ 212-2017 附录A, CRC-16/MODBUS, or either.",
)
def parse(logs: tuple[Path, ...], output: Path, crc: str) -> None:
    """Parse packet logs (one packet per line) into one CSV row per value.

    Columns: line,valid,error,qn,st,cn,mn,flag,data_time,code,field,value,value_flag. ``line`` counts from 1
    in each LOG (files in the order given); an invalid line gives one row with valid=false and the reason, and
    parsing goes on; blank lines are skipped.
    """
    variant = _variant(crc)
    counts = {"true": 0, "false": 0}

    def rows() -> Iterator[tuple[object, ...]]:
        for path in logs:
            for number, raw in log_lines(path.read_bytes()):
                first = True
                for row in packet_rows(number, raw, variant):
                    if first:
                        counts[str(row[1])] += 1
                        first = False
                    yield row

    written = write_rows(rows(), output)
    click.echo(f"{counts['true']} valid and {counts['false']} invalid packets, {written} rows → {output}", err=True)


def _django() -> None:
    from meili.cli.django_setup import check_database, setup

    setup()
    check_database()


def start_beside(host: str, port: int) -> subprocess.Popen[bytes] | None:
    """Start ``meili hj212 serve`` as a child of the web server's process (``meili run`` / ``meili serve``).

    The child stops when this process exits normally (atexit, in this process only: gunicorn's forked workers
    inherit the hook but are not its owner) and by itself when its parent disappears. *port* 0: no receiver.
    """
    if not port:
        return None
    child = subprocess.Popen(
        [sys.executable, "-m", "meili", "hj212", "serve", "--host", host, "--port", str(port), "--with-parent"]
    )
    owner = os.getpid()

    def stop() -> None:
        if os.getpid() == owner and child.poll() is None:
            child.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=30)

    atexit.register(stop)
    return child


@hj212_group.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=9212, show_default=True, type=int, help="TCP port (0 picks a free one).")
@click.option("--idle-timeout", default=600.0, show_default=True, type=float, help="Seconds a silent connection stays.")
@click.option("--max-connections", default=10_000, show_default=True, type=int)
@click.option("--future-tolerance", default=600.0, show_default=True, type=float, help="Seconds a DataTime may lead.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="Processes sharing the port (SO_REUSEPORT), e.g. one per core.",
)
@click.option("--with-parent", is_flag=True, hidden=True, help="Stop when the parent process ends.")
@click.option("--reuse-port", is_flag=True, hidden=True, help="Share the port with sibling workers.")
def serve(
    host: str,
    port: int,
    idle_timeout: float,
    max_connections: int,
    future_tolerance: float,
    workers: int,
    with_parent: bool,
    reuse_port: bool,
) -> None:
    """Receive HJ 212 packets from the registered devices and store them (answers after commit).

    With --workers N, N processes accept on the same port (the kernel spreads connections); each has its own
    writer, connection limit and split-packet buffer (parts of a split packet must come over one connection).
    """
    import asyncio
    import signal

    if workers > 1:
        options = {"--idle-timeout": idle_timeout, "--max-connections": max_connections}
        options["--future-tolerance"] = future_tolerance
        _serve_workers(host, port, workers, [str(item) for pair in options.items() for item in pair])
        return
    _django()
    from meili.online.receiver import Limits, django_receiver

    limits = Limits(idle_timeout=idle_timeout, max_connections=max_connections, future_tolerance=future_tolerance)

    async def main_loop() -> None:
        receiver = django_receiver(limits)
        bound_host, bound_port = await receiver.start(host, port, reuse_port=reuse_port)
        click.echo(f"HJ 212 receiver listening on {bound_host}:{bound_port}")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        serving = asyncio.create_task(receiver.serve_forever())
        parent = os.getppid()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
            if with_parent and os.getppid() != parent:
                stop.set()
        serving.cancel()
        await receiver.close()
        click.echo(f"HJ 212 receiver stopped: {dict(receiver.counts)}")

    asyncio.run(main_loop())


def _serve_workers(host: str, port: int, workers: int, options: list[str]) -> None:
    import signal
    import socket

    if not port:
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    command = [sys.executable, "-m", "meili", "hj212", "serve", "--host", host, "--port", str(port)]
    children = [
        subprocess.Popen([*command, *options, "--reuse-port", "--with-parent"], stdout=subprocess.PIPE, text=True)
        for _ in range(workers)
    ]
    for child in children:
        assert child.stdout is not None
        line = child.stdout.readline()
        if "listening on" not in line:
            for other in children:
                other.terminate()
            raise click.ClickException("a receiver worker did not start: " + line.strip())
    click.echo(f"HJ 212 receiver listening on {host}:{port} ({workers} workers)")

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for child in children:
        assert child.stdout is not None
        rest = child.stdout.read()
        child.wait()
        click.echo(rest.strip())


@hj212_group.command("simulate")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9212, show_default=True, type=int)
@click.option("--devices", default=10, show_default=True, type=int, help="How many registered devices to play.")
@click.option("--rate", default=10.0, show_default=True, type=float, help="Packets per second, all devices together.")
@click.option("--duration", default=None, type=float, help="Seconds to run (default: until Ctrl+C).")
@click.option("--start", default=None, help="DataTime of the first minute (YYYY-MM-DD HH:MM); default: now − 1 day.")
@click.option("--seed", default=7, show_default=True, type=int)
def simulate(
    host: str, port: int, devices: int, rate: float, duration: float | None, start: str | None, seed: int
) -> None:
    """Play registered devices: minute data (CN 2051) and hourly data (CN 2061) with answers requested.

    Each device sends the minutes from --start on, at its share of --rate, and waits for real time once it
    has caught up with the clock. Prints packets sent, answered, refused and the answer latency.
    """
    import asyncio
    import datetime as dt

    _django()
    from meili.online import simulator

    profiles = simulator.registered_profiles(devices)
    if not profiles:
        raise click.ClickException("no registered active device; register one with `meili hj212 device add`")
    from zoneinfo import ZoneInfo

    from django.conf import settings

    first = dt.datetime.fromisoformat(start) if start else None
    zone = ZoneInfo(settings.TIME_ZONE)
    report = asyncio.run(simulator.run(host, port, profiles, rate, duration, first, seed, zone))
    click.echo(report.text())


@hj212_group.group("device")
def device() -> None:
    """Registered devices (数采仪)."""


@device.command("add")
@click.argument("mn")
@click.option("--password", required=True, help="PW the device sends (up to 6 characters).")
@click.option("--port-id", type=int, default=None, help="Discharge port (id) the device measures.")
@click.option("--edition", type=click.Choice(["2005", "2017", "2025"]), default="2017", show_default=True)
@click.option("--crc", type=click.Choice(["hj212", "modbus"]), default="hj212", show_default=True)
@click.option("--name", default="")
def device_add(mn: str, password: str, port_id: int | None, edition: str, crc: str, name: str) -> None:
    """Register a device (as the system administrator; audited)."""
    _django()
    from django.core.exceptions import ValidationError

    from meili.cli.monitoring import _system_user
    from meili.online import services
    from meili.online.models import Device

    editions = {
        "2005": Device.Edition.HJT212_2005,
        "2017": Device.Edition.HJ212_2017,
        "2025": Device.Edition.HJ212_2025,
    }
    data = {"mn": mn, "password": password, "edition": editions[edition], "crc": crc, "name": name}
    if port_id is not None:
        from meili.sources.models import DischargePort

        data["port"] = DischargePort.objects.filter(pk=port_id).first()
        if data["port"] is None:
            raise click.ClickException(f"no discharge port with id {port_id}")
    try:
        saved = services.register_device(_system_user(), data, Device.objects.filter(mn=mn).first())
    except ValidationError as exc:
        raise click.ClickException("; ".join(exc.messages)) from exc
    click.echo(f"device {saved.mn} registered (id {saved.pk})")


@device.command("list")
def device_list() -> None:
    """List registered devices: MN, edition, CRC, port, last contact."""
    _django()
    from meili.online.models import Device

    for item in Device.objects.select_related("port__enterprise"):
        seen = f"{item.last_seen:%Y-%m-%d %H:%M:%S}" if item.last_seen else "-"
        click.echo(f"{item.mn}\t{item.get_edition_display()}\t{item.crc}\t{item.port or '-'}\t{seen}")


@hj212_group.command("evaluate")
@click.option("--since", default=None, help="Start (YYYY-MM-DD[ HH:MM], local time); default: two days ago.")
@click.option("--until", default=None, help="End, exclusive; default: the start of the current hour.")
@click.option(
    "--silence", default=30, show_default=True, type=int, help="Minutes without data that make a device offline."
)
@click.option(
    "--minutes-per-hour", default=45, show_default=True, type=int, help="Valid minutes for a valid hour (附录D)."
)
@click.option("--hours-per-day", default=20, show_default=True, type=int, help="Valid hours for a valid day (附录D).")
def evaluate(since: str | None, until: str | None, silence: int, minutes_per_hour: int, hours_per_day: int) -> None:
    """Raise exceedance alarms from stored minute data and offline alarms from silent devices."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    _django()
    from django.conf import settings

    from meili.online import evaluation
    from meili.standards.cems import Validity

    zone = ZoneInfo(settings.TIME_ZONE)
    now = dt.datetime.now(zone)
    end = (
        dt.datetime.fromisoformat(until).replace(tzinfo=zone)
        if until
        else now.replace(minute=0, second=0, microsecond=0)
    )
    start = dt.datetime.fromisoformat(since).replace(tzinfo=zone) if since else end - dt.timedelta(days=2)
    validity = Validity(minutes_per_hour=minutes_per_hour, hours_per_day=hours_per_day)
    exceed = evaluation.evaluate(start, end, validity)
    offline = evaluation.detect_offline(silence=dt.timedelta(minutes=silence))
    click.echo(
        f"{exceed} new exceedance alarms ({start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}), {offline} new offline alarms"
    )


@hj212_group.command("statistics")
@click.argument("period")
@click.option(
    "--minutes-per-hour", default=45, show_default=True, type=int, help="Valid minutes for a valid hour (附录D)."
)
@click.option("--hours-per-day", default=20, show_default=True, type=int, help="Valid hours for a valid day (附录D).")
def statistics_command(period: str, minutes_per_hour: int, hours_per_day: int) -> None:
    """Recompute the stored statistics (capture rate, exceedance hours, emissions) of PERIOD (YYYY or YYYY-MM).

    All or nothing: the period's stored days are replaced in one transaction. The evaluation refreshes the days it
    judges; run this after a change of limits or permitted amounts, or for data sent late.
    """
    import datetime as dt

    _django()
    from meili.online import statistics
    from meili.standards.cems import Validity

    try:
        chosen = statistics.parse_period(period)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    validity = Validity(minutes_per_hour=minutes_per_hour, hours_per_day=hours_per_day)
    last = (chosen.end - dt.timedelta(days=1)).date()
    stored = statistics.refresh(chosen.start.date(), last, validity)
    click.echo(f"{stored} daily statistics stored for {chosen.label} ({chosen.start:%Y-%m-%d} – {last:%Y-%m-%d})")
