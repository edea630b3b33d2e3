"""Heavy-pollution weather emergency (重污染天气应急): alert rule versions, evaluation, lead/lift/merge
checks, the reduction-ratio check of the emission-reduction list, and the performance-grade sets.

Sources (written as the governance reference pack names them; see docs/emergency.md):

* Alert thresholds, current — 《山东省重污染天气应急预案》 (2023 edition, interpretation [S12]), adopted
  "根据生态环境部统一要求" (carried nationally by 环大气〔2024〕6号, text not read — 待确认). The threshold
  table itself lives once, in :data:`meili.standards.air.alerts.ALERT_SCHEMES` (``"2019"``); here it is
  re-expressed in hours and bound to the dates it applied.
* Alert thresholds, old (2018–2023) — 环办大气函〔2018〕875号 as applied by Shandong cities ([S16], [S17],
  [S24]); :data:`ALERT_SCHEMES` ``"2018"``.
* 24 h issue lead — 鲁政办字〔2020〕83号 and the 2022 draft ([S11], [S14]).
* 36 h lifting rule — Yangzhou 2026 explainer ([S15]); single-source, 待确认.
* Merging of close episodes — MEE 2017 slides ([S16]); the gap in hours is not given anywhere: 待确认.
* Reduction ratios 10/20/30 % of the city total for SO2, NOx, PM, VOCs — Tianjin plan [S10], Shandong 2020
  plan [S11] (figure cut off), 环办大气函〔2018〕875号; O3: VOCs and NOx ≥ 20 % (Shandong 2023 [S13]).
* Grades A+/A/B/B-/C/D/引领性/非引领性 — 环办大气函〔2020〕340号 (2020 guide), 环办大气〔2026〕2号 §二(一)
  ([S1], [S2]); the per-industry sets come from ``data/emergency_grades.csv`` (mostly 待确认).

Durations: a series is a list of :class:`Step` (start, length in hours, AQI). A forecast day is one step of
24 h; an observed rolling 24-hour AQI is one step of 1 h. "AQI > X for ≥ N h" holds when a run of consecutive
steps with AQI strictly above X lasts at least N hours (the runs of one alternative need not coincide, as in
:func:`meili.standards.air.alerts.alert_level`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import polars as pl

from meili.standards.air.alerts import ALERT_SCHEMES, AlertRule
from meili.standards.air.daily import daily_index
from meili.standards.media import read_table_text

LEVELS = ("yellow", "orange", "red")
LEVEL_NAMES = {"yellow": "黄色预警（Ⅲ级响应）", "orange": "橙色预警（Ⅱ级响应）", "red": "红色预警（Ⅰ级响应）"}
LEVEL_SHORT = {"yellow": "黄色", "orange": "橙色", "red": "红色"}
POLLUTANTS = ("SO2", "NOx", "PM", "VOCs")
TO_CONFIRM = "待确认"


def level_rank(level: str | None) -> int:
    """0 for no alert, 1 yellow, 2 orange, 3 red (鲁政办字〔2020〕83号: three levels, red highest)."""
    return 0 if level is None else LEVELS.index(level) + 1


@dataclass(frozen=True)
class Condition:
    """AQI strictly above *above* for at least *hours* consecutive hours."""

    above: int
    hours: int

    def text(self) -> str:
        """The condition in the words of the plans ("日AQI>200 持续 48 小时及以上")."""
        return f"AQI>{self.above} 持续 {self.hours} 小时及以上"


@dataclass(frozen=True)
class LevelRule:
    """A level is met when any alternative holds; an alternative holds when all its conditions hold."""

    level: str
    alternatives: tuple[tuple[Condition, ...], ...]


@dataclass(frozen=True)
class AlertRuleVersion:
    """One dated version of the alert rules. Figures whose source is single or unread carry a note in
    :attr:`to_confirm` (shown wherever the version is shown)."""

    code: str
    name: str
    source: str
    valid_from: dt.date
    valid_to: dt.date | None
    levels: tuple[LevelRule, ...]
    issue_lead_hours: int = 24
    lift_clear_hours: int = 36
    merge_gap_hours: int = 36
    to_confirm: tuple[str, ...] = field(default=())

    def rule(self, level: str) -> LevelRule:
        for rule in self.levels:
            if rule.level == level:
                return rule
        raise KeyError(level)

    def lowest_threshold(self) -> int:
        """The lowest AQI threshold of the lowest level: below it no alternative of any level can hold."""
        return min(c.above for alt in self.rule("yellow").alternatives for c in alt)


def _from_days(rules: Sequence[AlertRule]) -> tuple[LevelRule, ...]:
    return tuple(
        LevelRule(
            rule.level,
            tuple(tuple(Condition(above, days * 24) for above, days in alt) for alt in rule.alternatives),
        )
        for rule in rules
        if rule.level in LEVELS
    )


SHANDONG_2023 = AlertRuleVersion(
    code="shandong-2023",
    name="山东省重污染天气应急预案（2023年版）",
    source="山东省重污染天气应急预案（2023年4月3日）；环大气〔2024〕6号（原文未读）",
    valid_from=dt.date(2023, 4, 3),
    valid_to=None,
    levels=_from_days(ALERT_SCHEMES["2019"]),
    to_confirm=(
        "阈值仅见于山东省2023年预案解读一处来源，国家文件环大气〔2024〕6号原文待确认",
        "解除条件“预测改善至黄色预警条件以下并持续36小时以上”仅见一处来源（扬州2026），待确认",
        "“两次过程间隔过近合并为一次”未见具体小时数，默认按36小时配置，待确认",
    ),
)

NATIONAL_2018 = AlertRuleVersion(
    code="national-2018",
    name="环办大气函〔2018〕875号（山东各市2018—2023年预案）",
    source="环办大气函〔2018〕875号；生态环境部2017年预案修订培训材料；忻州2021年答复；济宁2019年预案",
    valid_from=dt.date(2018, 1, 1),
    valid_to=dt.date(2023, 4, 2),
    levels=_from_days(ALERT_SCHEMES["2018"]),
    to_confirm=(
        "橙色预警在生态环境部2017年材料中另有“AQI>300”的附加条件，山东各市文本未见，待确认",
        "“AQI达到500”按连续一天AQI>499配置",
        "解除36小时、合并间隔36小时均为配置值，待确认",
    ),
)

#: every known version, newest first
RULE_VERSIONS: tuple[AlertRuleVersion, ...] = (SHANDONG_2023, NATIONAL_2018)


def rule_version(on: dt.date, code: str | None = None) -> AlertRuleVersion:
    """The alert rule version in force on *on* (Shandong 2023 plan from 2023-04-03; 环办大气函〔2018〕875号
    before), or the version named by *code* (explicit override: "judge 2022 by today's rules")."""
    if code is not None:
        for version in RULE_VERSIONS:
            if version.code == code:
                return version
        raise ValueError(f"未知的预警规则版本 {code!r}；可选 {', '.join(v.code for v in RULE_VERSIONS)}")
    for version in RULE_VERSIONS:
        if version.valid_from <= on and (version.valid_to is None or on <= version.valid_to):
            return version
    raise ValueError(f"{on} 没有适用的预警规则版本（最早自 {RULE_VERSIONS[-1].valid_from}）")


@dataclass(frozen=True)
class Step:
    """A value of the AQI series: AQI over [start, start + hours)."""

    start: dt.datetime
    hours: int
    aqi: int | None

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(hours=self.hours)


@dataclass(frozen=True)
class Run:
    """The longest run above a threshold: its hours and first/last step."""

    above: int
    hours: int
    start: dt.datetime | None
    end: dt.datetime | None


def longest_run(series: Sequence[Step], above: int) -> Run:
    """The longest run of consecutive steps with AQI > *above* (a gap in time or a missing AQI breaks a run);
    the duration rule of 鲁政办字〔2020〕83号 / [S12] "日AQI>X 持续 N 小时"."""
    best = Run(above, 0, None, None)
    hours = 0
    start: dt.datetime | None = None
    previous_end: dt.datetime | None = None
    for step in series:
        contiguous = previous_end is None or step.start == previous_end
        if step.aqi is not None and step.aqi > above:
            if hours and contiguous:
                hours += step.hours
            else:
                hours, start = step.hours, step.start
            if hours > best.hours:
                best = Run(above, hours, start, step.end)
        else:
            hours = 0
        previous_end = step.end
    return best


@dataclass(frozen=True)
class Proposal:
    """The proposed level and the reasoning, one sentence per level tested."""

    level: str | None
    version: str
    reasons: tuple[str, ...]
    runs: Mapping[int, Run]
    episode_start: dt.datetime | None
    episode_end: dt.datetime | None

    @property
    def text(self) -> str:
        return "\n".join(self.reasons)


def evaluate(series: Sequence[Step], version: AlertRuleVersion) -> Proposal:
    """The highest level whose conditions the series meets (a level applies only when no higher one is met),
    with the reasoning written out: 山东省重污染天气应急预案 (2023) 预警分级 / 环办大气函〔2018〕875号."""
    thresholds = sorted({c.above for rule in version.levels for alt in rule.alternatives for c in alt})
    runs = {above: longest_run(series, above) for above in thresholds}
    reasons = [
        f"依据：{version.name}。" + "；".join(f"AQI>{a} 最长连续 {runs[a].hours} 小时" for a in thresholds) + "。"
    ]
    chosen: str | None = None
    for rule in sorted(version.levels, key=lambda r: -level_rank(r.level)):
        met = [alt for alt in rule.alternatives if all(runs[c.above].hours >= c.hours for c in alt)]
        options = "，或 ".join("且".join(c.text() for c in alt) for alt in rule.alternatives)
        if met:
            reasons.append(
                f"{LEVEL_NAMES[rule.level]}条件（{options}）：满足（{'且'.join(c.text() for c in met[0])}）。"
            )
            chosen = rule.level
            break
        reasons.append(f"{LEVEL_NAMES[rule.level]}条件（{options}）：不满足。")
    if chosen is None:
        reasons.append("结论：未达到预警条件。")
        start = end = None
    else:
        reasons.append(f"结论：建议发布{LEVEL_NAMES[chosen]}。")
        low = runs[version.lowest_threshold()]
        start, end = low.start, low.end
    for note in version.to_confirm:
        reasons.append(f"（{TO_CONFIRM}）{note}")
    return Proposal(chosen, version.code, tuple(reasons), runs, start, end)


def daily_steps(days: Sequence[tuple[dt.date, int | None]], day_start_hour: int = 0) -> list[Step]:
    """A daily forecast (date, AQI) as 24-hour steps; a missing date is an error naming it (a forecast
    with gaps cannot be judged: 鲁政办字〔2020〕83号 requires a continuous forecast of the episode)."""
    ordered = sorted(days)
    for (d0, _a), (d1, _b) in itertools.pairwise(ordered):
        if d1 == d0:
            raise ValueError(f"预报日期 {d1} 重复")
        if (d1 - d0).days != 1:
            raise ValueError(f"预报序列在 {d0 + dt.timedelta(days=1)} 缺少数据（{d0} 之后为 {d1}）")
    return [Step(dt.datetime.combine(d, dt.time(day_start_hour)), 24, a) for d, a in ordered]


def evaluate_forecast(days: Sequence[tuple[dt.date, int | None]], version: AlertRuleVersion | None = None) -> Proposal:
    """Level proposed by a daily AQI forecast (24 h per day), by the version in force on its first day
    unless one is given (山东省重污染天气应急预案 2023, 预警分级)."""
    steps = daily_steps(days)
    if not steps:
        raise ValueError("预报序列为空")
    return evaluate(steps, version or rule_version(steps[0].start.date()))


ROLLING_POLLUTANTS = ("SO2", "NO2", "CO", "PM10", "PM2.5")
#: a 24-hour mean is valid with ≥ 20 hourly values (GB 3095-2012 表4, as for daily means)
ROLLING_MIN_HOURS = 20


def rolling_24h_aqi(hourly: pl.DataFrame, min_hours: int = ROLLING_MIN_HOURS) -> pl.DataFrame:
    """Rolling 24-hour AQI ("任意连续24小时", [S15], [S16]) from hourly concentrations.

    *hourly*: ``time`` (hour-end labels, one row per hour or gaps) and any of SO2, NO2, CO, PM10, PM2.5 in
    µg/m³ (CO mg/m³). For each hour the 24-hour means of the values labelled time−23 h … time (valid with
    ≥ *min_hours* values) are indexed with HJ 633 daily IAQI breakpoints (edition by date:
    :func:`meili.standards.air.daily.daily_index`). O3 is left out: the alert thresholds concern
    PM2.5-led episodes (O3 episodes have their own rule). Returns ``time, AQI`` (AQI null when no mean is valid).
    """
    if hourly.height == 0:
        return pl.DataFrame(schema={"time": pl.Datetime, "AQI": pl.Int64})
    frame = hourly.sort("time")
    times = frame["time"].to_list()
    t0, t1 = times[0], times[-1]
    grid = pl.DataFrame({"time": pl.datetime_range(t0, t1, "1h", eager=True)}).with_columns(
        pl.col("time").cast(frame.schema["time"])
    )
    frame = grid.join(frame, on="time", how="left")
    means = []
    for p in ROLLING_POLLUTANTS:
        if p not in frame.columns:
            means.append(pl.lit(None, dtype=pl.Float64).alias(p))
            continue
        col = pl.col(p).cast(pl.Float64)
        count = col.is_not_null().cast(pl.Int32).rolling_sum(24, min_samples=1)
        mean = col.rolling_mean(24, min_samples=1)
        means.append(pl.when(count >= min_hours).then(mean).otherwise(None).alias(p))
    conc = frame.select(
        pl.col("time").dt.strftime("%Y-%m-%dT%H:%M").alias("site"),
        pl.col("time").dt.date().alias("date"),
        pl.col("time"),
        *means,
    )
    index = daily_index(conc.drop("time"))
    return (
        conc.select("site", "time")
        .join(index.select("site", "AQI"), on="site", how="left")
        .select("time", pl.col("AQI").cast(pl.Int64))
    )


def evaluate_observed(rolling: pl.DataFrame, version: AlertRuleVersion | None = None) -> Proposal:
    """Level met by observed rolling 24-hour AQI (one step per hour), by the version in force at its first hour
    unless one is given (环办大气函〔2018〕875号 / 山东 2023: "日AQI" is any 24 consecutive hours)."""
    if rolling.height == 0:
        raise ValueError("没有观测数据")
    steps = [Step(t, 1, None if a is None else int(a)) for t, a in rolling.sort("time").iter_rows()]
    return evaluate(steps, version or rule_version(steps[0].start.date()))


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str


def check_issue_lead(issued_at: dt.datetime, episode_start: dt.datetime, version: AlertRuleVersion) -> Check:
    """An alert is issued at least ``issue_lead_hours`` (24 h) before the forecast episode starts
    (鲁政办字〔2020〕83号 "提前24小时以上发布"; 2022 draft [S14])."""
    lead = (episode_start - issued_at).total_seconds() / 3600
    if lead >= version.issue_lead_hours:
        return Check(True, f"提前 {lead:g} 小时发布，满足提前 {version.issue_lead_hours} 小时的要求。")
    return Check(
        False,
        f"发布时间距预计过程开始仅 {lead:g} 小时，不足 {version.issue_lead_hours} 小时"
        f"（{version.name}：预警应提前{version.issue_lead_hours}小时以上发布）。",
    )


def check_lift(lift_at: dt.datetime, forecast: Sequence[Step], version: AlertRuleVersion) -> Check:
    """An alert may be lifted when the forecast stays below the yellow condition for more than
    ``lift_clear_hours`` (36 h) from the lifting time ([S15], 待确认). "Below the yellow condition" is read
    as every forecast AQI ≤ the lowest yellow threshold (150 current, 200 old), counted from *lift_at*
    without a gap."""
    limit = version.lowest_threshold()
    clear = 0.0
    cursor = lift_at
    for step in sorted(forecast, key=lambda s: s.start):
        if step.end <= cursor:
            continue
        if step.start > cursor:
            break
        if step.aqi is None or step.aqi > limit:
            break
        clear += (step.end - cursor).total_seconds() / 3600
        cursor = step.end
    if clear > version.lift_clear_hours:
        return Check(
            True, f"预测自解除时起 {clear:g} 小时 AQI≤{limit}，超过 {version.lift_clear_hours} 小时，可以解除。"
        )
    return Check(
        False,
        f"预测自解除时起仅 {clear:g} 小时 AQI≤{limit}，未超过 {version.lift_clear_hours} 小时，不能解除"
        f"（解除条件：预测空气质量改善到黄色预警条件以下且将持续{version.lift_clear_hours}小时以上，{TO_CONFIRM}）。",
    )


@dataclass(frozen=True)
class Episode:
    start: dt.datetime
    end: dt.datetime
    level: str


def merge_episodes(episodes: Sequence[Episode], version: AlertRuleVersion) -> list[Episode]:
    """Episodes separated by no more than ``merge_gap_hours`` are one episode at the higher level
    (生态环境部2017年预案修订材料 [S16]; the gap is configuration, 待确认)."""
    merged: list[Episode] = []
    gap = dt.timedelta(hours=version.merge_gap_hours)
    for ep in sorted(episodes, key=lambda e: e.start):
        if merged and ep.start - merged[-1].end <= gap:
            last = merged[-1]
            level = last.level if level_rank(last.level) >= level_rank(ep.level) else ep.level
            merged[-1] = Episode(last.start, max(last.end, ep.end), level)
        else:
            merged.append(ep)
    return merged


# ------------------------------------------------------------------------------------ reduction ratios

#: level → pollutant → required share of the city total (PM2.5 episodes): 10/20/30 % ([S10], [S11], 875号)
REDUCTION_RATIOS: dict[str, dict[str, float]] = {
    "yellow": dict.fromkeys(POLLUTANTS, 0.10),
    "orange": dict.fromkeys(POLLUTANTS, 0.20),
    "red": dict.fromkeys(POLLUTANTS, 0.30),
}
#: O3 response (Shandong 2023 [S13]): VOCs and NOx each ≥ 20 %
O3_REDUCTION_RATIOS: dict[str, float] = {"NOx": 0.20, "VOCs": 0.20}


@dataclass(frozen=True)
class ReductionRow:
    level: str
    pollutant: str
    city_t_per_day: float
    ratio: float
    required_t_per_day: float
    listed_t_per_day: float
    shortfall_t_per_day: float

    @property
    def met(self) -> bool:
        return self.shortfall_t_per_day <= 0

    @property
    def share(self) -> float:
        return self.listed_t_per_day / self.city_t_per_day if self.city_t_per_day else 0.0


def check_reductions(
    city_t_per_year: Mapping[str, float],
    listed_t_per_day: Mapping[str, Mapping[str, float]],
    ratios: Mapping[str, Mapping[str, float]] | None = None,
    days_per_year: int = 365,
) -> list[ReductionRow]:
    """Per level and pollutant: the list's reductions (t/d, industrial + 扬尘 + 移动源) against the required
    share of the city's total emissions (t/a ÷ 365), with the shortfall (环办大气函〔2018〕875号; Tianjin [S10]:
    yellow/orange/red ≥ 10/20/30 % of SO2, NOx, PM, VOCs). E.g. NOx 10 950 t/a → 30 t/d → 3/6/9 t/d."""
    table = ratios if ratios is not None else REDUCTION_RATIOS
    rows = []
    for level, per_pollutant in table.items():
        for pollutant, ratio in per_pollutant.items():
            if pollutant not in city_t_per_year:
                continue
            city = city_t_per_year[pollutant] / days_per_year
            required = city * ratio
            listed = float(listed_t_per_day.get(level, {}).get(pollutant, 0.0))
            shortfall = round(max(0.0, required - listed), 9)
            rows.append(ReductionRow(level, pollutant, city, ratio, required, listed, shortfall))
    return rows


# ------------------------------------------------------------------------------------------ grades

#: best to worst for the A–D family (环办大气〔2026〕2号 §二(一): 短板原则 takes the lowest)
GRADE_ORDER = ("A+", "A", "B", "B-", "C", "D")
LEADING = ("引领性", "非引领性")
#: grades every entry may carry whatever its industry: 保障类 (以热定产/以量定产 [S20]), long stop, non-key
SPECIAL = ("保障类", "长期停产", "非重点行业")
#: what a grade must do during an alert (Henan 2020 release [S4], MEE Q&A [S5], Zhengzhou 2025 [S9])
DUTIES = {
    "A+": "自主减排（A+级按不低于A级对待，待确认）",
    "A": "自主减排",
    "引领性": "自主减排",
    "B": "以限代停：降低负荷，按行业措施限产",
    "B-": "以限代停：按行业措施限产（严于B级）",
    "C": "以停代限：停止规定比例的生产线或设备",
    "D": "停产（个别行业按比例停产）",
    "非引领性": "执行行业规定的强制减排措施",
    "保障类": "以热定产/以量定产，按核定最大负荷生产",
    "长期停产": "保持停产",
    "非重点行业": "执行地方规定措施",
}
AUTONOMOUS = frozenset({"A+", "A", "引领性"})


@dataclass(frozen=True)
class IndustryGrades:
    no: int
    industry: str
    grades: tuple[str, ...]
    verified: bool
    source: str
    note: str


def _parse_grades(text: str, confidence: str) -> tuple[tuple[str, ...], bool]:
    verified = "unverified" not in text and confidence.split()[0] in ("high", "medium")
    body = text.split("(")[0]
    if "引领性" in body:
        return LEADING, verified
    grades = tuple(g.strip() for g in body.split(",") if g.strip() in GRADE_ORDER)
    return grades, verified


@cache
def industry_grades() -> dict[str, IndustryGrades]:
    """The graded key industries of 环办大气函〔2020〕340号 and their grade sets (``emergency_grades.csv``;
    rows of low or no confidence are flagged 待确认). B- is allowed wherever B is ([S8], [S9]: "B（含B-）");
    A+ wherever A is (环办大气〔2026〕2号)."""
    out: dict[str, IndustryGrades] = {}
    for row in read_table_text("emergency_grades.csv"):
        if row["no"] == "0" or row["industry_en"] == "unknown":
            continue
        grades, verified = _parse_grades(row["grades_available"], row["confidence"])
        if "B" in grades:
            grades = (*grades[: grades.index("B") + 1], "B-", *grades[grades.index("B") + 1 :])
        if "A" in grades:
            grades = ("A+", *grades)
        out[row["industry"]] = IndustryGrades(
            int(row["no"]), row["industry"], grades, verified, row["source"], row["notes"]
        )
    return out


def check_grade(industry: str, grade: str) -> Check:
    """Is *grade* one the industry's scheme has (环办大气函〔2020〕340号 per-industry grades)? 保障类, 长期停产
    and 非重点行业 are always allowed; a graded key industry cannot be 非重点行业."""
    table = industry_grades()
    entry = table.get(industry)
    if grade in SPECIAL:
        if grade == "非重点行业" and entry is not None:
            return Check(False, f"“{industry}”属于重点行业，不能登记为“非重点行业”，应按绩效分级登记。")
        return Check(True, f"{grade}：{DUTIES[grade]}。")
    if entry is None:
        return Check(False, f"“{industry}”不在重点行业绩效分级名录中，只能登记为：{'、'.join(SPECIAL)}。")
    if grade not in entry.grades:
        return Check(
            False,
            f"“{industry}”的绩效等级只能是 {'、'.join(entry.grades)}，不能是“{grade}”（环办大气函〔2020〕340号）。",
        )
    note = "" if entry.verified else f"（该行业分级集合{TO_CONFIRM}）"
    return Check(True, f"{industry} {grade}级：{DUTIES[grade]}。{note}")


def overall_grade(grades: Sequence[str]) -> str:
    """An enterprise in several key industries takes its lowest grade (短板原则, 环办大气〔2026〕2号 §二(一));
    引领性 ranks with A, 非引领性 with C (our reading, 待确认)."""
    ranked = [g for g in grades if g in GRADE_ORDER or g in LEADING]
    if not ranked:
        raise ValueError("没有可比较的绩效等级")
    equivalent = {"引领性": "A", "非引领性": "C"}
    return max(ranked, key=lambda g: GRADE_ORDER.index(equivalent.get(g, g)))


def check_entry_measures(
    grade: str, reductions: Mapping[str, Mapping[str, float]], measures: Mapping[str, str]
) -> list[str]:
    """Warnings for a list entry against its grade's duty ([S4], [S5]): A+/A/引领性 reduce autonomously (a
    mandated cut is unexpected); other graded entries need a written measure at every level, and the cuts
    must not fall as the level rises (红 ≥ 橙 ≥ 黄)."""
    warnings = []
    if grade in AUTONOMOUS:
        if any(v > 0 for per in reductions.values() for v in per.values()):
            warnings.append(f"{grade}级企业自主减排，清单中不应有强制减排量（如为自愿承诺请在措施中说明）。")
        return warnings
    if grade not in ("长期停产", "非重点行业"):
        for level in LEVELS:
            if not measures.get(level, "").strip():
                warnings.append(f"{grade}级企业缺少{LEVEL_SHORT[level]}预警期间的减排措施。")
    for pollutant in POLLUTANTS:
        values = [float(reductions.get(level, {}).get(pollutant, 0.0)) for level in LEVELS]
        if values != sorted(values):
            warnings.append(
                f"{pollutant} 减排量应随预警级别升高而不减少（黄 {values[0]:g}、橙 {values[1]:g}、红 {values[2]:g} t/d）。"
            )
    return warnings


# ------------------------------------------------------------------------------------------ compliance

#: observed emissions may exceed (baseline − committed cut) by this share before a finding says "did not cut";
#: the plans give no tolerance ("可监测、可核查" only, 鲁政办字〔2020〕83号): configuration, 待确认
COMPLIANCE_TOLERANCE = 0.0


def compliance_verdict(
    pollutant: str,
    baseline_t_per_day: float,
    committed_t_per_day: float,
    observed_t_per_day: float,
    tolerance: float = COMPLIANCE_TOLERANCE,
) -> Check:
    """Did a listed enterprise cut during an alert? Its observed emissions must not exceed its baseline less the
    committed reduction at the alert level (鲁政办字〔2020〕83号: measures "可操作、可监测、可核查"; 一厂一策 baseline
    and reduction per level, [S18]). *tolerance* is a share of the allowed amount (待确认)."""
    allowed = max(0.0, baseline_t_per_day - committed_t_per_day)
    limit = allowed * (1 + tolerance)
    achieved = baseline_t_per_day - observed_t_per_day
    if observed_t_per_day <= limit + 1e-12:
        return Check(
            True,
            f"{pollutant}：基准 {baseline_t_per_day:g} t/d，承诺减排 {committed_t_per_day:g} t/d，"
            f"预警期间实际 {observed_t_per_day:.3g} t/d（减少 {achieved:.3g} t/d），已落实。",
        )
    return Check(
        False,
        f"{pollutant}：基准 {baseline_t_per_day:g} t/d，承诺减排 {committed_t_per_day:g} t/d（应不高于 {allowed:g} t/d），"
        f"预警期间实际 {observed_t_per_day:.3g} t/d，超出 {observed_t_per_day - allowed:.3g} t/d，未落实减排。",
    )
