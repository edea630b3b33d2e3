"""Statistics of online data per enterprise, district or industry: capture rate, exceedance hours and days,
emissions against the permitted annual amounts (issue 14 item 5).

The arithmetic is :mod:`meili.standards.cems` (hourly/daily means, 折算, exceedance) and
:mod:`meili.standards.cems_statistics` (capture rate, C × Q emissions, period sums); this module only reads the
stored data and the registry and adds the figures up by group:

* hours — the device's stored hourly values (CN 2061 ``Avg``; valid when the flag is one of the validity's
  ``valid_flags``), and for the hours a device did not report, the platform's hourly means of its stored minute
  values (the same :func:`meili.online.evaluation.minute_values` and rule as the alarms);
* expected hours — every hour of the period up to now, for every pollutant that has a limit at the port
  (definition of 有效数据捕集率 待确认, see the standards module);
* permitted amounts — ``PortLimit.annual_amount_t`` (Excel template column 许可年排放量), summed over the ports
  that set one; compared with the emissions of a year only (a month shows no permitted amount).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.online import evaluation
from meili.online.models import Device, Reading
from meili.sources.models import PortLimit
from meili.standards import cems
from meili.standards import cems_statistics as stats

GROUPS = ("enterprise", "district", "industry")
Group = Literal["enterprise", "district", "industry"]
_PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")
_DISTRICT = re.compile(r"^[-a-z0-9_]{0,40}$")
_INDUSTRY = re.compile(r"^[A-Z0-9]{0,5}$")


@dataclass(frozen=True)
class Period:
    """A calendar month (``2026-03``) or year (``2026``), local time, [start, end)."""

    label: str
    kind: stats.Period
    start: dt.datetime
    end: dt.datetime


def parse_period(text: str) -> Period:
    """``YYYY`` or ``YYYY-MM`` (years 2000–2100); anything else is a ValueError saying what is expected."""
    match = _PERIOD.match(text.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(_("统计时段应为年（如 2026）或月（如 2026-03），年份在 2000–2100 之间：%(v)s") % {"v": text})
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        start = dt.datetime(year, month, 1)
        end = dt.datetime(year + month // 12, month % 12 + 1, 1)
        return Period(f"{year}-{month:02d}", "month", start, end)
    return Period(str(year), "year", dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1))


@dataclass
class Row:
    """One group and one pollutant of the period."""

    key: str
    label: str
    code: str
    name: str
    valid_hours: int = 0
    expected_hours: int = 0
    exceed_hours: int = 0
    exceed_days: int = 0
    tonnes: float | None = None
    permitted_t: float | None = None

    @property
    def rate(self) -> float | None:
        return self.valid_hours / self.expected_hours if self.expected_hours else None

    @property
    def share(self) -> float | None:
        """Emission / permitted annual amount (year periods with a permitted amount)."""
        if self.tonnes is None or not self.permitted_t:
            return None
        return self.tonnes / self.permitted_t


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _stored_hours(devices: list[int], start: dt.datetime, end: dt.datetime, validity: cems.Validity) -> pl.DataFrame:
    zone = _zone()
    rows = Reading.objects.filter(
        kind=Reading.Kind.HOUR,
        field="Avg",
        device_id__in=devices,
        data_time__gte=start.replace(tzinfo=zone),
        data_time__lt=end.replace(tzinfo=zone),
    ).values_list("device_id", "data_time", "code", "value", "flag")
    frame = pl.DataFrame(
        [(d, t.astimezone(zone).replace(tzinfo=None), c, v, f or "N") for d, t, c, v, f in rows.iterator(2_000)],
        schema={
            "device": pl.Int64,
            "time": pl.Datetime("us"),
            "code": pl.String,
            "mean": pl.Float64,
            "flag": pl.String,
        },
        orient="row",
    )
    return frame.select(
        "device",
        "time",
        "code",
        "mean",
        pl.lit(None, dtype=pl.Int64).alias("count"),
        (pl.col("flag").is_in(sorted(validity.valid_flags)) & pl.col("mean").is_not_null()).alias("valid"),
    )


def hours_of(devices: list[int], period: Period, validity: cems.Validity) -> pl.DataFrame:
    """The hourly means of *devices* in *period*: stored hourly values first, the minutes' means for the rest."""
    zone = _zone()
    stored = _stored_hours(devices, period.start, period.end, validity)
    minutes = evaluation.minute_values(period.start.replace(tzinfo=zone), period.end.replace(tzinfo=zone)).filter(
        pl.col("device").is_in(devices)
    )
    computed = cems.hourly_means(minutes, validity).join(stored, on=["device", "time", "code"], how="anti")
    return pl.concat([stored, computed.select(stored.columns)]).sort("device", "code", "time")


def _group_of(device: Device, group: Group) -> tuple[str, str]:
    assert device.port is not None  # only devices on a port are counted
    enterprise = device.port.enterprise
    if group == "district":
        district = enterprise.district
        return (district.code, district.name) if district else ("", _("未填区市"))
    if group == "industry":
        code = enterprise.industry_code
        return (code, enterprise.industry_name or code) if code else ("", _("未填行业"))
    return (str(enterprise.pk), enterprise.name)


def compute(
    period: Period,
    *,
    group: Group = "enterprise",
    district: str = "",
    industry: str = "",
    validity: cems.Validity | None = None,
    now: dt.datetime | None = None,
) -> list[Row]:
    """Rows per group and pollutant for *period*, filtered by district code and industry code (prefix).

    A district that is not an org-unit code or an industry that is not a GB/T 4754 code (prefix) is a ValueError.
    """
    industry = industry.strip().upper()
    if not _DISTRICT.match(district):
        raise ValueError(_("区市代码无效：%(v)s") % {"v": district[:40]})
    if not _INDUSTRY.match(industry):
        raise ValueError(_("行业代码应为 GB/T 4754 代码（如 D44）：%(v)s") % {"v": industry[:40]})
    rules = validity or cems.Validity()
    devices_qs = Device.objects.filter(port__isnull=False, active=True).select_related("port__enterprise__district")
    if district:
        devices_qs = devices_qs.filter(port__enterprise__district__code=district)
    if industry:
        devices_qs = devices_qs.filter(port__enterprise__industry_code__startswith=industry)
    devices = {d.pk: d for d in devices_qs}
    if not devices:
        return []
    limits = list(PortLimit.objects.filter(port_id__in={d.port_id for d in devices.values()}).order_by("pk"))
    owed = [(pk, lim) for pk, d in devices.items() for lim in limits if lim.port_id == d.port_id]
    pollutants = pl.DataFrame(
        [(pk, lim.parameter) for pk, lim in owed], schema={"device": pl.Int64, "code": pl.String}, orient="row"
    ).unique()
    mass = pl.DataFrame(
        [(pk, lim.parameter) for pk, lim in owed if lim.unit.strip().lower().startswith("mg/")],
        schema={"device": pl.Int64, "code": pl.String},
        orient="row",
    ).unique()
    media = pl.DataFrame(
        [(pk, d.port.medium if d.port else "") for pk, d in devices.items()],
        schema={"device": pl.Int64, "medium": pl.String},
        orient="row",
    )

    hours = hours_of(list(devices), period, rules)
    days = cems.daily_means(hours, rules)
    limit_frame, refs, o2_codes = evaluation.port_limits()
    limit_frame = limit_frame.filter(pl.col("device").is_in(list(devices)))
    exceed_h = cems.exceedances(cems.correct_to_reference_o2(hours, refs, o2_codes), limit_frame, "hour")
    exceed_d = cems.exceedances(cems.correct_to_reference_o2(days, refs, o2_codes), limit_frame, "day")
    local_now = (now or timezone.now()).astimezone(_zone()).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    until = min(period.end, local_now)
    expected = max(0, int((until - period.start).total_seconds() // 3600))
    capture = stats.capture_rates(hours, pollutants, expected)
    tonnes = stats.period_emissions(stats.hourly_emissions(hours, media, mass), period.kind)

    per_device: dict[tuple[int, str], dict] = {}
    for device_pk, code, valid_hours, expected_hours in capture.select(
        "device", "code", "valid_hours", "expected_hours"
    ).iter_rows():
        per_device[(device_pk, code)] = {"valid": valid_hours, "expected": expected_hours}
    for frame, name in ((exceed_h, "exceed_hours"), (exceed_d, "exceed_days")):
        for device, code, n in frame.group_by("device", "code").len().iter_rows():
            per_device.setdefault((device, code), {})[name] = n
    for device, code, value in tonnes.select("device", "code", "tonnes").iter_rows():
        entry = per_device.setdefault((device, code), {})
        entry["tonnes"] = entry.get("tonnes", 0.0) + value

    out: dict[tuple[str, str], Row] = {}
    counted: set[tuple[int, str]] = set()
    for pk, lim in owed:
        key, label = _group_of(devices[pk], group)
        row: Row | None = out.get((key, lim.parameter))
        if row is None:
            row = out[(key, lim.parameter)] = Row(key, label, lim.parameter, lim.parameter_name)
        if (pk, lim.parameter) not in counted:
            counted.add((pk, lim.parameter))
            figures = per_device.get((pk, lim.parameter), {})
            row.valid_hours += figures.get("valid", 0)
            row.expected_hours += figures.get("expected", expected)
            row.exceed_hours += figures.get("exceed_hours", 0)
            row.exceed_days += figures.get("exceed_days", 0)
            if "tonnes" in figures:
                row.tonnes = (row.tonnes or 0.0) + figures["tonnes"]
    if period.kind == "year":
        amounts: dict[tuple[int | None, str], float] = {}
        for pk, lim in owed:
            if lim.annual_amount_t is not None:
                port_key = (devices[pk].port_id, lim.parameter)
                amounts[port_key] = max(amounts.get(port_key, 0.0), lim.annual_amount_t)
        ports_done: set[tuple[int | None, str]] = set()
        for device in devices.values():
            key, _label = _group_of(device, group)
            for (port_id, code), amount in amounts.items():
                if port_id == device.port_id and (port_id, code) not in ports_done:
                    ports_done.add((port_id, code))
                    target = out[(key, code)]
                    target.permitted_t = (target.permitted_t or 0.0) + amount
    return sorted(out.values(), key=lambda r: (r.label, r.key, r.code))


def table(rows: list[Row]) -> tuple[list[str], list[list]]:
    """Headers and cells of the page's table, for the CSV/Excel download."""
    headers = [
        _("统计对象"),
        _("污染物编码"),
        _("污染物名称"),
        _("有效小时数"),
        _("应有小时数"),
        _("数据捕集率（%）"),
        _("超标小时数"),
        _("超标天数"),
        _("排放量（t）"),
        _("许可年排放量（t）"),
        _("占许可量（%）"),
    ]
    cells = [
        [
            r.label,
            r.code,
            r.name,
            r.valid_hours,
            r.expected_hours,
            None if r.rate is None else round(r.rate * 100, 1),
            r.exceed_hours,
            r.exceed_days,
            None if r.tonnes is None else round(r.tonnes, 4),
            r.permitted_t,
            None if r.share is None else round(r.share * 100, 1),
        ]
        for r in rows
    ]
    return headers, cells
