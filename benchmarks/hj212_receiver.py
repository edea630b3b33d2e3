"""Benchmark: the HJ 212 receiver with many simulated devices, on SQLite and (optionally) PostgreSQL.

For each database: migrate, register N devices, start ``meili hj212 serve`` as its own process, and let N
simulated devices (one TCP connection each, :mod:`meili.online.simulator`) send minute data at a total offered
rate, each waiting for its 9014 answer. Reports packets stored per second (counted in the database), the answer
latency (p50, p99) and the receiver's peak RSS. Baseline, same run, same simulator: a bare asyncio server that
answers every line at once without parsing or storing — the floor set by the simulator and the sockets.

Run from the repository (PostgreSQL: a database the benchmark may fill; its online tables are emptied first):

    PYTHONPATH=src python benchmarks/hj212_receiver.py [--devices 1000] [--rate 3000] [--duration 20]
        [--postgres postgres://user@host:5432/db]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from meili.online import simulator
from meili.standards import hj212

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "123456"


def _mn(n: int) -> str:
    return f"BENCH{n:09d}"


def _env(var: Path, database: str | None) -> dict[str, str]:
    env = {**os.environ, "MEILI_VAR_DIR": str(var), "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = database
    return env


def _django_step(env: dict[str, str], step: str, devices: int = 0) -> str:
    done = subprocess.run(
        [sys.executable, __file__, "--step", step, "--devices", str(devices)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    return done.stdout.strip()


def step(name: str, devices: int) -> None:
    """Steps that need Django, run in a child process with the leg's database settings."""
    from meili.cli.django_setup import setup

    setup()
    from django.db import connection, transaction

    from meili.online.models import Device, Packet, Reading

    if name == "prepare":
        with transaction.atomic():
            Reading.objects.all().delete()
            Packet.objects.all().delete()
            Device.objects.all().delete()
            Device.objects.bulk_create(Device(mn=_mn(n), password=PASSWORD) for n in range(devices))
        print(Device.objects.count())
    elif name == "count":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM online_packet WHERE status = 'stored'")
            packets = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM online_reading")
            readings = cursor.fetchone()[0]
        print(packets, readings)


def _profiles(devices: int) -> list[simulator.Profile]:
    return [
        simulator.Profile(_mn(n), PASSWORD, hj212.Edition.HJ212_2017, hj212.CrcVariant.HJ212) for n in range(devices)
    ]


def _simulate(port: int, devices: int, rate: float, duration: float) -> simulator.Report:
    first = dt.datetime(2025, 1, 1)
    return asyncio.run(simulator.run("127.0.0.1", port, _profiles(devices), rate, duration, first))


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found


def _children_rss_mb(pid: int) -> float:
    return sum(_peak_rss_mb(child) for child in _children(pid))


def _start(command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()
    if "listening on" not in line:
        server.kill()
        raise SystemExit(line + server.stdout.read())
    return server, int(line.rsplit(":", 1)[1].split()[0])


def _stop(server: subprocess.Popen[str]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=120)
    except subprocess.TimeoutExpired:
        server.kill()


def answer_server() -> None:
    """The baseline: answer every line with a fixed 9014 at once, nothing parsed or stored."""
    reply = hj212.frame(hj212.build_segment(qn="20250101000000000", st="91", cn="9014", pw="1", mn="M", flag=4))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\n"):
                writer.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        print(f"baseline listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()

    asyncio.run(main())


def leg(label: str, database: str | None, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp), database)
        subprocess.run([sys.executable, "-m", "meili", "migrate"], env=env, check=True, capture_output=True)
        _django_step(env, "prepare", args.devices)
        command = [sys.executable, "-m", "meili", "hj212", "serve", "--host", "127.0.0.1", "--port", "0"]
        server, port = _start([*command, "--workers", str(args.workers)], env)
        try:
            processes = [server.pid] if args.workers == 1 else _children(server.pid)
            cpu_before = sum(map(_cpu_seconds, processes))
            report = _simulate(port, args.devices, args.rate, args.duration)
            cpu = sum(map(_cpu_seconds, processes)) - cpu_before
            rss = _peak_rss_mb(server.pid) if args.workers == 1 else _children_rss_mb(server.pid)
        finally:
            _stop(server)
        packets, readings = map(int, _django_step(env, "count").split())
    print(
        f"{label} ({args.workers} receiver process{'es' if args.workers > 1 else ''}): stored {packets} packets ({readings} values) in {report.seconds:.1f} s = "
        f"{packets / report.seconds:,.0f} packets/s; answer p50 {report.percentile(0.5) * 1000:.1f} ms, "
        f"p99 {report.percentile(0.99) * 1000:.1f} ms; receiver CPU {cpu:.1f} s = "
        f"{cpu / max(packets, 1) * 1e6:.0f} µs per stored packet; receiver peak RSS {rss:.0f} MB in all; "
        f"refused {report.refused}, unanswered {report.unanswered}, errors {len(report.errors)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=3000.0, help="offered packets per second, all devices")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--postgres", default=None, help="database URL for the PostgreSQL leg")
    parser.add_argument("--workers", type=int, default=1, help="receiver processes (meili hj212 serve --workers)")
    parser.add_argument("--step", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(args.step, args.devices)
        return
    if args.baseline_server:
        answer_server()
        return
    print(
        f"{args.devices} devices, offered {args.rate:,.0f} packets/s for {args.duration:.0f} s (minute data, 7 factors)"
    )
    server, port = _start([sys.executable, __file__, "--baseline-server"], _env(Path(tempfile.gettempdir()), None))
    try:
        base = _simulate(port, args.devices, args.rate, args.duration)
    finally:
        _stop(server)
    print(
        f"baseline (answer without parsing or storing): {base.answered / base.seconds:,.0f} answers/s; "
        f"p50 {base.percentile(0.5) * 1000:.1f} ms, p99 {base.percentile(0.99) * 1000:.1f} ms"
    )
    leg("sqlite", None, args)
    if args.postgres:
        leg("postgresql", args.postgres, args)


if __name__ == "__main__":
    main()
