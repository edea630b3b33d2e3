"""A device simulator: registered devices send minute (CN 2051) and hourly (CN 2061) data over TCP.

For demonstrations, load tests and installation checks (``meili hj212 simulate``). Values are plausible for the
port's medium: flue gas (颗粒物 a34013, SO2 a21026, NOx a21002, O2 a19001, temperature, velocity, flow with
Zs* values 折算 to the port's reference O2) or wastewater (COD w01018, NH3-N w21003, TP w21011, TN w21001, pH,
flow). Each packet asks for an answer (Flag A bit) and the simulator measures the time to the answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
import time
from zoneinfo import ZoneInfo

from meili.standards import hj212

#: code → (typical mean, relative spread, decimals); flue-gas concentrations in mg/m³, O2 in %, flow in m³/s
AIR = {
    "a34013": (8.0, 0.35, 2),
    "a21026": (35.0, 0.30, 2),
    "a21002": (80.0, 0.25, 2),
    "a19001": (9.5, 0.08, 2),
    "a01012": (55.0, 0.06, 1),
    "a01011": (10.0, 0.10, 2),
    "a00000": (30.0, 0.10, 3),
}
AIR_POLLUTANTS = ("a34013", "a21026", "a21002")
#: wastewater concentrations in mg/L, pH dimensionless, flow w00000 in L/s
WATER = {
    "w01018": (35.0, 0.30, 1),
    "w21003": (2.0, 0.40, 3),
    "w21011": (0.25, 0.35, 3),
    "w21001": (9.0, 0.30, 2),
    "w01001": (7.3, 0.04, 2),
    "w00000": (15.0, 0.25, 2),
}


def _local_now(zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.now(zone).replace(tzinfo=None)


@dataclasses.dataclass(frozen=True)
class Profile:
    """One simulated device: its MN, password, edition, CRC variant, medium and reference O2."""

    mn: str
    password: str
    edition: hj212.Edition
    crc: hj212.CrcVariant
    medium: str = "air"
    reference_o2: float = 9.0


def registered_profiles(limit: int) -> list[Profile]:
    """The first *limit* active registered devices as profiles (Django must be set up)."""
    from meili.online.models import Device

    profiles = []
    for device in Device.objects.filter(active=True).select_related("port").order_by("pk")[:limit]:
        port = device.port
        profiles.append(
            Profile(
                device.mn,
                device.password,
                hj212.Edition(device.edition),
                hj212.CrcVariant(device.crc),
                port.medium if port else "air",
                (port.reference_o2 if port and port.reference_o2 is not None else 9.0),
            )
        )
    return profiles


def minute_values(profile: Profile, rng: random.Random, minutes: int = 1) -> list[tuple[str, str]]:
    """``code-Field``/value pairs of one period (HJ 212-2017 表4: Min, Avg, Max, Cou, Zs*, Flag)."""
    table = AIR if profile.medium == "air" else WATER
    means = {code: max(0.0, rng.gauss(mean, mean * spread)) for code, (mean, spread, _) in table.items()}
    flag = "N" if rng.random() > 0.01 else rng.choice("MDC")
    pairs: list[tuple[str, str]] = []
    o2 = min(means.get("a19001", 9.0), 20.0)
    for code, (_, spread, decimals) in table.items():
        avg = means[code]
        low, high = avg * (1 - spread / 3), avg * (1 + spread / 3)
        pairs += [(f"{code}-Min", f"{low:.{decimals}f}"), (f"{code}-Avg", f"{avg:.{decimals}f}")]
        pairs.append((f"{code}-Max", f"{high:.{decimals}f}"))
        if code in AIR_POLLUTANTS:
            zs = hj212.corrected_concentration(avg, o2, profile.reference_o2)
            pairs.append((f"{code}-ZsAvg", f"{zs:.{decimals}f}"))
            cou = avg * means["a00000"] * 60 * minutes * 1e-6  # kg over the period (附录D: C × Q × 10⁻⁶)
            pairs.append((f"{code}-Cou", f"{cou:.4f}"))
        pairs.append((f"{code}-Flag", flag))
    return pairs


def packet(profile: Profile, cn: str, moment: dt.datetime, values: list[tuple[str, str]], sent: dt.datetime) -> bytes:
    """One upload asking for an answer (Flag A bit), framed with the device's CRC variant."""
    segment = hj212.build_segment(
        qn=hj212.format_time(sent, millis=True),
        st="31" if profile.medium == "air" else "32",
        cn=cn,
        pw=profile.password,
        mn=profile.mn,
        flag=hj212.edition_flag(profile.edition, ack=True) if profile.edition else None,
        cp=hj212.cp_text(values, moment),
    )
    return hj212.frame(segment, profile.crc)


@dataclasses.dataclass
class Report:
    """What a simulation run saw."""

    sent: int = 0
    answered: int = 0
    refused: int = 0
    unanswered: int = 0
    latencies: list[float] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = dataclasses.field(default_factory=list)

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def text(self) -> str:
        rate = self.answered / self.seconds if self.seconds else 0.0
        return (
            f"sent {self.sent}, answered 9014 {self.answered}, refused (9011) {self.refused}, "
            f"unanswered {self.unanswered} in {self.seconds:.1f} s ({rate:,.0f} answered/s); answer latency "
            f"p50 {self.percentile(0.5) * 1000:.1f} ms, p99 {self.percentile(0.99) * 1000:.1f} ms"
            + (f"; errors: {'; '.join(self.errors[:3])}" if self.errors else "")
        )


async def _device(
    host: str,
    port: int,
    profile: Profile,
    timing: tuple[float, float, float],
    first: dt.datetime,
    zone: ZoneInfo,
    rng: random.Random,
    report: Report,
) -> None:
    interval, offset, stop_at = timing
    await asyncio.sleep(offset)
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        report.errors.append(f"{profile.mn}: {exc}")
        return
    moment = first
    next_send = time.monotonic()
    try:
        while time.monotonic() < stop_at:
            now_local = _local_now(zone)
            if moment + dt.timedelta(minutes=1) > now_local:  # caught up with the clock: wait for the minute
                await asyncio.sleep(
                    min(stop_at - time.monotonic(), (moment + dt.timedelta(minutes=1) - now_local).total_seconds())
                )
                continue
            batch = [packet(profile, "2051", moment, minute_values(profile, rng), _local_now(zone))]
            if moment.minute == 59:
                hour = moment.replace(minute=0)
                batch.append(packet(profile, "2061", hour, minute_values(profile, rng, 60), _local_now(zone)))
            for data in batch:
                started = time.monotonic()
                writer.write(data)
                await writer.drain()
                report.sent += 1
                try:
                    answer = await asyncio.wait_for(reader.readuntil(b"\n"), 30.0)
                except (TimeoutError, asyncio.IncompleteReadError):
                    report.unanswered += 1
                    return
                report.latencies.append(time.monotonic() - started)
                if b"CN=9014" in answer:
                    report.answered += 1
                else:
                    report.refused += 1
            moment += dt.timedelta(minutes=1)
            next_send += interval
            delay = next_send - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
    except (ConnectionError, OSError) as exc:
        report.errors.append(f"{profile.mn}: {exc}")
    finally:
        writer.close()


async def run(
    host: str,
    port: int,
    profiles: list[Profile],
    rate: float,
    duration: float | None,
    first: dt.datetime | None = None,
    seed: int = 7,
    zone: ZoneInfo | None = None,
) -> Report:
    """Play *profiles* at *rate* packets/s in all for *duration* seconds (``None``: until cancelled).

    DataTime is local time of *zone* (the platform's, Asia/Shanghai by default); the first minute is *first* or
    one day before now.
    """
    report = Report()
    hj212.crc_backend()  # load the compiled CRC before the clock starts
    zone = zone or ZoneInfo("Asia/Shanghai")
    start = first or (_local_now(zone) - dt.timedelta(days=1)).replace(second=0, microsecond=0)
    interval = len(profiles) / rate
    began = time.monotonic()
    stop_at = began + (duration if duration is not None else float("inf"))
    rng = random.Random(seed)
    tasks = [
        asyncio.create_task(
            _device(
                host,
                port,
                profile,
                (interval, interval * index / len(profiles), stop_at),
                start,
                zone,
                random.Random(rng.random()),
                report,
            )
        )
        for index, profile in enumerate(profiles)
    ]
    try:
        await asyncio.gather(*tasks)
    finally:
        report.seconds = time.monotonic() - began
    return report
