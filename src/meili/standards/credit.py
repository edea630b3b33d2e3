"""Enterprise environmental credit rating (企业环境信用评价): rule sets as data, points → grade, the national
2013 score scheme, repair (信用修复) and publication periods, and what a grade triggers.

Sources (as the governance reference pack names them; see docs/credit.md):

* 《山东省企业环境信用评价办法》 (2021) arts. 6–7 ([C1], [C2]): violations scored under
  《山东省企业环境违法违规行为记分标准》 and summed; four colours 绿/蓝/黄/黑. The point bands of art. 7 were not
  found (every copy stops inside art. 7): the 2021 bands here are configuration marked 待确认, built on the
  2016/2018 editions' 12-point line.
* 2016 (鲁环发〔2016〕204号) and 2018 editions ([C6], [C7], [C10]): green = 0 points in the calendar year,
  yellow 1–11, red ≥ 12 — high confidence.
* 记分标准 rows ([C6], [C9]; ``data/credit_points_shandong.csv``): 1 point (警告, 责令改正, 罚款 < 1 万元),
  12 points (停产整治, 吊销许可证, 移送行政拘留, 移送涉嫌犯罪, 报告书项目责令停止建设); the rest unknown — a category
  without points cannot be scored until the bureau configures it.
* Publication 1 year (3 years for serious violations), then back office once rectified and written off
  (菏泽日报 2021-01-07 [C4]); repair = rectify → 核销 confirmed by the city bureau ([C5]).
* National 《企业环境信用评价办法（试行）》 环发〔2013〕150号 ([C12]–[C16]): four grades 诚信/良好/警示/不良,
  21 weighted indicators (7 weights known), 一票否决 → 不良, a general incident lowers one grade; score
  bands 95/80/60 are Anhui practice ([C17]), configuration 待确认.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

TO_CONFIRM = "待确认"


@dataclass(frozen=True)
class Band:
    """A grade for totals in [low, high] (``high`` None: no upper bound). Points (Shandong) or score (national)."""

    code: str
    name: str
    colour: str
    low: float
    high: float | None
    verified: bool = True
    note: str = ""

    def contains(self, value: float) -> bool:
        return self.low <= value and (self.high is None or value <= self.high)


@dataclass(frozen=True)
class PointRule:
    """One row of the scoring standard: a penalty category, its points (None: not known, must be configured)."""

    code: str
    category: str
    points: int | None
    serious: bool = False
    verified: bool = True
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    source: str
    method: str  # "points": sum of points, low is good; "score": weighted score, high is good
    bands: tuple[Band, ...]
    rules: tuple[PointRule, ...] = ()
    weights: Mapping[str, float] = field(default_factory=dict)
    publish_years: int = 1
    publish_years_serious: int = 3
    period: str = "自然年"
    to_confirm: tuple[str, ...] = ()
    #: the row a confirmed online exceedance (超标排放) is recorded under; None: the scheme scores no records
    exceedance_rule: str | None = None

    def rule(self, code: str) -> PointRule:
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(f"记分标准 {self.code} 中没有条目 {code!r}")


class RuleError(ValueError):
    """A rule set that cannot be used (overlapping or missing bands); the message names the rule and band."""


def validate_bands(ruleset: RuleSet, step: float = 1.0) -> None:
    """Bands must cover every total without overlap (a point total has exactly one grade: 山东 2021 art. 7,
    环发〔2013〕150号). *step* is the resolution of totals (1 point; 0.01 for scores)."""
    bands = sorted(ruleset.bands, key=lambda b: b.low)
    for a, b in itertools.pairwise(bands):
        if a.high is None or a.high >= b.low:
            raise RuleError(
                f"规则集 {ruleset.code}：等级“{a.name}”与“{b.name}”的分值区间重叠（{a.low}–{a.high} 与 {b.low}–）。"
            )
        if round(b.low - a.high, 9) > step:
            raise RuleError(f"规则集 {ruleset.code}：“{a.name}”与“{b.name}”之间有空档（{a.high} 与 {b.low}）。")
    if bands and bands[-1].high is not None and ruleset.method == "points":
        raise RuleError(f"规则集 {ruleset.code}：最高分段“{bands[-1].name}”必须没有上限。")


SHANDONG_POINT_RULES: tuple[PointRule, ...] = (
    PointRule("warning", "警告", 1, source="C6"),
    PointRule("order_correct", "责令改正或者限期改正", 1, source="C6"),
    PointRule("fine_small", "罚款（1万元以下）", 1, source="C6"),
    PointRule(
        "fine_large",
        "罚款（1万元及以上，按金额分档）",
        None,
        verified=False,
        source="C6",
        note="2、3、4、6分各对应哪一金额档未见原文，待确认",
    ),
    PointRule("stop_construction_report", "责令停止建设（报告书类建设项目）", 12, serious=True, source="C6"),
    PointRule(
        "stop_construction_table",
        "责令停止建设（报告表类建设项目）",
        None,
        verified=False,
        note="小于12分，具体分值待确认",
    ),
    PointRule("limit_production", "责令限制生产", None, verified=False, source="C9", note="2/3/4/6分之一，待确认"),
    PointRule("stop_production", "责令停产整治", 12, serious=True, source="C6"),
    PointRule("seal_seize", "实施查封、扣押", None, verified=False, source="C9", note="待确认"),
    PointRule("confiscate", "没收违法所得、没收非法财物", None, verified=False, source="C9", note="待确认"),
    PointRule(
        "suspend_licence", "暂扣许可证或者其他具有许可性质的证件", None, verified=False, source="C9", note="待确认"
    ),
    PointRule("revoke_licence", "吊销许可证或者其他具有许可性质的证件", 12, serious=True, source="C6"),
    PointRule("detention", "移送适用行政拘留的环境违法案件", 12, serious=True, source="C6"),
    PointRule("crime", "移送涉嫌环境犯罪案件", 12, serious=True, source="C6"),
)

#: A confirmed exceedance alarm is not itself a penalty; the scoring standard's row for it was not found (the
#: 2021 table that also scores "有关环境管理要求" is missing from the pack, §2.2). 超标排放 is first ordered
#: corrected (责令改正), so the record is entered under that 1-point row until the bureau confirms the mapping; a
#: later penalty decision is entered as its own record.
EXCEEDANCE_TO_CONFIRM = "在线监控确认的超标排放按“责令改正或者限期改正”（1分）登记，对应的记分条目待确认"

SHANDONG_2018 = RuleSet(
    code="shandong-2018",
    name="山东省企业环境信用评价办法（2018年版）",
    source="鲁环发〔2016〕204号及2018年修订版（2018-07-01至2023-06-30有效）",
    method="points",
    bands=(
        Band("green", "绿标（守信）", "green", 0, 0),
        Band("yellow", "黄标（一般失信）", "yellow", 1, 11),
        Band("red", "红标（严重失信）", "red", 12, None),
    ),
    rules=SHANDONG_POINT_RULES,
    exceedance_rule="order_correct",
    to_confirm=(EXCEEDANCE_TO_CONFIRM,),
)

SHANDONG_2021 = RuleSet(
    code="shandong-2021",
    name="山东省企业环境信用评价办法（2021年）",
    source="山东省企业环境信用评价办法（2021）第六条、第七条；记分标准沿用2016/2018年版已知条目",
    method="points",
    bands=(
        Band("green", "绿色（环境守法）", "green", 0, 0),
        Band("blue", "蓝色（轻微失信）", "blue", 1, 5, verified=False, note="蓝/黄分界未见原文，默认1–5分，待确认"),
        Band(
            "yellow", "黄色（一般失信）", "yellow", 6, 11, verified=False, note="蓝/黄分界未见原文，默认6–11分，待确认"
        ),
        Band(
            "black",
            "黑色（严重失信）",
            "black",
            12,
            None,
            verified=False,
            note="沿用12分线，或列明的严重违法行为，待确认",
        ),
    ),
    rules=SHANDONG_POINT_RULES,
    to_confirm=(
        "第七条的分值区间未见原文（所有存档副本在第七条中断）",
        "评价周期沿用2016/2018年版的“当年”，2021年原文表述未见",
        "12分类严重违法行为直接列入黑色等级，待确认",
        EXCEEDANCE_TO_CONFIRM,
    ),
    exceedance_rule="order_correct",
)

NATIONAL_2013 = RuleSet(
    code="national-2013",
    name="企业环境信用评价办法（试行）",
    source="环发〔2013〕150号（环境保护部、国家发展改革委、人民银行、银监会，2013-12-18）",
    method="score",
    bands=(
        Band("red", "环保不良企业（红牌）", "red", 0, 59.99, verified=False, note="安徽做法，待确认"),
        Band("yellow", "环保警示企业（黄牌）", "yellow", 60, 79.99, verified=False, note="安徽做法，待确认"),
        Band("blue", "环保良好企业（蓝牌）", "blue", 80, 94.99, verified=False, note="安徽做法，待确认"),
        Band("green", "环保诚信企业（绿牌）", "green", 95, 100, verified=False, note="安徽做法，待确认"),
    ),
    weights={
        "discharge_compliance": 15,
        "solid_waste": 5,
        "hazardous_waste": 5,
        "noise": 4,
        "siting_ecology": 2,
        "risk_management": 10,
        "penalties_orders": 15,
    },
    to_confirm=("21项指标中仅7项权重可见，其余权重待确认", "四个等级的分数线未见原文，默认采用安徽省95/80/60，待确认"),
)

NATIONAL_INDICATORS = {
    "discharge_compliance": "大气及水污染物达标排放",
    "solid_waste": "一般固体废物处理处置",
    "hazardous_waste": "危险废物规范化管理",
    "noise": "噪声污染防治",
    "siting_ecology": "选址布局中的生态保护",
    "risk_management": "环境风险管理",
    "penalties_orders": "行政处罚与行政命令",
}
#: 一票否决 (环发〔2013〕150号 as applied in Fujian [C16] and Shandong 2014 [C11]): → 不良 directly
VETO_ACTS = {
    "crime": "环境犯罪",
    "no_eia": "未批先建（环评未批准即开工）",
    "no_acceptance": "环保设施未建成或未验收即投产",
    "major_change": "重大变动未重新报批环评",
    "over_total": "超总量排放",
    "hidden_pipe": "暗管、渗坑或旁路偷排",
    "illegal_hazardous_waste": "非法处置危险废物",
}

RULE_SETS: dict[str, RuleSet] = {r.code: r for r in (SHANDONG_2021, SHANDONG_2018, NATIONAL_2013)}


@dataclass(frozen=True)
class Violation:
    """One record to be scored: its rule code, the decision date and whether it has been written off (核销)."""

    rule: str
    decided: dt.date
    written_off: bool = False
    points: int | None = None  # an explicit value overrides the rule (a bureau's configured figure)


@dataclass(frozen=True)
class Rating:
    total: float
    band: Band
    reasons: tuple[str, ...]


def points_of(ruleset: RuleSet, violation: Violation) -> int:
    """Points of one record under the scoring standard (山东 2021 art. 6); a category whose points are not
    known raises an error naming the category (configure it first)."""
    if violation.points is not None:
        return violation.points
    rule = ruleset.rule(violation.rule)
    if rule.points is None:
        raise RuleError(f"记分标准“{rule.category}”尚未配置分值（{TO_CONFIRM}：{rule.note}），不能计分。")
    return rule.points


def band_for(ruleset: RuleSet, total: float) -> Band:
    """The band containing *total* (山东 2021 art. 7; 环发〔2013〕150号 grade cut-offs)."""
    for band in ruleset.bands:
        if band.contains(total):
            return band
    raise RuleError(f"规则集 {ruleset.code}：总分 {total:g} 不在任何等级区间内。")


def in_period(decided: dt.date, year: int) -> bool:
    """Records count in the calendar year of their decision ("当年": 2016/2018 editions [C6], [C7])."""
    return decided.year == year


def rate_points(ruleset: RuleSet, violations: Sequence[Violation], year: int) -> Rating:
    """Points rating of one enterprise for *year*: records decided that year and not written off are summed
    (山东 2021 arts. 6–7); in the 2021 set a 12-point (serious) record puts the enterprise in black."""
    if ruleset.method != "points":
        raise RuleError(f"规则集 {ruleset.code} 不是记分制")
    counted = [v for v in violations if in_period(v.decided, year) and not v.written_off]
    total = sum(points_of(ruleset, v) for v in counted)
    reasons = [f"{year}年计分记录 {len(counted)} 条，合计 {total} 分（已核销的不计）。"]
    band = band_for(ruleset, total)
    serious = [v for v in counted if v.points is None and ruleset.rule(v.rule).serious]
    if serious and ruleset.code == "shandong-2021" and band.code != "black":
        band = next(b for b in ruleset.bands if b.code == "black")
        reasons.append(f"有严重违法行为（{ruleset.rule(serious[0].rule).category}），直接评为黑色（{TO_CONFIRM}）。")
    reasons.append(f"评价结果：{band.name}。" + (f"（{TO_CONFIRM}：{band.note}）" if not band.verified else ""))
    return Rating(total, band, tuple(reasons))


def rate_score(
    ruleset: RuleSet, scores: Mapping[str, float], veto: Sequence[str] = (), general_incident: bool = False
) -> Rating:
    """National 2013 scheme: score = Σ weight × indicator score / Σ weight over the indicators given (each 0–100,
    banded 80–100 / 50–79 / 0–49 [C14]); any 一票否决 act → 不良; a general environmental incident lowers the
    grade by one ([C15])."""
    if ruleset.method != "score":
        raise RuleError(f"规则集 {ruleset.code} 不是评分制")
    unknown = [k for k in scores if k not in ruleset.weights]
    if unknown:
        raise RuleError(f"规则集 {ruleset.code} 没有指标 {', '.join(unknown)} 的权重（{TO_CONFIRM}）")
    for key, value in scores.items():
        if not 0 <= value <= 100:
            raise RuleError(f"指标“{NATIONAL_INDICATORS.get(key, key)}”得分 {value:g} 不在0–100之间")
    weight = sum(ruleset.weights[k] for k in scores)
    total = round(sum(ruleset.weights[k] * v for k, v in scores.items()) / weight, 2) if weight else 0.0
    order = sorted(ruleset.bands, key=lambda b: b.low)
    band = band_for(ruleset, total)
    reasons = [f"按已评 {len(scores)} 项指标加权（权重合计 {weight:g}%），得分 {total:g}。"]
    if veto:
        band = order[0]
        reasons.append(
            "存在一票否决情形：" + "、".join(VETO_ACTS.get(v, v) for v in veto) + "，直接评为" + band.name + "。"
        )
    elif general_incident and order.index(band) > 0:
        band = order[order.index(band) - 1]
        reasons.append(f"发生一般突发环境事件，降低一个等级至{band.name}。")
    reasons.append(f"评价结果：{band.name}。")
    return Rating(total, band, tuple(reasons))


@dataclass(frozen=True)
class RepairCheck:
    may_repair: bool
    may_archive: bool
    public_until: dt.date
    reasons: tuple[str, ...]


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def repair_check(
    ruleset: RuleSet, *, serious: bool, published: dt.date, rectified: bool, written_off: bool, today: dt.date
) -> RepairCheck:
    """信用修复 and publication ([C4], [C5]): a record may be repaired (its points no longer count, the grade is
    re-computed) once the violation is rectified and the city bureau has confirmed the write-off (核销); it
    leaves the public pages after 1 year (3 for serious ones) from publication *and* only when rectified and
    written off."""
    years = ruleset.publish_years_serious if serious else ruleset.publish_years
    until = _add_years(published, years)
    reasons = []
    if not rectified:
        reasons.append("违法行为尚未整改完成，不能修复。")
    if not written_off:
        reasons.append("市级生态环境部门尚未确认核销。")
    may_repair = rectified and written_off
    if today < until:
        reasons.append(f"公示期（{years}年）至 {until} 届满，届满前继续公开。")
    may_archive = may_repair and today >= until
    if may_repair:
        reasons.append("已整改并核销，符合信用修复条件。")
    if may_archive:
        reasons.append("公示期已满且已核销，记录转入后台存档，不再公开。")
    return RepairCheck(may_repair, may_archive, until, tuple(reasons))


#: what a colour triggers (山东 2021, release summary [C3], [C4]); inspections per year: None = as planned
TRIGGERS: dict[str, dict[str, object]] = {
    "green": {"inspection": "可免于随机抽查；同等条件下优先安排资金和项目", "random_checks_per_year": 0},
    "blue": {"inspection": "每年随机抽查不超过1次；失信预警", "random_checks_per_year": 1},
    "yellow": {"inspection": "提高抽查频次，审慎监管", "random_checks_per_year": 2},
    "black": {
        "inspection": "列入环境信用黑名单，重点监管，增加检查频次，限制资金和项目支持",
        "random_checks_per_year": 4,
    },
    "red": {"inspection": "重点监管，增加检查频次", "random_checks_per_year": 4},
}
#: grades whose holder may not apply for A, B/B-, 引领性 or 保障类 in the emergency list that year (Jincheng [S19])
BARS_HIGH_EMERGENCY_GRADE = frozenset({"yellow", "black", "red"})


def triggers(band_code: str) -> dict[str, object]:
    """Supervision measures for a colour ([C3], [C4]) and the emergency-grade link ([S19], local rule,
    待确认): yellow/black/red holders may not apply for A, B, 引领性 or 保障类 that year."""
    out = dict(TRIGGERS.get(band_code, {"inspection": "按计划检查", "random_checks_per_year": 1}))
    out["random_checks_note"] = f"抽查次数为配置值（{TO_CONFIRM}）"
    out["may_apply_high_emergency_grade"] = band_code not in BARS_HIGH_EMERGENCY_GRADE
    return out
