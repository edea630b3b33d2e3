"""The dense path: daily values, daily AQI and period statistics from (site, hour) blocks with compiled kernels.

The general path (:mod:`.daily`, :mod:`.assessment`) is a Polars group-by over every (site, natural day).
When the hourly frame is — or is made into, by the same ``_complete_grid`` the general path uses — blocks of
consecutive hours per site, each site's hours map to slots ``(day, 0…23)`` by arithmetic alone (slot 0 = the
hour ending 01:00), and one pass over the Arrow buffers of the six columns (read in place, nulls from the
validity bitmap) yields the daily means and counts, the O3 1-hour maximum, the O3 8-hour windows ending
08:00 … 24:00 and MDA8, the GB/T 8170 rounding, the exact integer IAQIs and the AQI. Strings (level texts,
pollutant lists) come from the same Polars lookups as the general path.

The rules are those of :mod:`.daily`, :mod:`.iaqi` and :mod:`.assessment` and use their constants and
tables; the few arithmetic steps that a compiled kernel cannot borrow from a Polars expression (the GB/T 8170
tie test, the integer ceiling, the percentile interpolation) are written here in the same floating-point and
integer operations, in the same order, so the output is identical — the test suite compares both paths
column by column (random grids with gaps, the edition switch, the Weihai 2019 data).

Needs numba; without it (or for input it does not cover: time zones, NaN values, duplicate hours …) the
callers take the general path.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import ExitStack

import numpy as np
import polars as pl

from ._arrow import buffers
from .editions import DECIMALS, SWITCH_DATE, Edition, get_edition
from .frames import by_edition
from .iaqi import TIE_TOLERANCE, _above_top, from_scaled_expr, label_names, level_exprs

try:  # pragma: no cover - exercised by whichever environment runs the tests
    if os.environ.get("MEILI_AIR_DENSE", "1") == "0":
        raise ImportError("disabled by MEILI_AIR_DENSE=0")
    import numba
    from numba import njit, prange
    AVAILABLE = True
except ImportError:  # pragma: no cover
    numba = None
    AVAILABLE = False

    def njit(*args, **kwargs):
        return (lambda f: f) if not args or not callable(args[0]) else args[0]

    prange = range

NULL = np.iinfo(np.int64).min
TIE_HI = 0.5 + TIE_TOLERANCE
TIE_LO = 0.5 - TIE_TOLERANCE
EPOCH = dt.date(1970, 1, 1)
#: kernel order of the daily indicators (= daily.CONCENTRATION_COLUMNS / IAQI_COLUMNS)
IAQI_TERMS = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h")
#: bit order of the ``missing`` mask (daily._daily_index_one lists O3_8h before O3_1h)
MISSING_TERMS = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h", "O3_1h")
_TABLE_OF = (("SO2", "24h"), ("NO2", "24h"), ("CO", "24h"), ("PM10", "24h"), ("PM2.5", "24h"), ("O3", "1h"),
             ("O3", "8h"))
_SCALE = np.array([float(10 ** DECIMALS[p]) for p, _ in _TABLE_OF])
_MEAN_INPUTS = ("SO2", "NO2", "CO", "PM10", "PM2.5")


def _edition_tables() -> tuple[np.ndarray, ...]:
    """IAQI tables of both editions as arrays: segments [e, column, k, (iaqi_lo, iaqi_hi, conc_lo, conc_hi)],
    their count, the value above the top (NULL = none), whether that is flagged, whether the column is used."""
    eds = (get_edition("2012"), get_edition("2026"))
    width = max(len(ed.breakpoints[key]) for ed in eds for key in _TABLE_OF)
    seg = np.zeros((2, 7, width, 4), dtype=np.int64)
    nseg = np.zeros((2, 7), dtype=np.int64)
    above = np.full((2, 7), NULL, dtype=np.int64)
    flagged = np.zeros((2, 7), dtype=np.bool_)
    used = np.ones((2, 7), dtype=np.bool_)
    for e, ed in enumerate(eds):
        for c, (pollutant, averaging) in enumerate(_TABLE_OF):
            segments = ed.breakpoints[(pollutant, averaging)]
            nseg[e, c] = len(segments)
            for k, s in enumerate(segments):
                seg[e, c, k] = (s.iaqi_lo, s.iaqi_hi, s.conc_lo, s.conc_hi)
            value, flag = _above_top(ed, pollutant, averaging)
            above[e, c] = NULL if value is None else value
            flagged[e, c] = flag
        used[e, 5] = ed.daily_o3_1h
    return seg, nseg, above, flagged, used


# --------------------------------------------------------------------------------------------- kernels

@njit(cache=True, inline="always")
def _gbt8170(x, scale):
    """iaqi.round_gbt8170_expr for one non-NaN value: NULL for negatives, else round half to even."""
    if x < 0:
        return NULL
    y = x * scale
    f = np.floor(y)
    frac = y - f
    if frac > TIE_HI:
        r = f + 1.0
    elif frac < TIE_LO:
        r = f
    else:
        r = f + (f % 2.0)
    return np.int64(r)


@njit(cache=True, inline="always")
def _iaqi(c, seg, nseg, above):
    """iaqi.iaqi_scaled_expr for one rounded concentration: eq. (1) with the integer ceiling."""
    for k in range(nseg):
        if c <= seg[k, 3]:
            den = seg[k, 3] - seg[k, 2]
            num = (c - seg[k, 2]) * (seg[k, 1] - seg[k, 0])
            return (num + (den - 1)) // den + seg[k, 0]
    return above


@njit(cache=True, inline="always")
def _valid(bitmap, offset, has_bitmap, i):
    if not has_bitmap:
        return True
    j = offset + i
    return (bitmap[j >> 3] >> (j & 7)) & 1 == 1


@njit(cache=True, parallel=True)
def _blocks(codes, t, step):
    """Start rows of the runs of equal *codes*; ok is False if within a run *t* does not advance by *step*."""
    n = codes.shape[0]
    chunks = 64 if n > 64 else 1
    counts = np.zeros(chunks, dtype=np.int64)
    bad = np.zeros(chunks, dtype=np.bool_)
    for c in prange(chunks):
        lo = 1 + (n - 1) * c // chunks
        hi = 1 + (n - 1) * (c + 1) // chunks
        k = 0
        for i in range(lo, hi):
            if codes[i] != codes[i - 1]:
                k += 1
            elif t[i] - t[i - 1] != step:
                bad[c] = True
        counts[c] = k
    if bad.any():
        return False, np.zeros(0, dtype=np.int64)
    first = np.zeros(chunks, dtype=np.int64)
    for c in range(1, chunks):
        first[c] = first[c - 1] + counts[c - 1]
    starts = np.empty(counts.sum() + 2, dtype=np.int64)
    starts[0] = 0
    starts[-1] = n
    for c in prange(chunks):
        lo = 1 + (n - 1) * c // chunks
        hi = 1 + (n - 1) * (c + 1) // chunks
        k = first[c] + 1
        for i in range(lo, hi):
            if codes[i] != codes[i - 1]:
                starts[k] = i
                k += 1
    return True, starts


@njit(cache=True, parallel=True)
def _daily_kernel(values, bitmaps, offsets, has_bitmaps, row_start, n_hours, lead, out_start, n_days, first_day,
                  min_hours, o3_min_hours, mda8_min_windows, exceedance_limit, use_exceedance, switch_day, forced,
                  seg, nseg, above, flagged, used, scale,
                  counts, conc_ok, scaled, iaqi, aqi, primary, exceeding, missing, beyond, is_new, date, bad):
    """One pass per site over its hours (daily._daily_concentrations and daily._daily_index_one, per row).

    values/bitmaps/offsets/has_bitmaps: SO2, NO2, CO, PM10, PM2.5, O3. Outputs are indexed [column, row]
    (counts: n_SO2 … n_O3, n_O3_8h; conc_ok/scaled/iaqi: the seven daily indicators).
    """
    o3v = values[5]
    o3b = bitmaps[5]
    o3off = offsets[5]
    o3has = has_bitmaps[5]
    for s in prange(row_start.shape[0]):
        rs = row_start[s]
        nh = n_hours[s]
        slot_vals = np.zeros(24, dtype=np.int64)
        slot_ok = np.zeros(24, dtype=np.bool_)
        for k in range(n_days[s]):
            r = out_start[s] + k
            base = k * 24 - lead[s]
            jlo = max(0, -base)
            jhi = min(24, nh - base)
            day = first_day[s] + k
            date[r] = day
            e = 1 if forced == 1 or (forced == -1 and day >= switch_day) else 0
            is_new[r] = e == 1
            conc = np.empty(7, dtype=np.float64)
            ok = np.zeros(7, dtype=np.bool_)
            # the five daily means
            for q in range(5):
                vals = values[q]
                bm = bitmaps[q]
                off = offsets[q]
                hb = has_bitmaps[q]
                total = 0.0
                n = 0
                for j in range(jlo, jhi):
                    i = rs + base + j
                    if _valid(bm, off, hb, i):
                        total += vals[i]
                        n += 1
                if not np.isfinite(total):
                    bad[s] = True
                counts[q, r] = n
                if n > 0 and n >= min_hours:
                    conc[q] = total / n
                    ok[q] = True
            # O3: hourly values at 0.001 µg/m³ (daily.O3_RESOLUTION), 1-hour maximum, 8-hour windows, MDA8
            n = 0
            top = -np.inf
            for j in range(24):
                slot_ok[j] = False
                slot_vals[j] = 0
            for j in range(jlo, jhi):
                i = rs + base + j
                if _valid(o3b, o3off, o3has, i):
                    x = o3v[i]
                    if not np.isfinite(x) or abs(x) > 1e12:
                        bad[s] = True
                        x = 0.0
                    slot_ok[j] = True
                    slot_vals[j] = np.int64(np.rint(x * 1000.0))
                    if x > top:
                        top = x
                    n += 1
            counts[5, r] = n
            if n > 0 and n >= min_hours:
                conc[5] = top
                ok[5] = True
            windows = 0
            best = -np.inf
            for j in range(7, 24):
                total8 = np.int64(0)
                n8 = 0
                for m in range(j - 7, j + 1):
                    if slot_ok[m]:
                        total8 += slot_vals[m]
                        n8 += 1
                if n8 >= o3_min_hours and n8 > 0:
                    mean8 = np.float64(total8) / np.float64(n8 * 1000)
                    windows += 1
                    if mean8 > best:
                        best = mean8
            counts[6, r] = windows
            if windows > 0:
                keep = windows >= mda8_min_windows
                if not keep and use_exceedance:
                    rounded = _gbt8170(best, 1.0)
                    keep = rounded != NULL and rounded > exceedance_limit
                if keep:
                    conc[6] = best
                    ok[6] = True
            # rounding, IAQIs, AQI and the label masks
            top_iaqi = NULL
            any_beyond = False
            miss = 0
            for c in range(7):
                conc_ok[c, r] = ok[c]
                v = NULL
                if ok[c]:
                    if abs(conc[c]) > 1e12:
                        bad[s] = True
                    else:
                        v = _gbt8170(conc[c], scale[c])
                scaled[c, r] = v
                value = NULL
                if used[e, c]:
                    if not ok[c]:
                        miss |= 1 << (c if c < 5 else 11 - c)  # bits ordered as MISSING_TERMS
                    if v != NULL:
                        value = _iaqi(v, seg[e, c], nseg[e, c], above[e, c])
                        if flagged[e, c] and v > seg[e, c, nseg[e, c] - 1, 3]:
                            any_beyond = True
                iaqi[c, r] = value
                if value != NULL and (top_iaqi == NULL or value > top_iaqi):
                    top_iaqi = value
            aqi[r] = top_iaqi
            prim = 0
            exc = 0
            for c in range(7):
                value = iaqi[c, r]
                if value != NULL:
                    if top_iaqi > 50 and value == top_iaqi:
                        prim |= 1 << c
                    if value > 100:
                        exc |= 1 << c
            primary[r] = prim
            exceeding[r] = exc
            missing[r] = miss
            beyond[r] = any_beyond


@njit(cache=True, parallel=True)
def _assess_kernel(values, bitmaps, offsets, has_bitmaps, percentiles, with_mean, aqi, aqi_bitmap, aqi_offset,
                   aqi_has_bitmap, aqi_valid, row_lo, row_hi, day_of_row, month_of_day, n_months,
                   counts, means, stats, days, monthly, bad):
    """Per site (rows row_lo … row_hi−1): counts, means and HJ 663 percentiles of the six daily columns, valid /
    good / heavy days, and the daily values per month (assessment.assess, per site)."""
    n_sites = row_lo.shape[0]
    n_cols = len(values)
    for s in prange(n_sites):
        lo = row_lo[s]
        hi = row_hi[s]
        buf = np.empty(hi - lo, dtype=np.float64)
        for q in range(n_cols):
            vals = values[q]
            n = 0
            total = 0.0
            for i in range(lo, hi):
                if _valid(bitmaps[q], offsets[q], has_bitmaps[q], i):
                    x = vals[i]
                    if x != x:
                        bad[s] = True
                    buf[n] = x
                    total += x
                    n += 1
                    monthly[q, s, month_of_day[day_of_row[i]]] += 1
            counts[q, s] = n
            if with_mean[q] and n > 0:
                means[q, s] = total / n
            p = percentiles[q]
            if n > 0:
                scaled = (n - 1) * p
                k_lo = scaled // 100
                frac = np.float64(scaled % 100) / 100.0
                k_hi = min(k_lo + 1, n - 1)
                part = np.partition(buf[:n], k_lo)
                x_lo = part[k_lo]
                x_hi = x_lo
                if k_hi > k_lo:
                    x_hi = part[k_lo + 1]
                    for m in range(k_lo + 2, n):
                        if part[m] < x_hi:
                            x_hi = part[m]
                stats[q, s] = x_lo + (x_hi - x_lo) * frac
        valid = 0
        good = 0
        heavy = 0
        for i in range(lo, hi):
            if aqi_valid[i]:
                valid += 1
                if _valid(aqi_bitmap, aqi_offset, aqi_has_bitmap, i):
                    if aqi[i] <= 100:
                        good += 1
                    if aqi[i] > 200:
                        heavy += 1
        days[0, s] = valid
        days[1, s] = good
        days[2, s] = heavy


# --------------------------------------------------------------------------------------------- layout

_UNIT = {"ns": 1_000_000_000, "us": 1_000_000, "ms": 1_000}


class _Layout:
    """Blocks of rows with one site each and a constant time step: where each block starts and its key."""

    def __init__(self, starts: np.ndarray, keys: pl.Series, t0: np.ndarray):
        self.starts = starts
        self.keys = keys
        self.t0 = t0


def _layout(frame: pl.DataFrame, time_col: str, step: int) -> _Layout | None:
    """The block layout of *frame* (rows grouped by site, each group one run of *step*), or None.

    Each site must form one run (sites are not repeated in later runs); *step* is in the physical unit of
    *time_col*. Nulls in ``site`` or the time column make it None.
    """
    if frame.height == 0:
        return None
    site, time = frame["site"], frame[time_col]
    if site.null_count() or time.null_count():
        return None
    site, t = site.rechunk(), time.to_physical().rechunk()
    codes = site if site.dtype.is_integer() else site.rle_id()
    with buffers(codes) as cb, buffers(t) as tb:
        if cb is None or tb is None:
            return None
        ok, starts = _blocks(cb[0], tb[0], step)
        if not ok:
            return None
        t0 = tb[0][starts[:-1]].astype(np.int64)
    keys = site.gather(starts[:-1])
    if keys.n_unique() != keys.len():
        return None
    return _Layout(starts, keys, t0)


def _time_step(frame: pl.DataFrame, col: str, hours: int) -> int | None:
    dtype = frame.schema[col]
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None and dtype.time_unit in _UNIT:
        return hours * 3600 * _UNIT[dtype.time_unit]
    if dtype == pl.Date and hours == 24:
        return 1
    return None


def _nullable(arrays: dict[str, tuple[np.ndarray, np.ndarray | None]], dtypes: dict[str, pl.DataType]) -> pl.DataFrame:
    """A frame from numpy columns, each with an optional validity mask (False = null)."""
    raw = {}
    exprs = []
    for name, (values, valid) in arrays.items():
        raw[name] = values
        expr = pl.col(name)
        if valid is not None:
            raw[f"__ok_{name}"] = valid
            expr = pl.when(pl.col(f"__ok_{name}")).then(expr)
        exprs.append(expr.cast(dtypes[name]).alias(name))
    return pl.DataFrame(raw).select(exprs)


# --------------------------------------------------------------------------------------------- daily

def daily(wide: pl.DataFrame, edition: str | Edition, *, min_hours: int, o3_8h_min_hours: int, mda8_min_windows: int,
          mda8_exceedance_limit: float | None, complete_grid) -> pl.DataFrame | None:
    """The daily report from a wide hourly frame (see :func:`.daily.daily`), or None if the dense path does
    not apply (then the caller takes the general path). *complete_grid* is ``daily._complete_grid``."""
    if not AVAILABLE or wide.height == 0:
        return None
    step = _time_step(wide, "time", 1)
    if step is None:
        return None
    layout = _layout(wide, "time", step)
    if layout is None:
        wide = complete_grid(wide)
        layout = _layout(wide, "time", step)
        if layout is None:
            return None
    if isinstance(edition, Edition):
        forced = 1 if edition.key == "2026" else 0
    elif edition == "auto":
        forced = -1
    else:
        forced = 1 if get_edition(str(edition)).key == "2026" else 0

    starts = layout.starts
    n_sites = len(starts) - 1
    n_hours = np.diff(starts)
    day_len = 24 * step
    shifted = layout.t0 - step  # the natural day of an hour-end label is the date of (label − 1 h)
    if np.any(shifted % step):
        return None
    lead = (shifted % day_len) // step
    first_day = shifted // day_len
    last_day = (shifted + (n_hours - 1) * step) // day_len
    n_days = last_day - first_day + 1
    order = layout.keys.arg_sort().to_numpy()
    out_start = np.empty(n_sites, dtype=np.int64)
    out_start[order] = np.concatenate(([0], np.cumsum(n_days[order])[:-1]))
    rows = int(n_days.sum())

    counts = np.zeros((7, rows), dtype=np.uint32)
    conc_ok = np.zeros((7, rows), dtype=np.bool_)
    scaled = np.zeros((7, rows), dtype=np.int64)
    iaqi = np.zeros((7, rows), dtype=np.int64)
    aqi = np.zeros(rows, dtype=np.int64)
    primary = np.zeros(rows, dtype=np.int64)
    exceeding = np.zeros(rows, dtype=np.int64)
    missing = np.zeros(rows, dtype=np.int64)
    beyond = np.zeros(rows, dtype=np.bool_)
    is_new = np.zeros(rows, dtype=np.bool_)
    date = np.zeros(rows, dtype=np.int64)
    bad = np.zeros(n_sites, dtype=np.bool_)
    seg, nseg, above, flagged, used = _TABLES
    columns = [wide[p].rechunk() for p in (*_MEAN_INPUTS, "O3")]
    views = []
    with ExitStack() as stack:
        for column in columns:
            view = stack.enter_context(buffers(column))
            if view is None or view[0].dtype != np.float64:
                return None
            views.append(view)
        switch_day = (SWITCH_DATE - EPOCH).days
        _daily_kernel(tuple(v[0] for v in views), tuple(v[1] for v in views),
                      np.array([v[2] for v in views], dtype=np.int64), np.array([v[3] for v in views]),
                      starts[:-1].astype(np.int64), n_hours.astype(np.int64), lead.astype(np.int64), out_start,
                      n_days.astype(np.int64), first_day.astype(np.int64),
                      min_hours, o3_8h_min_hours, mda8_min_windows,
                      float(mda8_exceedance_limit) if mda8_exceedance_limit is not None else 0.0,
                      mda8_exceedance_limit is not None, switch_day, forced,
                      seg, nseg, above, flagged, used, _SCALE,
                      counts, conc_ok, scaled, iaqi, aqi, primary, exceeding, missing, beyond, is_new, date, bad)
    if bad.any():
        return None
    return _daily_frame(layout.keys, order, n_days, edition, counts, conc_ok, scaled, iaqi, aqi, primary, exceeding,
                        missing, beyond, date)


def _daily_frame(keys, order, n_days, edition, counts, conc_ok, scaled, iaqi, aqi, primary, exceeding, missing,
                 beyond, date) -> pl.DataFrame:
    from .daily import CONCENTRATION_COLUMNS, COUNT_COLUMNS, DAILY_COLUMNS, IAQI_COLUMNS

    site = keys.gather(pl.Series(np.repeat(order, n_days[order]), dtype=pl.Int64)).alias("site")
    arrays: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    dtypes: dict[str, pl.DataType] = {}
    for c, name in enumerate(CONCENTRATION_COLUMNS):
        arrays[f"__s_{name}"] = (scaled[c], scaled[c] != NULL)
        dtypes[f"__s_{name}"] = pl.Int64
    for c, name in enumerate(IAQI_COLUMNS):
        arrays[name] = (iaqi[c], iaqi[c] != NULL)
        dtypes[name] = pl.Int64
    arrays["AQI"] = (aqi, aqi != NULL)
    dtypes["AQI"] = pl.Int64
    for name, values in (("__primary", primary), ("__exceeding", exceeding), ("__missing", missing)):
        arrays[name] = (values, None)
        dtypes[name] = pl.Int64
    arrays["beyond_table"] = (beyond, None)
    dtypes["beyond_table"] = pl.Boolean
    arrays["date"] = (date.astype(np.int32), None)
    dtypes["date"] = pl.Date
    for c, name in enumerate(COUNT_COLUMNS):
        arrays[name] = (counts[c], None)
        dtypes[name] = pl.UInt32
    frame = _nullable(arrays, dtypes).with_columns(site)
    decimals = {name: DECIMALS[name.split("_")[0]] for name in CONCENTRATION_COLUMNS}
    frame = frame.with_columns(
        *[from_scaled_expr(pl.col(f"__s_{c}"), d).alias(c) for c, d in decimals.items()],
        (pl.col("__missing") == 0).alias("complete"),
    ).with_columns(
        (pl.col("AQI").is_not_null() & (pl.col("complete") | (pl.col("AQI") > 100))).alias("AQI_valid"))

    primary_names = label_names(IAQI_TERMS)
    missing_names = label_names(MISSING_TERMS)

    def finish(part: pl.DataFrame, ed: Edition) -> pl.DataFrame:
        exceeding_expr = (pl.col("__exceeding").replace_strict(primary_names, default=None, return_dtype=pl.String)
                          if ed.exceeding_pollutants else pl.lit(None, dtype=pl.String))
        return part.with_columns(
            pl.col("__primary").replace_strict(primary_names, default=None, return_dtype=pl.String)
            .alias("primary_pollutants"),
            exceeding_expr.alias("exceeding_pollutants"),
            pl.col("__missing").replace_strict(missing_names, default=None, return_dtype=pl.String).alias("missing"),
            pl.lit(ed.aqi_standard).alias("standard"),
            **level_exprs(pl.col("AQI"), ed),
        )

    out = by_edition(frame, pl.col("date"), edition, finish, sort_by=("site", "date"))
    return out.select(DAILY_COLUMNS)


# --------------------------------------------------------------------------------------------- assessment

def assess_counts(daily: pl.DataFrame, start: dt.date, end: dt.date, months: list[tuple[int, int, bool]],
                  columns: dict[str, str], statistics: tuple, zone_class: int) -> pl.DataFrame | None:
    """The per-site counts and raw statistics of :func:`.assessment.assess` (before its rules and judging),
    with the same columns and types, or None if the dense path does not apply."""
    if not AVAILABLE or daily.height == 0:
        return None
    needed = {"site", "date", "AQI", "AQI_valid", *columns.values()}
    if not needed <= set(daily.columns) or daily.schema["date"] != pl.Date:
        return None
    layout = _layout(daily, "date", 1)
    if layout is None:
        return None
    starts = layout.starts
    first = layout.t0
    length = np.diff(starts)
    start_day, end_day = (start - EPOCH).days, (end - EPOCH).days
    lo_day = np.maximum(first, start_day)
    hi_day = np.minimum(first + length - 1, end_day)
    keep = lo_day <= hi_day
    if not keep.any():
        return None
    row_lo = (starts[:-1] + (lo_day - first))[keep].astype(np.int64)
    row_hi = (starts[:-1] + (hi_day - first) + 1)[keep].astype(np.int64)
    keys = layout.keys.filter(pl.Series(keep))
    n_sites = len(row_lo)
    day_of_row = (daily["date"].to_physical().to_numpy().astype(np.int64) - start_day)
    day_of_row = np.clip(day_of_row, 0, end_day - start_day)
    month_index = {(y, m): k for k, (y, m, _) in enumerate(months)}
    month_of_day = np.array([month_index[((start + dt.timedelta(days=d)).year, (start + dt.timedelta(days=d)).month)]
                             for d in range(end_day - start_day + 1)], dtype=np.int64)
    pollutants = list(columns)
    percent = {p: None for p in pollutants}
    mean_of = {p: False for p in pollutants}
    for _, col, pollutant, p, _ in statistics:
        if p is None:
            mean_of[pollutant] = True
        else:
            percent[pollutant] = p
    if any(v is None for v in percent.values()):
        return None
    cols = [daily[columns[p]].rechunk() for p in pollutants]
    aqi_col = daily["AQI"].rechunk()
    if aqi_col.dtype != pl.Int64 or any(c.dtype != pl.Float64 for c in cols):
        return None
    counts = np.zeros((len(pollutants), n_sites), dtype=np.int64)
    means = np.zeros((len(pollutants), n_sites), dtype=np.float64)
    stats = np.zeros((len(pollutants), n_sites), dtype=np.float64)
    days = np.zeros((3, n_sites), dtype=np.int64)
    monthly = np.zeros((len(pollutants), n_sites, len(months)), dtype=np.int64)
    bad = np.zeros(n_sites, dtype=np.bool_)
    aqi_valid = daily["AQI_valid"].fill_null(False).to_numpy()
    with ExitStack() as stack:
        views = [stack.enter_context(buffers(c)) for c in cols]
        aqi_view = stack.enter_context(buffers(aqi_col))
        if any(v is None for v in views) or aqi_view is None:
            return None
        _assess_kernel(tuple(v[0] for v in views), tuple(v[1] for v in views),
                       np.array([v[2] for v in views], dtype=np.int64), np.array([v[3] for v in views]),
                       np.array([percent[p] for p in pollutants], dtype=np.int64),
                       np.array([mean_of[p] for p in pollutants]),
                       aqi_view[0], aqi_view[1], aqi_view[2], aqi_view[3], aqi_valid,
                       row_lo, row_hi, day_of_row, month_of_day, len(months),
                       counts, means, stats, days, monthly, bad)
    if bad.any():
        return None
    arrays: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    dtypes: dict[str, pl.DataType] = {}
    for q, p in enumerate(pollutants):
        arrays[f"n_{p}"] = (counts[q], None)
        dtypes[f"n_{p}"] = pl.Int64
    for name, _, pollutant, p, _ in statistics:
        q = pollutants.index(pollutant)
        arrays[name] = (means[q] if p is None else stats[q], counts[q] > 0)
        dtypes[name] = pl.Float64
    for k, name in enumerate(("valid_days", "good_days", "heavy_days")):
        arrays[name] = (days[k], None)
        dtypes[name] = pl.Int64
    arrays["excluded_days"] = (np.zeros(n_sites, dtype=np.int64), None)
    dtypes["excluded_days"] = pl.Int64
    for q, p in enumerate(pollutants):
        for k, (y, m, _) in enumerate(months):
            arrays[f"__{p}_{y}_{m}"] = (monthly[q, :, k], None)
            dtypes[f"__{p}_{y}_{m}"] = pl.Int64
    frame = _nullable(arrays, dtypes)
    first_rows = pl.Series(row_lo)
    zone = (daily["zone_class"].gather(first_rows) if "zone_class" in daily.columns
            else pl.Series([zone_class] * n_sites))
    return frame.with_columns(keys.alias("site"), zone.cast(pl.Int8).alias("zone_class"))


_TABLES = _edition_tables() if AVAILABLE else None
__all__ = ["AVAILABLE", "assess_counts", "daily"]
