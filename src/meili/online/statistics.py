"""Statistics of online data per enterprise, district or industry: capture rate, exceedance hours and days,
emissions against the permitted annual amounts (issue 14 item 5) — computed and stored by the evaluation, read by
the page, its downloads and the API.

The rule is :mod:`meili.standards.cems` (hourly/daily means, 折算, exceedance) and
:func:`meili.standards.cems_statistics.daily_figures` (capture, exceedance counts, C × Q emissions per day);
:func:`refresh` reads the stored data and the registry, runs them and stores one
:class:`~meili.online.models.DailyStatistic` per device, pollutant with a limit at its port, and local day:

* hours — the device's stored hourly values (CN 2061 ``Avg``; valid when the flag is one of the validity's
  ``valid_flags``), and for the hours a device did not report, the platform's hourly means of its stored minute
  values (the same :func:`meili.online.evaluation.minute_values` and rule as the alarms);
* expected hours — every hour of the day up to the computation time (definition of 有效数据捕集率 待确认, see
  the standards module); a day wholly after it gets no row;
* permitted amount — ``PortLimit.annual_amount_t`` (Excel template column 许可年排放量) of the port and
  pollutant, the largest where the hourly and the daily limit both set one, with the permit and port it comes
  from.

:func:`evaluation.evaluate <meili.online.evaluation.evaluate>` refreshes the days of its window in its
transaction; ``meili hj212 statistics PERIOD`` recomputes a month or a year. :func:`rows` only adds stored
days up: a month or a year is the sum of its days, and a year is compared with the permitted amount of each
port and pollutant on the period's last stored day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.online import evaluation
from meili.online.models import DailyStatistic, Device, Reading
from meili.sources.models import DischargePort, PortLimit
from meili.standards import cems
from meili.standards import cems_statistics as stats
from meili.web import pagecache

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


def _group_of(port: DischargePort, group: Group) -> tuple[str, str]:
    enterprise = port.enterprise
    if group == "district":
        district = enterprise.district
        return (district.code, district.name) if district else ("", _("未填区市"))
    if group == "industry":
        code = enterprise.industry_code
        return (code, enterprise.industry_name or code) if code else ("", _("未填行业"))
    return (str(enterprise.pk), enterprise.name)


def _owed(devices: dict[int, Device]) -> list[tuple[int, PortLimit]]:
    """(device, limit) of every limit at the port of each device."""
    limits = list(PortLimit.objects.filter(port_id__in={d.port_id for d in devices.values()}).order_by("pk"))
    return [(pk, lim) for pk, d in devices.items() for lim in limits if lim.port_id == d.port_id]


def figures(
    first: dt.date, last: dt.date, validity: cems.Validity | None = None, now: dt.datetime | None = None
) -> pl.DataFrame:
    """:func:`meili.standards.cems_statistics.daily_figures` of the local days *first*…*last* for every active
    device on a port, from the stored data (days after *now* have no row)."""
    rules = validity or cems.Validity()
    local_now = (now or timezone.now()).astimezone(_zone()).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    days = []
    day = first
    while day <= last:
        start = dt.datetime.combine(day, dt.time())
        owed_hours = int((min(start + dt.timedelta(days=1), local_now) - start).total_seconds() // 3600)
        if owed_hours > 0:
            days.append((day, owed_hours))
        day += dt.timedelta(days=1)
    devices = {
        d.pk: d for d in Device.objects.filter(port__isnull=False, active=True).select_related("port").order_by("pk")
    }
    owed = _owed(devices)
    if not days or not owed:
        return pl.DataFrame(schema=stats.DAILY_SCHEMA)
    expected = pl.DataFrame(days, schema={"day": pl.Date, "expected_hours": pl.Int64}, orient="row")
    pairs = {"device": pl.Int64, "code": pl.String}
    pollutants = pl.DataFrame([(pk, lim.parameter) for pk, lim in owed], schema=pairs, orient="row").unique()
    mass = pl.DataFrame(
        [(pk, lim.parameter) for pk, lim in owed if lim.unit.strip().lower().startswith("mg/")],
        schema=pairs,
        orient="row",
    ).unique()
    media = pl.DataFrame(
        [(pk, d.port.medium if d.port else "") for pk, d in devices.items()],
        schema={"device": pl.Int64, "medium": pl.String},
        orient="row",
    )
    since = dt.datetime.combine(days[0][0], dt.time())
    window = Period("", "month", since, dt.datetime.combine(days[-1][0], dt.time()) + dt.timedelta(days=1))
    hours = hours_of(list(devices), window, rules)
    limit_frame, refs, o2_codes = evaluation.port_limits()
    limit_frame = limit_frame.filter(pl.col("device").is_in(list(devices)))
    exceed_h = cems.exceedances(cems.correct_to_reference_o2(hours, refs, o2_codes), limit_frame, "hour")
    daily = cems.daily_means(hours, rules)
    exceed_d = cems.exceedances(cems.correct_to_reference_o2(daily, refs, o2_codes), limit_frame, "day")
    return stats.daily_figures(hours, exceed_h, exceed_d, pollutants, media, mass, expected)


def _permitted(devices: dict[int, Device]) -> dict[tuple[int, str], tuple[str, float | None, str]]:
    """(device, code) → (pollutant name, permitted annual amount, where it comes from) at the device's port."""
    out: dict[tuple[int, str], tuple[str, float | None, str]] = {}
    for pk, lim in _owed(devices):
        name, amount, source = out.get((pk, lim.parameter), (lim.parameter_name, None, ""))
        if lim.annual_amount_t is not None and (amount is None or lim.annual_amount_t > amount):
            port = devices[pk].port
            assert port is not None  # only devices on a port are counted
            permit = port.permit.number if port.permit else _("无许可证编号")
            amount, source = lim.annual_amount_t, f"{permit} {port.code} {lim.parameter}"
        out[(pk, lim.parameter)] = (name, amount, source)
    return out


def refresh(
    first: dt.date, last: dt.date, validity: cems.Validity | None = None, now: dt.datetime | None = None
) -> int:
    """Recompute and store the days *first*…*last* (local) of every device, replacing what was stored for them, in
    one transaction (a month at a time in memory); raises the ``online`` data version. Returns the rows stored."""
    if last < first:
        raise ValueError(f"statistics: last day {last} is before the first {first}")
    moment = now or timezone.now()
    devices = {
        d.pk: d
        for d in Device.objects.filter(port__isnull=False, active=True).select_related("port__permit").order_by("pk")
    }
    permitted = _permitted(devices)
    port_of = {pk: d.port_id for pk, d in devices.items() if d.port_id is not None}
    stored = 0
    with transaction.atomic():
        DailyStatistic.objects.filter(day__gte=first, day__lte=last).delete()
        chunk = first
        while chunk <= last:
            following = (chunk.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            upto = min(last, following - dt.timedelta(days=1))
            frame = figures(chunk, upto, validity, moment)
            objects = []
            for device, code, day, valid, expected, over, over_day, kg, kg_hours in frame.iter_rows():
                name, amount, source = permitted[(device, code)]
                objects.append(
                    DailyStatistic(
                        device_id=device,
                        port_id=port_of[device],
                        day=day,
                        code=code,
                        name=name,
                        valid_hours=valid,
                        expected_hours=expected,
                        exceed_hours=over,
                        exceed_day=over_day,
                        kg=kg,
                        emission_hours=kg_hours,
                        permitted_t=amount,
                        permitted_source=source,
                        computed=moment,
                    )
                )
            DailyStatistic.objects.bulk_create(objects, batch_size=2_000)
            stored += len(objects)
            chunk = following
        pagecache.bump("online")  # in the transaction that replaced the stored statistics
    return stored


def rows(period: Period, *, group: Group = "enterprise", district: str = "", industry: str = "") -> list[Row]:
    """The stored days of *period* added up per group and pollutant, filtered by district code and industry code
    (prefix); nothing is computed from the data here.

    A district that is not an org-unit code or an industry that is not a GB/T 4754 code (prefix) is a ValueError.
    """
    industry = industry.strip().upper()
    if not _DISTRICT.match(district):
        raise ValueError(_("区市代码无效：%(v)s") % {"v": district[:40]})
    if not _INDUSTRY.match(industry):
        raise ValueError(_("行业代码应为 GB/T 4754 代码（如 D44）：%(v)s") % {"v": industry[:40]})
    qs = DailyStatistic.objects.filter(day__gte=period.start.date(), day__lt=period.end.date())
    if district:
        qs = qs.filter(port__enterprise__district__code=district)
    if industry:
        qs = qs.filter(port__enterprise__industry_code__startswith=industry)
    sums = (
        qs.values("port_id", "code")
        .annotate(
            name=Max("name"),
            valid=Sum("valid_hours"),
            expected=Sum("expected_hours"),
            over=Sum("exceed_hours"),
            over_days=Count("pk", filter=Q(exceed_day=True)),
            kg=Sum("kg"),
            last=Max("day"),
        )
        .order_by("port_id", "code")
    )
    ports = {
        p.pk: p
        for p in DischargePort.objects.filter(pk__in={s["port_id"] for s in sums}).select_related(
            "enterprise__district"
        )
    }
    amounts: dict[tuple[int, str], float] = {}
    if period.kind == "year":
        lasts = {(s["port_id"], s["code"]): s["last"] for s in sums}
        for port_id, code, day, amount in (
            qs.filter(permitted_t__isnull=False, day__in=set(lasts.values()))
            .values_list("port_id", "code", "day", "permitted_t")
            .order_by("pk")
        ):
            if amount is not None and lasts.get((port_id, code)) == day:
                amounts[(port_id, code)] = amount
    out: dict[tuple[str, str], Row] = {}
    for s in sums:
        key, label = _group_of(ports[s["port_id"]], group)
        row = out.get((key, s["code"]))
        if row is None:
            row = out[(key, s["code"])] = Row(key, label, s["code"], s["name"])
        row.valid_hours += s["valid"]
        row.expected_hours += s["expected"]
        row.exceed_hours += s["over"]
        row.exceed_days += s["over_days"]
        if s["kg"] is not None:
            row.tonnes = (row.tonnes or 0.0) + s["kg"] / 1000.0
        amount = amounts.get((s["port_id"], s["code"]))
        if amount is not None:
            row.permitted_t = (row.permitted_t or 0.0) + amount
    return sorted(out.values(), key=lambda r: (r.label, r.key, r.code))


def computed_at(period: Period) -> dt.datetime | None:
    """When the stored days of *period* were last computed (the newest), or None when none is stored."""
    return DailyStatistic.objects.filter(day__gte=period.start.date(), day__lt=period.end.date()).aggregate(
        last=Max("computed")
    )["last"]


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
