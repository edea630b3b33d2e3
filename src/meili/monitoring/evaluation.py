"""Evaluating stored observations with the engines and storing the results.

After an import only what the new values can change is re-evaluated:

* air — the natural days (hour-end labels, GB 3095-2026 §3.10) of the changed hours at the changed sites:
  their hourly and daily AQI reports; the same days of every group (city, district) the sites belong to;
  then the months and years of those days for the sites and the groups (HJ 663 statistics);
* water, sea, groundwater, soil, noise — the months and the year of the changed samples at the changed sites;
  for water also the level of each river/lake those sites lie on (:func:`evaluate_water_bodies`);
* the districts' places by composite index for every month and year re-assessed (:func:`rank_districts`).

Results are replaced (delete + insert) per scope, code and period, in one transaction per step. Pages and
the API only read them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from meili.accounts.models import OrgUnit
from meili.monitoring import bulk
from meili.monitoring.importing import utc_text
from meili.monitoring.models import (
    AirDaily,
    AirHourly,
    AirPeriod,
    MediaResult,
    Medium,
    Observation,
    Scope,
    Site,
    Unranked,
    WaterBodyStatus,
)
from meili.standards import air as engine
from meili.standards import groundwater, noise, sea, soil, water
from meili.standards.air.editions import POLLUTANTS
from meili.web import pagecache

log = logging.getLogger(__name__)
LOCAL_TZ = "Asia/Shanghai"
FIELD = {"SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3", "PM10": "pm10", "PM2.5": "pm25"}
DAILY_FIELD = {
    "SO2": "so2",
    "NO2": "no2",
    "CO": "co",
    "PM10": "pm10",
    "PM2.5": "pm25",
    "O3_1h_max": "o3_1h_max",
    "O3_8h_max": "o3_8h_max",
}
Progress = Callable[[int, str], None]


# ------------------------------------------------------------------------------------------ loading


def _utc(day: dt.date, hour: int = 0) -> dt.datetime:
    local = dt.datetime(day.year, day.month, day.day) + dt.timedelta(hours=hour)
    return (local - dt.timedelta(hours=8)).replace(tzinfo=dt.UTC)


def load_observations(site_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """Current observations ``site, time (naive local), parameter, value, unit, below_dl`` in [start, end]."""
    ids = list(site_ids)
    schema = {
        "site": pl.String,
        "time": pl.Datetime("us"),
        "parameter": pl.String,
        "value": pl.Float64,
        "unit": pl.String,
        "below_dl": pl.Boolean,
    }
    if not ids:
        return pl.DataFrame(schema=schema)
    obs, site = Observation._meta.db_table, Site._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT s.code, {bulk.utc_text_sql('o.time')}, o.parameter, o.value, o.unit, o.flag FROM {obs} o "
        f"JOIN {site} s ON s.id = o.site_id WHERE o.site_id IN ({marks}) AND o.current = %s AND o.time >= %s "
        f"AND o.time <= %s"
    )
    params = [*ids, True, start, end]
    if connection.vendor == "sqlite":
        params[-2:] = [
            start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            end.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=schema)
    frame = pl.DataFrame(
        rows,
        schema={
            "site": pl.String,
            "time": pl.String,
            "parameter": pl.String,
            "value": pl.Float64,
            "unit": pl.String,
            "flag": pl.String,
        },
        orient="row",
    )
    time = pl.col("time").str.to_datetime("%Y-%m-%d %H:%M:%S").dt.replace_time_zone("UTC")
    return frame.with_columns(
        time.dt.convert_time_zone(LOCAL_TZ).dt.replace_time_zone(None).cast(pl.Datetime("us")).alias("time"),
        (pl.col("flag") == "below_dl").alias("below_dl"),
    ).select(list(schema))


def load_air_values(site_ids: dict[str, int], start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """Current hourly values of the six pollutants as the engine's wide table ``site, time (naive local), SO2,
    NO2, CO, O3, PM10, PM2.5`` in [start, end] for *site_ids* (code → id), one row per site and hour with a
    stored value, ordered by site id and time: what :func:`meili.standards.air.frames.to_wide` makes of the
    long values :func:`load_observations` gives for them. The database pivots (one row per hour instead of one
    per value), and PostgreSQL sends the rows as CSV (``COPY … TO STDOUT``) that Polars parses in one pass."""
    schema = {"site": pl.String, "time": pl.Datetime("us"), **dict.fromkeys(POLLUTANTS, pl.Float64)}
    if not site_ids:
        return pl.DataFrame(schema=schema)
    obs = Observation._meta.db_table
    columns = ", ".join(f"MAX(o.value) FILTER (WHERE o.parameter = '{p}')" for p in POLLUTANTS)
    read = {"id": pl.Int64, "time": pl.String, **dict.fromkeys(POLLUTANTS, pl.Float64)}
    if connection.vendor == "postgresql":
        # COPY takes no parameters: every literal is an integer id, a time this function formats, or a pollutant
        ids = ", ".join(str(int(i)) for i in site_ids.values())
        bounds = [f"'{t.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}+00'" for t in (start, end)]
        sql = (
            f"SELECT o.site_id, {bulk.utc_text_sql('o.time')}, {columns} FROM {obs} o WHERE o.site_id IN ({ids}) "
            f"AND o.current AND o.time >= {bounds[0]} AND o.time <= {bounds[1]} "
            f"AND o.parameter IN ({', '.join(repr(p) for p in POLLUTANTS)}) GROUP BY o.site_id, o.time "
            "ORDER BY o.site_id, o.time"
        )
        buffer = io.BytesIO()
        with connection.wrap_database_errors, connection.cursor() as cursor:  # COPY runs on the driver's cursor
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buffer.write(block)
        if not buffer.tell():
            return pl.DataFrame(schema=schema)
        frame = pl.read_csv(buffer.getvalue(), has_header=False, new_columns=list(read), schema=read)
    else:
        marks = ", ".join(["%s"] * len(site_ids))
        sql = (
            f"SELECT o.site_id, {bulk.utc_text_sql('o.time')}, {columns} FROM {obs} o WHERE o.site_id IN ({marks}) "
            f"AND o.current = %s AND o.time >= %s AND o.time <= %s AND o.parameter IN ({', '.join(['%s'] * len(POLLUTANTS))}) "
            "GROUP BY o.site_id, o.time ORDER BY o.site_id, o.time"
        )
        params = [
            *site_ids.values(),
            True,
            start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            end.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            *POLLUTANTS,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return pl.DataFrame(schema=schema)
        frame = pl.DataFrame(rows, schema=read, orient="row")
    codes = pl.DataFrame(
        {"id": list(site_ids.values()), "site": list(site_ids)}, schema={"id": pl.Int64, "site": pl.String}
    )
    time = pl.col("time").str.to_datetime("%Y-%m-%d %H:%M:%S").dt.replace_time_zone("UTC")
    return (
        frame.join(codes, on="id", how="left", maintain_order="left")
        .with_columns(
            time.dt.convert_time_zone(LOCAL_TZ).dt.replace_time_zone(None).cast(pl.Datetime("us")).alias("time")
        )
        .select(list(schema))
    )


# ---------------------------------------------------------------------------------------------- air


def air_groups() -> dict[tuple[str, str], list[str]]:
    """(scope, code) → member site codes: the city (its assessment stations) and each district."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    for code, in_city, district in Site.objects.filter(medium=Medium.AIR).values_list(
        "code", "in_city_assessment", "district__code"
    ):
        if in_city and city is not None:
            groups[(Scope.CITY, city.code)].append(code)
        if district:
            groups[(Scope.DISTRICT, district)].append(code)
    return dict(groups)


def _hourly_frame(report: pl.DataFrame, scope: str, code_days: dict[str, set[dt.date]]) -> pl.DataFrame:
    """The rows of the AirHourly table for each code's hours of its days, ready for :func:`bulk.insert`."""
    report = report.with_columns((pl.col("time") - pl.duration(hours=1)).dt.date().alias("__day")).join(
        _code_days_frame(code_days), left_on=["site", "__day"], right_on=["site", "date"], how="semi"
    )
    return report.select(
        pl.lit(str(scope)).alias("scope"),
        pl.col("site").alias("code"),
        utc_text(pl.col("time")).alias("time"),
        *[pl.col(p).alias(FIELD[p]) for p in POLLUTANTS],
        pl.col("AQI").cast(pl.Int64).alias("aqi"),
        pl.col("level").cast(pl.Int64).alias("level"),
        pl.col("primary_pollutants").fill_null("").alias("primary"),
        pl.col("AQI_valid").fill_null(False).alias("valid"),
        pl.col("standard"),
    )


def _code_days_frame(code_days: dict[str, set[dt.date]]) -> pl.DataFrame:
    """``site, date``: one row per code and day of *code_days*."""
    return pl.DataFrame(
        {
            "site": [code for code, days in code_days.items() for _ in days],
            "date": [day for days in code_days.values() for day in days],
        },
        schema={"site": pl.String, "date": pl.Date},
    )


def _counts_json(columns: list[str]) -> pl.Expr:
    """The ``counts`` JSON object of each row — the non-null ``n_*`` columns, in column order — as the text
    Django's JSONField writes (``json.dumps``: ``{"n_SO2": 24, "n_NO2": 23}``), built column-wise."""
    parts = [
        pl.when(pl.col(c).is_not_null()).then(pl.format(f'"{c}": {{}}', pl.col(c).cast(pl.Int64))) for c in columns
    ]
    if not parts:
        return pl.lit("{}")
    return pl.format("{{{}}}", pl.concat_str(parts, separator=", ", ignore_nulls=True).fill_null(""))


def _daily_frame(conc: pl.DataFrame, report: pl.DataFrame, scope: str, evaluated: str) -> pl.DataFrame:
    """The rows of the AirDaily table, ready for :func:`bulk.insert`: the unrounded daily values of *conc* and
    the daily report of the same site and day (``n_*`` counts as JSON, primary pollutants comma-separated)."""
    counts = [c for c in report.columns if c.startswith("n_")]
    merged = conc.select("site", "date", *DAILY_FIELD).join(
        report.select(
            "site", "date", "AQI", "level", "category", "primary_pollutants", "AQI_valid", "standard", *counts
        ),
        on=["site", "date"],
        how="left",
    )
    primary = pl.col("primary_pollutants")
    if merged.schema["primary_pollutants"] == pl.List(pl.String):
        primary = primary.list.join(",")
    return merged.select(
        pl.lit(str(scope)).alias("scope"),
        pl.col("site").alias("code"),
        pl.col("date").cast(pl.String).alias("date"),
        *[pl.col(c).alias(f) for c, f in DAILY_FIELD.items()],
        pl.col("AQI").cast(pl.Int64).alias("aqi"),
        pl.col("level").cast(pl.Int64).alias("level"),
        pl.col("category").fill_null("").alias("category"),
        primary.cast(pl.String).fill_null("").alias("primary"),
        pl.col("AQI_valid").fill_null(False).alias("valid"),
        _counts_json(counts).alias("counts"),
        pl.col("standard"),
        pl.lit(evaluated).alias("evaluated"),
    )


def _runs(days: set[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive runs of *days* as (first, last) pairs."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][1] == dt.timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(a, b) for a, b in runs]


def _days_range(days: set[dt.date]) -> tuple[dt.datetime, dt.datetime]:
    return _utc(min(days), 1), _utc(max(days) + dt.timedelta(days=1), 0)


@transaction.atomic
def _store_air_days(
    scope: str,
    code_days: dict[str, set[dt.date]],
    hourly: pl.DataFrame,
    conc: pl.DataFrame,
    stored: Callable[[str], None] | None = None,
) -> int:
    """Replace the hourly and daily rows of every code of *scope* on its days: deletes per run of days (codes
    with the same days share one), then one bulk insert of each table for all the codes."""
    same_days: dict[tuple[dt.date, ...], list[str]] = defaultdict(list)
    for code, days in code_days.items():
        same_days[tuple(sorted(days))].append(code)
    for days, codes in same_days.items():
        for first, last in _runs(set(days)):
            AirHourly.objects.filter(
                scope=scope, code__in=codes, time__gte=_utc(first, 1), time__lte=_utc(last, 24)
            ).delete()
            AirDaily.objects.filter(scope=scope, code__in=codes, date__gte=first, date__lte=last).delete()
    if hourly.height:
        bulk.insert(AirHourly._meta.db_table, _hourly_frame(hourly, scope, code_days), ("time",))
    written = 0
    if conc.height:
        conc = conc.join(_code_days_frame(code_days), on=["site", "date"], how="semi")
    if conc.height:
        report = engine.daily_index(conc)
        now = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows = _daily_frame(conc, report, scope, now)
        bulk.insert(AirDaily._meta.db_table, rows, ("evaluated",))
        written = rows.height
    if stored:
        for code in code_days:
            stored(code)
    pagecache.bump("monitoring")  # in the transaction that changed the results
    return written


class SiteYears:
    """Sub-progress of an evaluation, counted in site-years (a site's or group's days of one calendar year) per
    step: hourly and daily reports, group means, HJ 663 periods. Calls *progress* with the evaluation's
    percent (0–100) and a phase such as ``evaluate daily 3/10 site-years``."""

    STEPS = (("daily", 0, 60), ("groups", 60, 80), ("periods", 80, 100))

    def __init__(self, progress: Progress | None):
        self.progress = progress

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        lo, hi = next((a, b) for name, a, b in self.STEPS if name == step)
        percent = lo + (hi - lo) * done // max(total, 1)
        self.progress(percent, f"evaluate {step} {done}/{total} site-years")


def _years(days: Iterable[dt.date]) -> int:
    return len({d.year for d in days})


def evaluate_air_sites(site_days: dict[str, set[dt.date]], progress: Progress | None = None) -> dict:
    """Hourly and daily reports of the sites on the given days, then their groups, then the periods.

    *progress* (optional) hears the evaluation's percent and its site-years done per step (:class:`SiteYears`).
    """
    if not site_days:
        return {"sites": 0}
    ticks = SiteYears(progress)
    site_years = {code: _years(days) for code, days in site_days.items()}
    total = sum(site_years.values())
    done = 0
    ticks("daily", 0, total)

    def stored(code: str) -> None:
        nonlocal done
        done += site_years[code]
        ticks("daily", done, total)

    ids = dict(Site.objects.filter(medium=Medium.AIR, code__in=list(site_days)).values_list("code", "id"))
    all_days = set().union(*site_days.values())
    start, end = _days_range(all_days)
    wide = load_air_values(ids, start, end)
    hourly = engine.hourly(wide) if wide.height else wide
    conc = engine.daily_concentrations(wide) if wide.height else pl.DataFrame()
    days_written = _store_air_days(Scope.SITE, site_days, hourly, conc, stored)
    group_days: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    groups = air_groups()
    for key, members in groups.items():
        for code in members:
            if code in site_days:
                group_days[key] |= site_days[code]
    by_scope: dict[str, dict[str, set[dt.date]]] = defaultdict(dict)
    for (scope, code), days in group_days.items():
        by_scope[scope][code] = days
    group_total = sum(_years(days) for days in group_days.values())
    done = 0
    for scope, code_days in by_scope.items():
        ticks("groups", done, group_total)
        evaluate_air_groups(scope, {code: groups[(scope, code)] for code in code_days}, code_days, wide)
        done += sum(_years(days) for days in code_days.values())
    ticks("periods", 0, total + group_total)
    n_periods = evaluate_air_periods_in({Scope.SITE: site_days, **by_scope})
    ticks("periods", total + group_total, total + group_total)
    district_days = set().union(*(d for (scope, _), d in group_days.items() if scope == Scope.DISTRICT))
    rank_districts(_period_names(district_days))
    return {
        "site_days": sum(len(d) for d in site_days.values()),
        "daily_rows": days_written,
        "groups": sorted(f"{s}:{c}" for s, c in group_days),
        "periods": n_periods,
    }


def _period_names(days: Iterable[dt.date]) -> set[str]:
    """The year and month periods (``2019``, ``2019-03``) that contain *days*."""
    days = list(days)
    return {str(d.year) for d in days} | {f"{y}-{m:02d}" for y, m in _months_of(days)}


@transaction.atomic
def rank_districts(periods: Iterable[str]) -> int:
    """Store each district's place by composite index for *periods* (:func:`meili.standards.air.rank`:
    城市环境空气质量排名技术规定, ties share a place, only valid composite indexes are ranked); the others get
    no place and the reason (:class:`Unranked`). Returns how many rows were ranked."""
    ranked = 0
    for period in sorted(periods):
        rows = list(AirPeriod.objects.select_for_update().filter(scope=Scope.DISTRICT, period=period).order_by("code"))
        if not rows:
            continue
        frame = pl.DataFrame(
            {
                "composite_index": [r.composite_index for r in rows],
                "composite_valid": [bool(r.stats.get("composite_valid")) for r in rows],
            },
            schema={"composite_index": pl.Float64, "composite_valid": pl.Boolean},
        )
        places = engine.rank(frame, "composite_index")["rank_composite_index"].to_list()
        for row, place in zip(rows, places, strict=True):
            row.rank = place
            row.unranked = (
                "" if place is not None else (Unranked.NO_INDEX if row.composite_index is None else Unranked.INVALID)
            )
            ranked += place is not None
        AirPeriod.objects.bulk_update(rows, ["rank", "unranked"])
    pagecache.bump("monitoring")  # in the transaction that changed the results
    return ranked


def evaluate_air_group(
    scope: str, code: str, members: list[str], days: set[dt.date], loaded: pl.DataFrame | None = None
) -> None:
    """The city's or a district's hourly and daily reports (see :func:`evaluate_air_groups`)."""
    evaluate_air_groups(scope, {code: members}, {code: days}, loaded)


def evaluate_air_groups(
    scope: str,
    members: dict[str, list[str]],
    code_days: dict[str, set[dt.date]],
    loaded: pl.DataFrame | None = None,
) -> None:
    """Hourly and daily reports of the groups of one *scope* (the city, or the districts): means of their
    member sites (HJ 663, HJ 633), one read and one mean per scale for all the groups (a group's mean on a
    day or hour depends on its members' values then only).

    *members*: group code → member site codes; *code_days*: group code → the days to evaluate. *loaded*:
    hourly values already read for the sites being evaluated (:func:`load_air_values`' wide table, local
    times, covering the days); used instead of reading the members' values again when it holds them all.
    """
    everyone = sorted({site for codes in members.values() for site in codes})
    all_days = set().union(*code_days.values())
    first_day, last_day = min(all_days), max(all_days)
    stored = (
        AirDaily.objects.filter(scope=Scope.SITE, code__in=everyone, date__gte=first_day, date__lte=last_day)
        .order_by("code", "date")
        .values_list("code", "date", *DAILY_FIELD.values())
    )
    frame = pl.DataFrame(
        list(stored),
        schema={"site": pl.String, "date": pl.Date, **dict.fromkeys(DAILY_FIELD, pl.Float64)},
        orient="row",
    )
    membership = pl.DataFrame(
        {
            "site": [site for code in code_days for site in members[code]],
            "group": [code for code in code_days for _ in members[code]],
        },
        schema={"site": pl.String, "group": pl.String},
    )
    # each group's days only: its members' values on the days of another group of the scope do not enter it
    wanted = _code_days_frame(code_days).rename({"site": "group"})
    in_days = membership.join(wanted, on="group").select("site", "date").unique()
    frame = frame.join(in_days, on=["site", "date"], how="semi", maintain_order="left")
    conc = engine.aggregate(frame, membership, scale="daily") if frame.height else pl.DataFrame()
    if conc.height:
        conc = conc.select("site", "date", *DAILY_FIELD, *[c for c in conc.columns if c.startswith("n_")])
    first = dt.datetime(first_day.year, first_day.month, first_day.day, 1)
    last = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0))
    held = set(loaded["site"].unique().to_list()) if loaded is not None else set()
    wide = loaded.filter(pl.col("site").is_in(everyone) & pl.col("time").is_between(first, last)) if held else None
    missing = [site for site in everyone if site not in held]
    if missing:
        # members whose values were not read for the sites being evaluated (or have none): read them only
        ids = dict(Site.objects.filter(medium=Medium.AIR, code__in=missing).values_list("code", "id"))
        start, end = _days_range(all_days)
        more = load_air_values(ids, start, end)
        wide = more if wide is None else pl.concat([wide, more])
    hourly = engine.aggregate(wide, membership, scale="hourly") if wide.height else wide
    _store_air_days(scope, code_days, hourly, conc)


def _months_of(days: Iterable[dt.date]) -> set[tuple[int, int]]:
    return {(d.year, d.month) for d in days}


def evaluate_air_periods(scope: str, code: str, days: set[dt.date]) -> int:
    """HJ 663 statistics for the months and years that contain *days* (from the stored daily values)."""
    return evaluate_air_periods_in({scope: {code: days}})


def evaluate_air_periods_of(scope: str, code_days: dict[str, set[dt.date]]) -> int:
    """HJ 663 statistics for the months and years that contain each code's days (see
    :func:`evaluate_air_periods_in`)."""
    return evaluate_air_periods_in({scope: code_days})


def _zones(scope: str, codes: Iterable[str]) -> dict[str, int]:
    """Zone class of each code: a site's own (1 or 2), 2 for the city and districts."""
    if scope != Scope.SITE:
        return dict.fromkeys(codes, 2)
    stored = dict(Site.objects.filter(medium=Medium.AIR, code__in=list(codes)).values_list("code", "zone_class"))
    return {c: 1 if stored.get(c) == "1" else 2 for c in codes}


def _periods_of(days: Iterable[dt.date], year: int) -> list[tuple[str, dt.date, dt.date]]:
    periods = [(f"{year}", dt.date(year, 1, 1), dt.date(year, 12, 31))]
    for y, m in sorted(_months_of(d for d in days if d.year == year)):
        periods.append((f"{y}-{m:02d}", dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])))
    return periods


_KEY = "\x1f"  # joins scope and code into one assessment key (no code holds it)


@transaction.atomic
def evaluate_air_periods_in(scope_days: dict[str, dict[str, set[dt.date]]]) -> int:
    """HJ 663 statistics for the months and years that contain each code's days, from the stored daily values,
    for every scope at once (*scope_days*: scope → code → days): per year one read of the daily values and one
    assessment per period and zone class for all the codes of all the scopes (the statistics of a code depend
    on its own days only, so they are those of one call per code)."""
    written = 0
    zones = {scope: _zones(scope, code_days) for scope, code_days in scope_days.items()}
    years = sorted({d.year for code_days in scope_days.values() for days in code_days.values() for d in days})
    for year in years:
        periods: dict[tuple[str, str], list[tuple[str, dt.date, dt.date]]] = {}
        for scope, code_days in scope_days.items():
            for code, days in code_days.items():
                if any(d.year == year for d in days):
                    periods[(scope, code)] = _periods_of(days, year)
        same: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
        for (scope, code), wanted in periods.items():
            same[(scope, tuple(p for p, _, _ in wanted))].append(code)
        for (scope, names), codes in same.items():
            AirPeriod.objects.filter(scope=scope, code__in=codes, period__in=names).delete()
        if not periods:
            continue
        scopes = sorted({scope for scope, _ in periods})
        stored = AirDaily.objects.filter(
            scope__in=scopes, date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
        ).values_list("scope", "code", "date", *DAILY_FIELD.values())
        frame = pl.DataFrame(
            list(stored),
            schema={"scope": pl.String, "code": pl.String, "date": pl.Date, **dict.fromkeys(DAILY_FIELD, pl.Float64)},
            orient="row",
        )
        wanted_keys = pl.DataFrame(
            {"scope": [s for s, _ in periods], "code": [c for _, c in periods]},
            schema={"scope": pl.String, "code": pl.String},
        )
        frame = frame.join(wanted_keys, on=["scope", "code"], how="semi")
        if not frame.height:
            continue
        frame = frame.select(pl.concat_str("scope", pl.lit(_KEY), "code").alias("site"), pl.exclude("scope", "code"))
        daily = engine.daily_index(frame.sort("site", "date"))
        has_days = set(frame["site"].unique().to_list())
        assessed: dict[tuple[str, dt.date, dt.date, int], list[str]] = defaultdict(list)
        for (scope, code), wanted in periods.items():
            key = f"{scope}{_KEY}{code}"
            if key in has_days:
                for period in wanted:
                    assessed[(*period, zones[scope][code])].append(key)
        rows = []
        for (period, start, end, zone), keys in assessed.items():
            part = daily.filter(pl.col("site").is_in(keys))
            for row in engine.assess(part, start, end, zone_class=zone).iter_rows(named=True):
                scope, code = row["site"].split(_KEY)
                stats = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()} | {"site": code}
                rows.append(
                    AirPeriod(
                        scope=scope,
                        code=code,
                        period=period,
                        start=start,
                        end=end,
                        pm25=row["PM2.5_mean"],
                        good_days_ratio=row["good_days_ratio"],
                        valid_days=row["valid_days"],
                        complies=row["complies"],
                        composite_index=row["composite_index"],
                        stats=stats,
                        standard=row["standard"],
                    )
                )
        AirPeriod.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    pagecache.bump("monitoring")  # in the transaction that changed the results
    return written


# --------------------------------------------------------------------------------------- other media


def _site_frame(sites: list[Site]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "site": [s.code for s in sites],
            "type": [s.water_type or "river" for s in sites],
            "target_class": [s.target_class for s in sites],
        },
        schema={"site": pl.String, "type": pl.String, "target_class": pl.Int8},
    )


def _media_rows(medium: str, site: Site, year: int, samples: pl.DataFrame) -> list[MediaResult]:
    if not samples.height:
        return []
    samples = samples.with_columns(pl.col("unit").replace("", None))
    if medium == Medium.WATER:
        sites = _site_frame([site])
        monthly = water.classify(samples, sites, period="month")
        yearly = water.annual(samples, sites, year=year).with_columns(pl.lit(str(year)).alias("period"))
        out = []
        for r in pl.concat([monthly, yearly.drop("n_months", "enough_months")], how="diagonal_relaxed").iter_rows(
            named=True
        ):
            out.append(
                MediaResult(
                    medium=medium,
                    site=site,
                    period=r["period"],
                    klass=r["class"],
                    label=r["class_label"] or "",
                    target_met=r["target_met"],
                    deciding=r["deciding_items_cn"] or "",
                    main_pollutants=r["main_pollutants"] or "",
                    details=_plain(r),
                    standard=r["standard"],
                )
            )
        return out
    if medium in (Medium.SEA, Medium.GROUNDWATER):
        module = sea if medium == Medium.SEA else groundwater
        frames = [module.classify(samples, period="month"), module.classify(samples, period="year")]
        target = site.target_class or (2 if medium == Medium.SEA else 4)
        out = []
        for r in pl.concat(frames, how="diagonal_relaxed").iter_rows(named=True):
            out.append(
                MediaResult(
                    medium=medium,
                    site=site,
                    period=r["period"],
                    klass=r["class"],
                    label=r["class_label"] or "",
                    target_met=None if r["class"] is None else r["class"] <= target,
                    deciding=r["deciding_items_cn"] or "",
                    details=_plain(r) | {"target_class": target},
                    standard=r["standard"],
                )
            )
        return out
    if medium == Medium.SOIL:
        points = pl.DataFrame(
            {
                "site": [site.code],
                "ph": [site.ph],
                "land_use": [site.land_use or "旱地"],
                "land_class": [site.land_use or ""],
            }
        )
        if site.soil_kind == "construction":
            r = soil.construction(samples, points.select("site", "land_class")).row(0, named=True)
            label, met = r["result"], r["result"] == soil.BELOW_SCREENING
            registry = soil.construction_registry()
        else:
            r = soil.farmland(samples, points.select("site", "ph", "land_use")).row(0, named=True)
            label, met = r["category"], r["category"] == soil.CATEGORIES[0]
            registry = soil.farmland_registry()
        # the items above their screening values by the standard's own names (镉, not cd)
        above = [k for k in (r["above_screening"] or "").split(",") if k]
        deciding = "、".join(registry[k].short_cn if k in registry.items else k for k in above)
        return [
            MediaResult(
                medium=medium,
                site=site,
                period=str(year),
                label=label,
                target_met=met,
                deciding=deciding,
                details=_plain(r),
                standard=r["standard"],
            )
        ]
    if medium == Medium.NOISE:
        hourly = samples.filter(pl.col("parameter") == "leq").select("site", "time", pl.col("value").alias("leq"))
        levels = noise.period_levels(hourly).with_columns(pl.lit(site.zone_class or "2").alias("zone_class"))
        assessed = noise.assess(levels)
        out = []
        for r in assessed.iter_rows(named=True):
            met = (
                None
                if r["day_met"] is None and r["night_met"] is None
                else bool((r["day_met"] is not False) and (r["night_met"] is not False))
            )
            out.append(
                MediaResult(
                    medium=medium,
                    site=site,
                    period=r["date"].isoformat(),
                    target_met=met,
                    label=f"{r['ld']:.1f}/{r['ln']:.1f}" if r["ld"] is not None and r["ln"] is not None else "",
                    details=_plain(r),
                    standard=r["standard"],
                )
            )
        rates = noise.compliance_rates(assessed, by=None).row(0, named=True)
        out.append(
            MediaResult(
                medium=medium,
                site=site,
                period=str(year),
                target_met=rates["day_rate"] == 100 and rates["night_rate"] == 100,
                label=f"{rates['day_rate']}/{rates['night_rate']}",
                details=_plain(rates),
                standard=noise.STANDARD,
            )
        )
        return out
    raise ValueError(medium)


def _plain(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if isinstance(v, (dt.date, dt.datetime)):
            v = v.isoformat()
        elif isinstance(v, float) and v != v:
            v = None
        out[k] = v
    return out


@transaction.atomic
def evaluate_media_site_year(medium: str, site: Site, year: int) -> int:
    """Classes of *site* for every month of *year* and for the year, replacing those stored."""
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=8)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=8)
    samples = load_observations([site.pk], start, end - dt.timedelta(seconds=1))
    MediaResult.objects.filter(site=site, period__startswith=str(year)).delete()
    rows = _media_rows(medium, site, year, samples)
    MediaResult.objects.bulk_create(rows)
    pagecache.bump("monitoring")  # in the transaction that changed the results
    return len(rows)


@transaction.atomic
def evaluate_water_bodies(bodies: Iterable[str], years: Iterable[int]) -> int:
    """Level of each river/lake in *bodies* for each month and year of *years*, replacing those stored
    (:func:`meili.standards.water.water_body_status`, 环办〔2011〕22号 §R2.6–R2.7: ≥ 5 sections by the
    shares of Ⅰ–Ⅲ and 劣Ⅴ sections, fewer by the item means over the sections). Returns rows written."""
    written = 0
    for body in sorted(set(bodies)):
        sections = list(Site.objects.filter(medium=Medium.WATER, water_body=body).order_by("code"))
        for year in sorted(set(years)):
            periods = [str(year), *(f"{year}-{m:02d}" for m in range(1, 13))]
            WaterBodyStatus.objects.filter(water_body=body, period__in=periods).delete()
            if not sections:
                continue
            start = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=8)
            end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=8, seconds=1)
            samples = load_observations([s.pk for s in sections], start, end)
            if not samples.height:
                continue
            samples = samples.with_columns(pl.col("unit").replace("", None))
            sites = _site_frame(sections).with_columns(pl.lit(body).alias("river"))
            statuses = pl.concat(
                [water.water_body_status(samples, sites, by="river", period=p) for p in ("month", "year")],
                how="vertical_relaxed",
            )
            WaterBodyStatus.objects.bulk_create(
                WaterBodyStatus(
                    water_body=body,
                    period=str(r["period"]),
                    n_sections=r["n_sections"],
                    share_good=r["share_good"],
                    share_worse_v=r["share_worse_v"],
                    method=r["method"],
                    klass=r["class"],
                    label=r["class_label"] or "",
                    level=r["level"] or "",
                    main_pollutants=r["main_pollutants"] or "",
                    standard=water.STANDARD,
                )
                for r in statuses.iter_rows(named=True)
            )
            written += statuses.height
    pagecache.bump("monitoring")  # in the transaction that changed the results
    return written


# ------------------------------------------------------------------------------------------ drivers


def evaluate_affected(medium: str, affected: pl.DataFrame, progress: Progress | None = None) -> dict:
    """Re-evaluate what the (site, time) pairs in *affected* can change; returns what was done."""
    if not affected.height:
        return {}
    if medium == Medium.AIR:
        days = affected.with_columns((pl.col("time") - pl.duration(hours=1)).dt.date().alias("day"))
        site_days = {code: set(group["day"].to_list()) for (code,), group in days.group_by("site")}
        return evaluate_air_sites(site_days, progress)
    years = affected.with_columns(pl.col("time").dt.year().alias("year")).select("site", "year").unique()
    sites = {s.code: s for s in Site.objects.filter(medium=medium, code__in=years["site"].unique().to_list())}
    n = 0
    for k, (code, year) in enumerate(years.iter_rows()):
        if progress:
            progress(100 * k // years.height, f"evaluate {k}/{years.height} site-years")
        n += evaluate_media_site_year(medium, sites[code], year)
    summary = {"site_years": years.height, "results": n}
    if medium == Medium.WATER:
        bodies = {s.water_body for s in sites.values() if s.water_body}
        summary["water_bodies"] = evaluate_water_bodies(bodies, set(years["year"].to_list()))
    return summary


def evaluate_all(media: Iterable[str] | None = None, progress: Progress | None = None) -> dict:
    """Re-evaluate every stored observation (CLI ``meili import evaluate``, admin page)."""
    media = list(media or Medium.values)
    summary: dict = {}
    for i, medium in enumerate(media):
        base, span = int(100 * i / len(media)), max(1, int(100 / len(media)))
        if progress:
            progress(base, medium)
        pairs = _site_years(medium)
        if medium == Medium.AIR:
            years = sorted({y for _, y in pairs})
            for j, year in enumerate(years):
                codes = [c for c, y in pairs if y == year]
                days = {
                    dt.date(year, 1, 1) + dt.timedelta(days=k) for k in range(366 if calendar.isleap(year) else 365)
                }
                low, width = base + span * j / len(years), span / len(years)

                def within(percent: int, phase: str, low: float = low, width: float = width, year: int = year) -> None:
                    if progress:
                        progress(int(low + width * percent / 100), f"air {year}: {phase}")

                summary.setdefault(medium, []).append(evaluate_air_sites({c: set(days) for c in codes}, within))
                if progress:
                    progress(base + int(span * (j + 1) / len(years)), f"{medium} {year}")
        else:
            sites = {s.code: s for s in Site.objects.filter(medium=medium)}
            for k, (code, year) in enumerate(pairs):
                if progress:
                    progress(base + span * k // max(len(pairs), 1), f"{medium}: evaluate {k}/{len(pairs)} site-years")
                evaluate_media_site_year(medium, sites[code], year)
            summary[medium] = len(pairs)
            if medium == Medium.WATER:
                bodies = {sites[code].water_body for code, _ in pairs if sites[code].water_body}
                evaluate_water_bodies(bodies, {year for _, year in pairs})
    if progress:
        progress(100, "done")
    return summary


def _site_years(medium: str) -> list[tuple[str, int]]:
    """(site code, year) for every year between each site's first and last stored value (local time).

    For air the hour ending 1 January 00:00 belongs to the previous year's last natural day, so the span
    starts one hour earlier.
    """
    # each bound by one index probe (site, time …) instead of a grouped scan of every stored value
    current = Observation.objects.filter(current=True)
    shift = dt.timedelta(hours=1) if medium == Medium.AIR else dt.timedelta(0)
    local = dt.timezone(dt.timedelta(hours=8))
    out = set()
    for site_id, code in Site.objects.filter(medium=medium).values_list("id", "code"):
        first = current.filter(site_id=site_id).order_by("time").values_list("time", flat=True).first()
        if first is None:
            continue
        last = current.filter(site_id=site_id).order_by("-time").values_list("time", flat=True).first() or first
        out |= {
            (code, y) for y in range((first.astimezone(local) - shift).year, (last.astimezone(local) - shift).year + 1)
        }
    return sorted(out)
