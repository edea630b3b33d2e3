"""The dense path: daily values, daily AQI and period statistics from (site, hour) blocks with compiled kernels.

The general path (:mod:`.daily`, :mod:`.assessment`) is a Polars group-by over every (site, natural day).
When the hourly frame is — or is made into, by the same ``_complete_grid`` the general path uses — blocks of
consecutive hours per site, each site's hours map to slots ``(day, 0…23)`` by arithmetic alone (slot 0 = the
hour ending 01:00), and one pass over the Arrow buffers of the six columns (read in place, nulls from the
validity bitmaps) yields the daily means and counts, the O3 1-hour maximum, the O3 8-hour windows ending
08:00 … 24:00 and MDA8, the GB/T 8170 rounding, the exact IAQIs and the AQI.

The rules are those of :mod:`.daily`, :mod:`.iaqi` and :mod:`.assessment`, with their constants. What has a
Polars expression there is not restated: the IAQI of every rounded concentration, the level texts of every
AQI and the pollutant lists of every bit mask are tables built once by evaluating those expressions. The few
steps a compiled kernel cannot borrow (the sums and means, the GB/T 8170 tie test, the O3 windows, the
percentile interpolation) use the same floating-point and integer operations, so the output is identical
(daily sums run in hour order: exact for values on the reporting grid, see "Two paths, one result" in
docs/standards/air.md) — tests/standards/air/test_dense.py compares both paths column by column (random grids
with gaps, the edition switch, the Weihai 2019 data).

Needs numba; without it (or for input it does not cover: time zones, NaN values, duplicate hours …) the
callers take the general path.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from contextlib import ExitStack

import numpy as np
import polars as pl

from ._arrow import buffers
from .editions import DECIMALS, SWITCH_DATE, Edition, get_edition
from .iaqi import TIE_TOLERANCE, iaqi_scaled_expr, label_names, level_exprs

try:  # pragma: no cover - exercised by whichever environment runs the tests
    if os.environ.get("MEILI_AIR_DENSE", "1") == "0":
        raise ImportError("disabled by MEILI_AIR_DENSE=0")
    # Idle OpenMP workers spin by default; on a shared 2-core machine that spinning takes the CPU from the
    # thread still working (measured: parallel slower than one thread). Passive waiting, unless set already.
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    import numba
    from numba import njit, prange

    AVAILABLE = True
except ImportError:  # pragma: no cover
    numba = None
    AVAILABLE = False

    def njit(*args, **kwargs):
        return (lambda f: f) if not args or not callable(args[0]) else args[0]

    prange = range

#: "no value" in the kernels' integer outputs; larger than any lookup table, so a gather of it gives null
NULL = np.int64(1 << 62)
TIE_HI = 0.5 + TIE_TOLERANCE
TIE_LO = 0.5 - TIE_TOLERANCE
EPOCH = dt.date(1970, 1, 1)
#: kernel order of the daily indicators (= daily.CONCENTRATION_COLUMNS / IAQI_COLUMNS)
IAQI_TERMS = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h")
#: bit order of the ``missing`` mask (daily._daily_index_one lists O3_8h before O3_1h)
MISSING_TERMS = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h", "O3_1h")
_TABLE_OF = (
    ("SO2", "24h"),
    ("NO2", "24h"),
    ("CO", "24h"),
    ("PM10", "24h"),
    ("PM2.5", "24h"),
    ("O3", "1h"),
    ("O3", "8h"),
)
_SCALE = np.array([float(10 ** DECIMALS[p]) for p, _ in _TABLE_OF])
_MEAN_INPUTS = ("SO2", "NO2", "CO", "PM10", "PM2.5")


def _edition_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seven daily IAQIs of both editions as lookup tables over the rounded concentration, evaluated by the
    general path's own expression (:func:`.iaqi.iaqi_scaled_expr`): ``lut[e, column, c]`` (−1 = none) and
    ``beyond[e, column, c]`` for c = 0 … top; the last entry stands for every concentration above the highest
    breakpoint of all tables. ``used[e, column]``: whether the edition's daily report has that indicator."""
    eds = (get_edition("2012"), get_edition("2026"))
    top = max(s.conc_hi for ed in eds for key in _TABLE_OF for s in ed.breakpoints[key])
    frame = pl.DataFrame({"c": np.arange(top + 2, dtype=np.int64)})
    lut = np.full((2, 7, top + 2), -1, dtype=np.int16)
    beyond = np.zeros((2, 7, top + 2), dtype=np.bool_)
    used = np.ones((2, 7), dtype=np.bool_)
    for e, ed in enumerate(eds):
        for c, (pollutant, averaging) in enumerate(_TABLE_OF):
            value, flag = iaqi_scaled_expr(pl.col("c"), pollutant, averaging, ed)
            out = frame.select(value.fill_null(-1).alias("v"), flag.alias("f"))
            lut[e, c] = out["v"].to_numpy()
            beyond[e, c] = out["f"].to_numpy()
        used[e, 5] = ed.daily_o3_1h
    return lut, beyond, used


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
        r = f + (f - 2.0 * np.floor(f / 2.0))  # f % 2.0 for an integral f ≥ 0, exactly, without a libm call
    return np.int64(r)


@njit(cache=True, inline="always")
def _bit(bitmap, j):
    """Validity bit *j* (unsigned) of an Arrow bitmap, least significant bit first."""
    return (bitmap[j >> np.uint64(3)] >> (j & np.uint64(7))) & np.uint8(1)


@njit(cache=True, inline="always")
def _word(bitmap, j):
    """Validity bits j … j+24 (at least) of an Arrow bitmap as the low bits of an integer (bits past the end
    of the bitmap read as 0)."""
    k = j >> np.uint64(3)
    if k + np.uint64(3) < np.uint64(bitmap.shape[0]):
        w = (
            np.uint64(bitmap[k])
            | (np.uint64(bitmap[k + np.uint64(1)]) << np.uint64(8))
            | (np.uint64(bitmap[k + np.uint64(2)]) << np.uint64(16))
            | (np.uint64(bitmap[k + np.uint64(3)]) << np.uint64(24))
        )
    else:  # the last bytes of the bitmap
        w = np.uint64(0)
        for m in range(4):
            if k + np.uint64(m) < np.uint64(bitmap.shape[0]):
                w |= np.uint64(bitmap[k + np.uint64(m)]) << np.uint64(8 * m)
    return w >> (j & np.uint64(7))


@njit(cache=True)
def _scan_runs(codes, t, step, lo, hi, starts, k):
    """Rows lo … hi−1 (lo ≥ 1): count the rows where *codes* changes (and write them to starts[k…] when
    *starts* is long enough); bad if *t* does not advance by *step* within a run."""
    count = 0
    bad = False
    write = starts.shape[0] > 0
    for u in range(lo, hi):
        i = np.uint64(u)
        j = i - np.uint64(1)
        if codes[i] != codes[j]:
            if write:
                starts[np.uint64(k + count)] = u
            count += 1
        elif t[i] - t[j] != step:
            bad = True
    return count, bad


@njit(cache=True)
def _blocks(codes, t, step):
    """Start rows of the runs of equal *codes* (plus the end); ok is False if within a run *t* does not
    advance by *step*. Serial: a plain scan runs at memory speed, and threads only add waiting under load."""
    n = codes.shape[0]
    none = np.zeros(0, dtype=np.int64)
    count, bad = _scan_runs(codes, t, step, 1, n, none, 0)
    if bad:
        return False, none
    starts = np.empty(count + 2, dtype=np.int64)
    starts[0] = 0
    starts[-1] = n
    _scan_runs(codes, t, step, 1, n, starts, 1)
    return True, starts


@njit(cache=True, inline="always")
def _index_row(r, e, conc, ok, tables, scaled, iaqi, labels, flags):
    """daily._daily_index_one for one row: GB/T 8170 rounding, IAQIs, AQI, the label masks; False if a
    value is out of the range the general path handles alike (then the caller falls back).

    *tables*: (IAQI lookup, beyond-the-table lookup, indicators used, decimal scale); *labels* rows: AQI,
    primary, exceeding and missing masks; *flags* rows: beyond the table, HJ 633-2026 edition."""
    lut, beyond_lut, used, scale = tables
    top = NULL
    any_beyond = False
    miss = 0
    fine = True
    for c in range(7):
        v = NULL
        if ok[c]:
            if abs(conc[c]) > 1e12:
                fine = False
            else:
                v = _gbt8170(conc[c], scale[c])
        # reported value = from_scaled_expr: v / 10^d, whose round(d) is itself (test_dense checks the domain)
        scaled[c, r] = np.float64(v) / scale[c] if v != NULL else np.nan
        value = NULL
        if used[e, c]:
            if not ok[c]:
                miss |= 1 << (c if c < 5 else 11 - c)  # bits ordered as MISSING_TERMS
            if v != NULL:
                k = min(v, lut.shape[2] - 1)
                if lut[e, c, k] >= 0:
                    value = lut[e, c, k]
                any_beyond |= beyond_lut[e, c, k]
        iaqi[c, r] = value
        if value != NULL and (top == NULL or value > top):
            top = value
    prim = 0
    exc = 0
    for c in range(7):
        value = iaqi[c, r]
        if value != NULL:
            if top > 50 and value == top:
                prim |= 1 << c
            if value > 100:
                exc |= 1 << c
    labels[0, r] = top
    labels[1, r] = prim
    labels[2, r] = exc
    labels[3, r] = miss
    flags[0, r] = any_beyond
    return fine


@njit(cache=True, inline="always")
def _day_hours(values, bitmaps, offsets, first, jlo, jhi, totals, counts, cum, cnt):
    """One day's hours (slots jlo … jhi−1), read once: sums and counts of the valid hours of SO2, NO2, CO, PM10
    and PM2.5, each summed in hour order (daily.daily_concentrations: the mean of the hourly values present);
    for O3 its count and running sums at 0.001 µg/m³ (daily.O3_RESOLUTION) into cum/cnt[j + 1] for slot j, for
    the 8-hour windows. Returns (O3 1-hour maximum, odd = a NaN, infinite or absurd O3 value, which the general
    path handles). The six columns advance together, so that their additions overlap in the processor."""
    v0, v1, v2, v3, v4, v5 = values[0], values[1], values[2], values[3], values[4], values[5]
    w0 = _word(bitmaps[0], np.uint64(offsets[0]) + first)
    w1 = _word(bitmaps[1], np.uint64(offsets[1]) + first)
    w2 = _word(bitmaps[2], np.uint64(offsets[2]) + first)
    w3 = _word(bitmaps[3], np.uint64(offsets[3]) + first)
    w4 = _word(bitmaps[4], np.uint64(offsets[4]) + first)
    w5 = _word(bitmaps[5], np.uint64(offsets[5]) + first)
    t0 = t1 = t2 = t3 = t4 = 0.0
    n0 = n1 = n2 = n3 = n4 = n5 = 0
    top = -np.inf
    odd = False
    run = np.int64(0)
    for j in range(jlo + 1):
        cum[j] = 0
        cnt[j] = 0
    for j in range(jlo, jhi):
        u = np.uint64(j - jlo)
        i = first + u
        b = np.int64((w0 >> u) & np.uint64(1))
        t0 += v0[i] if b else 0.0
        n0 += b
        b = np.int64((w1 >> u) & np.uint64(1))
        t1 += v1[i] if b else 0.0
        n1 += b
        b = np.int64((w2 >> u) & np.uint64(1))
        t2 += v2[i] if b else 0.0
        n2 += b
        b = np.int64((w3 >> u) & np.uint64(1))
        t3 += v3[i] if b else 0.0
        n3 += b
        b = np.int64((w4 >> u) & np.uint64(1))
        t4 += v4[i] if b else 0.0
        n4 += b
        b = np.int64((w5 >> u) & np.uint64(1))
        x = v5[i] if b else 0.0
        top = max(top, x if b else -np.inf)
        odd |= not (abs(x) < 1e12)
        n5 += b
        run += np.int64(np.rint(x * 1000.0)) if abs(x) < 1e12 else 0
        cum[np.uint64(j + 1)] = run
        cnt[np.uint64(j + 1)] = n5
    for j in range(jhi, 24):
        cum[j + 1] = run
        cnt[j + 1] = n5
    totals[0], totals[1], totals[2], totals[3], totals[4] = t0, t1, t2, t3, t4
    counts[0], counts[1], counts[2], counts[3], counts[4], counts[5] = n0, n1, n2, n3, n4, n5
    return top, odd


@njit(cache=True, inline="always")
def _mda8(cum, cnt, jlo, jhi, min_hours):
    """Valid 8-hour windows ending 08:00 … 24:00 (slots 7 … 23) at the hours the site has (the general path
    evaluates a window at an existing row only) and their maximum: exact integer sums, ≥ *min_hours* values
    (GB 3095 Table 4; HJ 663-2013 Table A.1)."""
    windows = 0
    best = -np.inf
    for j in range(max(7, jlo), jhi):
        n8 = cnt[j + 1] - cnt[j - 7]
        if n8 >= min_hours and n8 > 0:
            mean8 = np.float64(cum[j + 1] - cum[j - 7]) / np.float64(n8 * 1000)
            windows += 1
            if mean8 > best:
                best = mean8
    return windows, best


@njit(cache=True, inline="always")
def _keep_mda8(windows, best, min_windows, use_exceedance, limit):
    """MDA8 stands with ≥ *min_windows* valid windows, or fewer when its rounded value exceeds *limit*
    (daily.daily_concentrations, options mda8_min_windows and mda8_exceedance_limit)."""
    if windows == 0:
        return False
    if windows >= min_windows:
        return True
    if use_exceedance:
        rounded = _gbt8170(best, 1.0)
        return rounded != NULL and rounded > limit
    return False


@njit(cache=True, inline="always")
def _mean_of(c, r, total, n, min_hours, counts, conc, ok):
    """A daily mean from its sum and count: valid with ≥ *min_hours* hours (GB 3095 Table 4)."""
    counts[c, r] = n
    ok[c] = n > 0 and n >= min_hours
    conc[c] = total / n if ok[c] else 0.0
    return np.isfinite(total)


@njit(cache=True)
def _daily_site(s, values, bitmaps, offsets, sites, rules, limit, tables, out):
    """One site's days (daily.daily_concentrations + daily._daily_index_one), step by step: the five daily
    means, the O3 hours, the 8-hour windows and MDA8, then the index row. *values* / *bitmaps*: values and
    validity bitmaps of SO2, NO2, CO, PM10, PM2.5, O3; *sites* rows: first input row, hours, slot of the first
    hour, first output row, days, first day; *rules*: min_hours, o3_min_hours, mda8_min_windows,
    use_exceedance, switch day, forced edition (−1 auto); *out*: counts, reported values (NaN = none), IAQIs,
    label masks, flags, dates — indexed [column, row]. False = fall back."""
    counts, scaled, iaqi, labels, flags, date = out
    min_hours, o3_min_hours, min_windows, use_exceedance, switch_day, forced = (
        rules[0],
        rules[1],
        rules[2],
        rules[3] == 1,
        rules[4],
        rules[5],
    )
    fine = True
    rs, nh, lead, out_start, n_days, first_day = (
        sites[0, s],
        sites[1, s],
        sites[2, s],
        sites[3, s],
        sites[4, s],
        sites[5, s],
    )
    cum = np.zeros(25, dtype=np.int64)
    cnt = np.zeros(25, dtype=np.int64)
    conc = np.empty(7, dtype=np.float64)
    ok = np.zeros(7, dtype=np.bool_)
    totals = np.zeros(5, dtype=np.float64)
    hours = np.zeros(6, dtype=np.int64)
    for k in range(n_days):
        r = out_start + k
        base = k * 24 - lead
        jlo = max(0, -base)
        jhi = min(24, nh - base)
        day = first_day + k
        date[r] = day
        e = 1 if forced == 1 or (forced == -1 and day >= switch_day) else 0
        flags[1, r] = e == 1
        first = np.uint64(rs + base + jlo)
        top, odd = _day_hours(values, bitmaps, offsets, first, jlo, jhi, totals, hours, cum, cnt)
        for c in range(5):
            fine &= _mean_of(c, r, totals[c], hours[c], min_hours, counts, conc, ok)
        n5 = hours[5]
        fine &= not odd
        counts[5, r] = n5
        ok[5] = n5 > 0 and n5 >= min_hours
        conc[5] = top
        windows, best = _mda8(cum, cnt, jlo, jhi, o3_min_hours)
        counts[6, r] = windows
        ok[6] = _keep_mda8(windows, best, min_windows, use_exceedance, limit)
        conc[6] = best
        fine &= _index_row(r, e, conc, ok, tables, scaled, iaqi, labels, flags)
    return fine


@njit(cache=True, parallel=True)
def _daily_kernel(values, bitmaps, offsets, sites, rules, limit, tables, out, bad):
    """:func:`_daily_site` for every site, in parallel (dynamic scheduling, see :func:`daily`)."""
    for s in prange(sites.shape[1]):
        bad[s] = not _daily_site(s, values, bitmaps, offsets, sites, rules, limit, tables, out)


@njit(cache=True)
def _select(a, n, k):
    """Reorder a[0 … n−1] in place so that a[k] is the k-th smallest, nothing smaller after it and nothing larger
    before it (quickselect, Hoare partition around a median of three); returns a[k]."""
    lo = 0
    hi = n - 1
    while hi > lo:
        mid = (lo + hi) >> 1
        x, y, z = a[lo], a[mid], a[hi]
        pivot = max(min(x, y), min(max(x, y), z))
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                a[i], a[j] = a[j], a[i]
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            break
    return a[k]


#: up to this many kept values a percentile is taken by :func:`_largest` (HJ 663's 90th–98th: 8–37 of 365)
_TOP_MAX = 64


@njit(cache=True)
def _largest(buf, n, m):
    """The m-th and (m−1)-th largest of buf[0 … n−1] (1 ≤ m ≤ n; the m-th twice when m = 1), i.e. the values
    of rank n−m and n−m+1 of the sorted values: one pass keeping the m largest in ascending order."""
    top = np.empty(m, dtype=np.float64)
    for i in range(m):
        x = buf[i]
        j = i
        while j > 0 and top[j - 1] > x:
            top[j] = top[j - 1]
            j -= 1
        top[j] = x
    for i in range(m, n):
        x = buf[i]
        if x > top[0]:
            j = 0
            while j + 1 < m and top[j + 1] < x:
                top[j] = top[j + 1]
                j += 1
            top[j] = x
    return top[0], top[1] if m > 1 else top[0]


@njit(cache=True)
def _percentile_of(buf, n, p):
    """assessment._percentile_expr on the first *n* values of *buf* (may be reordered in place): the values of
    rank k_lo and k_hi of the sorted values, interpolated with the same floating-point operations."""
    scaled = (n - 1) * p
    k_lo = scaled // 100
    frac = np.float64(scaled % 100) / 100.0
    k_hi = min(k_lo + 1, n - 1)
    m = n - k_lo
    if m <= _TOP_MAX:  # the high percentiles: one pass keeping the m largest values
        x_lo, x_next = _largest(buf, n, m)
        return x_lo + ((x_next if k_hi > k_lo else x_lo) - x_lo) * frac
    x_lo = _select(buf, n, k_lo)
    x_hi = x_lo
    if k_hi > k_lo:
        x_hi = buf[k_lo + 1]
        for m in range(k_lo + 2, n):
            if buf[m] < x_hi:
                x_hi = buf[m]
    return x_lo + (x_hi - x_lo) * frac


@njit(cache=True)
def _assess_site(
    s,
    values,
    bitmaps,
    offsets,
    percentiles,
    with_mean,
    aqi,
    aqi_bitmap,
    aqi_offset,
    aqi_valid,
    row_lo,
    row_hi,
    day_of_row,
    month_of_day,
    counts,
    means,
    stats,
    days,
    monthly,
):
    lo = row_lo[s]
    hi = row_hi[s]
    buf = np.empty(hi - lo, dtype=np.float64)
    fine = True
    for q in range(len(values)):
        vals = values[q]
        bitmap = bitmaps[q]
        off = np.uint64(offsets[q])
        n = 0
        total = 0.0
        month = month_of_day[day_of_row[np.uint64(lo)]]
        since = 0  # values counted before the current month began
        for u in range(lo, hi):
            i = np.uint64(u)
            m = month_of_day[day_of_row[i]]
            if m != month:  # rows are consecutive dates: flush the month just ended
                monthly[q, s, month] += n - since
                month = m
                since = n
            if _bit(bitmap, off + i):
                x = vals[i]
                if x != x:
                    fine = False
                buf[n] = x
                total += x
                n += 1
        monthly[q, s, month] += n - since
        counts[q, s] = n
        if n > 0:
            if with_mean[q]:
                means[q, s] = total / n
            stats[q, s] = _percentile_of(buf, n, percentiles[q])
    valid = 0
    good = 0
    heavy = 0
    off = np.uint64(aqi_offset)
    for u in range(lo, hi):
        i = np.uint64(u)
        if aqi_valid[i]:
            valid += 1
            if _bit(aqi_bitmap, off + i):
                good += aqi[i] <= 100
                heavy += aqi[i] > 200
    days[0, s] = valid
    days[1, s] = good
    days[2, s] = heavy
    return fine


@njit(cache=True, parallel=True)
def _assess_kernel(
    values,
    bitmaps,
    offsets,
    percentiles,
    with_mean,
    aqi,
    aqi_bitmap,
    aqi_offset,
    aqi_valid,
    row_lo,
    row_hi,
    day_of_row,
    month_of_day,
    counts,
    means,
    stats,
    days,
    monthly,
    bad,
):
    """Per site (rows row_lo … row_hi−1): counts, means and HJ 663 percentiles of the six daily columns, valid /
    good / heavy days, and the daily values per month (assessment.assess, per site)."""
    for s in prange(row_lo.shape[0]):
        bad[s] = not _assess_site(
            s,
            values,
            bitmaps,
            offsets,
            percentiles,
            with_mean,
            aqi,
            aqi_bitmap,
            aqi_offset,
            aqi_valid,
            row_lo,
            row_hi,
            day_of_row,
            month_of_day,
            counts,
            means,
            stats,
            days,
            monthly,
        )


# --------------------------------------------------------------------------------------------- layout

#: sites per work item of the parallel kernels (numba's dynamic scheduling)
_CHUNK = 16
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


def _uniform(views):
    """Values, bitmaps and bit offsets of :func:`._arrow.buffers` views, with an all-valid bitmap standing in
    where a column has none, so that the kernels test every row the same way."""
    values, bitmaps, offsets = [], [], []
    for data, bitmap, offset, has_bitmap in views:
        values.append(data)
        if has_bitmap:
            bitmaps.append(bitmap)
            offsets.append(offset)
        else:
            bitmaps.append(np.full(data.shape[0] // 8 + 4, 0xFF, dtype=np.uint8))
            offsets.append(0)
    return values, bitmaps, np.array(offsets, dtype=np.int64)


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


def daily(
    wide: pl.DataFrame,
    edition: str | Edition,
    *,
    min_hours: int,
    o3_8h_min_hours: int,
    mda8_min_windows: int,
    mda8_exceedance_limit: float | None,
    complete_grid,
) -> pl.DataFrame | None:
    """The daily report from a wide hourly frame (see :func:`.daily.daily`), or None if the dense path does
    not apply (then the caller takes the general path). *complete_grid* is ``daily._complete_grid``."""
    if not AVAILABLE or wide.height == 0 or o3_8h_min_hours < 1:  # an empty 8-hour window is the general path's NaN
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
    scaled = np.zeros((7, rows), dtype=np.float64)  # reported concentrations, NaN = none
    iaqi = np.zeros((7, rows), dtype=np.int64)
    labels = np.zeros((4, rows), dtype=np.int64)  # AQI, primary, exceeding, missing
    flags = np.zeros((2, rows), dtype=np.bool_)  # beyond the table, HJ 633-2026
    date = np.zeros(rows, dtype=np.int32)
    bad = np.zeros(n_sites, dtype=np.bool_)
    sites = np.stack([starts[:-1], n_hours, lead, out_start, n_days, first_day]).astype(np.int64)
    rules = np.array(
        [
            min_hours,
            o3_8h_min_hours,
            mda8_min_windows,
            mda8_exceedance_limit is not None,
            (SWITCH_DATE - EPOCH).days,
            forced,
        ],
        dtype=np.int64,
    )
    limit = float(mda8_exceedance_limit) if mda8_exceedance_limit is not None else 0.0
    columns = [wide[p].rechunk() for p in (*_MEAN_INPUTS, "O3")]
    with ExitStack() as stack:
        views = [stack.enter_context(buffers(column)) for column in columns]
        if any(v is None or v[0].dtype != np.float64 for v in views):
            return None
        values, bitmaps, offsets = _uniform(views)
        previous = numba.set_parallel_chunksize(_CHUNK)  # dynamic: a thread starved by other jobs holds little
        try:
            _daily_kernel(
                tuple(values),
                tuple(bitmaps),
                offsets,
                sites,
                rules,
                limit,
                _TABLES,
                (counts, scaled, iaqi, labels, flags, date),
                bad,
            )
        finally:
            numba.set_parallel_chunksize(previous)
    if bad.any():
        return None
    aqi, primary, exceeding, missing = labels
    beyond, is_new = flags
    return _daily_frame(
        layout.keys, order, n_days, counts, scaled, iaqi, aqi, primary, exceeding, missing, beyond, is_new, date
    )


@functools.lru_cache(maxsize=4)
def _levels(top: int) -> pl.DataFrame:
    """Level, category (zh/en), colour and advice of AQI 0 … *top* by :func:`.iaqi.level_exprs`, edition 2012
    then 2026 (row ``e * (top + 1) + AQI``), as one chunk."""
    eds = (get_edition("2012"), get_edition("2026"))
    return pl.concat(
        [
            pl.DataFrame({"AQI": np.arange(top + 1, dtype=np.int64)}).select(**level_exprs(pl.col("AQI"), ed))
            for ed in eds
        ]
    ).rechunk()


def _label_tables() -> tuple[pl.Series, pl.Series, pl.Series, pl.Series]:
    """Primary pollutants, exceeding pollutants (row ``e * 128 + mask``), missing indicators by bit mask and the
    AQI standard by edition, as one-chunk String tables."""
    eds = (get_edition("2012"), get_edition("2026"))
    primary_names = label_names(IAQI_TERMS)
    missing_names = label_names(MISSING_TERMS)
    size = 1 << len(IAQI_TERMS)
    return (
        pl.Series([primary_names[m] for m in range(size)], dtype=pl.String),
        pl.Series(
            [primary_names[m] if ed.exceeding_pollutants else None for ed in eds for m in range(size)], dtype=pl.String
        ),
        pl.Series([missing_names[m] for m in range(size)], dtype=pl.String),
        pl.Series([ed.aqi_standard for ed in eds], dtype=pl.String),
    )


def _daily_frame(
    keys, order, n_days, counts, scaled, iaqi, aqi, primary, exceeding, missing, beyond, is_new, date
) -> pl.DataFrame:
    """The output frame of :func:`.daily.daily` from the kernel's arrays. Every value that has a Polars
    expression in the general path (reported concentration, level texts, pollutant lists) is that expression
    evaluated once per possible key and gathered by the row's key (NULL keys give null)."""
    from .daily import CONCENTRATION_COLUMNS, COUNT_COLUMNS, DAILY_COLUMNS, IAQI_COLUMNS

    def nullable(values: np.ndarray, keys: np.ndarray) -> pl.Series:
        return pl.Series(values).set(pl.Series(keys == NULL), None)

    def codes(keys: np.ndarray) -> pl.Series:
        return pl.Series(keys.astype(np.uint32))

    e = is_new.astype(np.int64)
    rows = np.repeat(order, n_days[order])
    site = keys.to_numpy()[rows] if keys.dtype.is_numeric() else keys.gather(rows.astype(np.uint32))
    columns: dict[str, pl.Series] = {"site": pl.Series(site, dtype=keys.dtype), "date": pl.Series(date).cast(pl.Date)}
    for c, name in enumerate(CONCENTRATION_COLUMNS):
        columns[name] = pl.Series(scaled[c], nan_to_null=True)
    for c, name in enumerate(IAQI_COLUMNS):
        columns[name] = nullable(iaqi[c], iaqi[c])
    columns["AQI"] = nullable(aqi, aqi)
    no_aqi = aqi == NULL
    top = int(max(500, aqi.max(initial=0, where=~no_aqi)))
    levels = _levels(top)
    # gather with in-range indices from single-chunk tables (a gather that yields nulls, by null_on_oob or from
    # a table with a null row, takes a slower route in Polars), then null the rows without an AQI
    level_index = codes(np.where(no_aqi, 0, aqi + e * (top + 1)))
    null_rows = pl.Series(no_aqi) if no_aqi.any() else None
    for name in ("level", "category", "category_en", "color", "advice"):
        column = levels[name][level_index]
        columns[name] = column.set(null_rows, None) if null_rows is not None else column
    primary_lut, exceeding_lut, missing_lut, standard_lut = _LABEL_TABLES
    size = 1 << len(IAQI_TERMS)
    columns["primary_pollutants"] = primary_lut[codes(primary)]
    columns["exceeding_pollutants"] = exceeding_lut[codes(e * size + exceeding)]
    columns["missing"] = missing_lut[codes(missing)]
    columns["standard"] = standard_lut[codes(is_new)]
    complete = missing == 0
    columns["complete"] = pl.Series(complete)
    columns["AQI_valid"] = pl.Series((aqi != NULL) & (complete | ((aqi > 100) & (aqi != NULL))))
    columns["beyond_table"] = pl.Series(beyond)
    for c, name in enumerate(COUNT_COLUMNS):
        columns[name] = pl.Series(counts[c])
    return pl.DataFrame([columns[name].alias(name) for name in DAILY_COLUMNS])


# --------------------------------------------------------------------------------------------- assessment


def assess_counts(
    daily: pl.DataFrame,
    start: dt.date,
    end: dt.date,
    months: list[tuple[int, int, bool]],
    columns: dict[str, str],
    statistics: tuple,
    zone_class: int,
) -> pl.DataFrame | None:
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
    day_of_row = daily["date"].to_physical().to_numpy().astype(np.int64) - start_day
    day_of_row = np.clip(day_of_row, 0, end_day - start_day)
    month_index = {(y, m): k for k, (y, m, _) in enumerate(months)}
    month_of_day = np.array(
        [
            month_index[((start + dt.timedelta(days=d)).year, (start + dt.timedelta(days=d)).month)]
            for d in range(end_day - start_day + 1)
        ],
        dtype=np.int64,
    )
    pollutants = list(columns)
    percent = dict.fromkeys(pollutants)
    mean_of = dict.fromkeys(pollutants, False)
    for _, _col, pollutant, p, _ in statistics:
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
        values, bitmaps, offsets = _uniform(views)
        (aqi_values,), (aqi_bitmap,), aqi_offsets = _uniform([aqi_view])
        previous = numba.set_parallel_chunksize(_CHUNK)
        try:
            _assess_kernel(
                tuple(values),
                tuple(bitmaps),
                offsets,
                np.array([percent[p] for p in pollutants], dtype=np.int64),
                np.array([mean_of[p] for p in pollutants]),
                aqi_values,
                aqi_bitmap,
                aqi_offsets[0],
                aqi_valid,
                row_lo,
                row_hi,
                day_of_row,
                month_of_day,
                counts,
                means,
                stats,
                days,
                monthly,
                bad,
            )
        finally:
            numba.set_parallel_chunksize(previous)
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
    zone = (
        daily["zone_class"].gather(first_rows) if "zone_class" in daily.columns else pl.Series([zone_class] * n_sites)
    )
    return frame.with_columns(keys.alias("site"), zone.cast(pl.Int8).alias("zone_class"))


_TABLES = (*_edition_tables(), _SCALE) if AVAILABLE else None
_LABEL_TABLES = _label_tables() if AVAILABLE else None
__all__ = ["AVAILABLE", "assess_counts", "daily"]
