"""The packaged Weihai plan against the plan text (tests/data/seed/000_82be295f4d74f1d3.txt)."""

import re
from collections import Counter
from pathlib import Path

import pytest

from meili.plans import load_plan, packaged_plans, plan_path
from meili.plans.loader import chapter_of_clause
from tests.reference import PLAN_TEXT


@pytest.fixture(scope="module")
def plan():
    return load_plan(plan_path("weihai-2024-2035"))


@pytest.fixture(scope="module")
def seed_text():
    # The text was extracted from a document with page breaks inside sentences; join the lines.
    return PLAN_TEXT.read_text(encoding="utf-8").replace("\n", "")


def test_the_plan_is_packaged():
    assert "weihai-2024-2035" in packaged_plans()
    with pytest.raises(KeyError, match="no packaged plan 'nowhere'"):
        plan_path("nowhere")


def test_header(plan):
    assert plan.code == "weihai-2024-2035"
    assert plan.title == "美丽威海建设规划纲要（2024—2035年）"
    assert plan.base_year == 2023
    assert len(plan.version) == 64


def test_structure_counts(plan):
    assert [c.number for c in plan.chapters] == list(range(1, 10))
    assert [len(c.sections) for c in plan.chapters] == [4, 2, 5, 5, 3, 4, 4, 3, 6]
    tasks = [sum(len(s.tasks) for s in c.sections) for c in plan.chapters]
    assert tasks == [0, 6, 17, 18, 7, 0, 0, 8, 0]
    assert plan.chapter(4).sections[1].tasks[1].title == "持续深化水污染治理"


def test_indicator_counts_per_chapter(plan):
    per_chapter = Counter(i.chapter for i in plan.indicators)
    assert dict(per_chapter) == {1: 9, 2: 9, 3: 21, 4: 17, 5: 3, 6: 1, 7: 3}
    assert len(plan.indicators) == 63


def test_indicator_counts_per_direction_and_source(plan):
    assert Counter(i.direction for i in plan.indicators) == {
        "increase": 37,
        "milestone": 18,
        "decrease": 6,
        "qualitative": 2,
    }
    assert Counter(i.obtained for i in plan.indicators) == {"reported": 53, "monitoring": 8, "carbon": 2}
    assert sum(i.target_source == "superior" for i in plan.indicators) == 17


def test_every_quote_is_verbatim_in_the_plan(plan, seed_text):
    missing = [i.code for i in plan.indicators if i.quote not in seed_text]
    assert missing == []


def test_every_clause_heading_is_in_the_plan(plan, seed_text):
    for chapter in plan.chapters:
        for section in chapter.sections:
            assert section.title in seed_text, section.clause
            for task in section.tasks:
                assert f"{task.clause[-1]}.{task.title}" in seed_text, task.clause


def test_every_clause_matches_its_chapter(plan):
    for indicator in plan.indicators:
        assert chapter_of_clause(indicator.clause) == indicator.chapter, indicator.code


# (indicator, clause, year, value, the sentence fragment carrying the number in the plan)
NUMERIC_TARGETS = [
    ("space.cropland_area", "二（一）2", 2035, 239.29, "全市耕地保有量不低于239.29万亩"),
    ("space.permanent_basic_farmland", "二（一）2", 2035, 215.40, "永久基本农田保护任务不低于215.40万亩"),
    ("eco.protected_area_land_share", "二（一）2", 2035, 6, "占陆域国土面积比例不低于6%"),
    ("eco.soil_water_conservation_rate", "二（二）1", 2035, 83, "水土保持率达到83%左右"),
    ("economy.marine_output", "三（一）1", 2027, 1900, "海洋产业生产总值达到1900亿元"),
    ("economy.marine_innovation_platforms", "三（一）1", 2027, 180, "海洋创新平台达到180个以上"),
    ("economy.marine_hightech_enterprises", "三（一）1", 2027, 260, "涉海高新技术企业发展到260家以上"),
    ("economy.marine_tech_smes", "三（一）1", 2027, 460, "涉海科技型中小企业发展到460家以上"),
    ("industry.green_factories", "三（一）3", 2025, 105, "到2025年，创建市级及以上绿色工厂105家"),
    ("industry.green_parks", "三（一）3", 2025, 4, "市级及以上绿色工业园区4家"),
    (
        "water.long_term_clean_share",
        "四（二）2",
        2025,
        100,
        "到2025年，城市和县城建成区黑臭水体基本消除，城市建成区长制久清的水体比例达到100%",
    ),
    ("water.urban_sewage_collection_rate", "四（二）2", 2027, 73, "到2027年，城市生活污水集中收集率达到73%"),
    ("water.wwtp_upgraded_share", "四（二）2", 2027, 70, "70%的城市污水处理厂完成提标改造"),
    ("water.key_rivers_compliance_rate", "四（二）2", 2027, 100, "重点河流水质达标率保持100%"),
    ("water.beautiful_rivers_lakes_rate", "四（二）3", 2027, 40, "到2027年，美丽河湖建成率达到40%左右"),
    ("waste.zero_waste_cells", "四（四）1", 2027, 700, "到2027年，建设“无废细胞”数量不少于700个"),
    ("city.sports_area_per_capita", "五（一）3", 2027, 3.12, "到2027年，人均体育场地面积达到3.12平方米"),
    ("rural.provincial_demo_villages", "五（二）1", 2027, 210, "到2027年，建设省级美丽乡村示范村210个以上"),
    ("rural.municipal_demo_villages", "五（二）1", 2027, 600, "市级美丽乡村示范村600个以上"),
    ("tourism.island_resort_destinations", "六（二）", 2027, 1, "到2027年，培育打造不少于1处海岛休闲度假旅游目的地"),
    ("radiation.disused_sources_storage_rate", "七（四）", 2035, 100, "到2035年，废旧放射源安全送贮率达100%"),
]


@pytest.mark.parametrize(("code", "clause", "year", "value", "fragment"), NUMERIC_TARGETS)
def test_numeric_targets_match_the_plan_text(plan, seed_text, code, clause, year, value, fragment):
    indicator = plan.indicator(code)
    assert indicator.clause == clause
    assert fragment in seed_text
    number = f"{value:g}" if code != "space.permanent_basic_farmland" else "215.40"
    assert number in fragment
    (target,) = [t for t in indicator.targets if t.year == year]
    assert target.value == pytest.approx(value)
    assert target.comparator == ">="
    assert indicator.direction == "increase"


# (indicator, clause, year, words of the plan that set the date)
MILESTONES = [
    ("water.black_odorous_eliminated", "四（二）2", 2025, "到2025年，城市和县城建成区黑臭水体基本消除"),
    ("sea.beautiful_bays", "四（五）2", 2027, "到2027年，全域建成美丽海湾"),
    ("transport.old_diesel_locomotives_phased_out", "三（三）2", 2027, "老旧内燃机车基本淘汰"),
    (
        "risk.emergency_response_mechanism",
        "七（三）",
        2027,
        "到2027年，建立健全协调联动、责权分明的突发环境事件应急响应机制",
    ),
    ("water.beautiful_rivers_lakes_built", "四（二）3", 2035, "到2035年，美丽河湖基本建成"),
    ("soil.risk_controlled", "四（三）1", 2035, "到2035年，土壤环境风险得到全面管控"),
    ("climate.adaptive_society", "七（二）", 2035, "到2035年，基本建成气候适应型社会"),
    ("chem.new_pollutants_controlled", "四（四）4", 2035, "到2035年，新污染物环境风险得到有效管控"),
]


@pytest.mark.parametrize(("code", "clause", "year", "fragment"), MILESTONES)
def test_milestones_match_the_plan_text(plan, seed_text, code, clause, year, fragment):
    indicator = plan.indicator(code)
    assert (indicator.clause, indicator.direction) == (clause, "milestone")
    assert fragment in seed_text
    assert year in [t.year for t in indicator.targets]


SUPERIOR = [
    ("air.pm25_annual_mean", 2027, "细颗粒物年均浓度完成上级下达的目标任务"),
    ("eco.forest_coverage", 2035, "全市森林覆盖率完成省级下达的目标任务"),
    ("sea.natural_coastline_retention_rate", 2035, "大陆自然岸线保有率完成上级下达的保护目标"),
    ("soil.polluted_farmland_safe_use_rate", 2027, "受污染耕地安全利用率完成省下达的目标"),
    ("transport.nev_share_new_vehicles", 2027, "新增汽车中新能源汽车占比完成上级下达的目标任务"),
    ("carbon.co2_intensity_reduction", 2027, "单位地区生产总值二氧化碳排放完成省下达目标任务"),
    ("sea.good_water_share", 2027, "近岸海域水质优良比例完成省下达的目标任务"),
]


@pytest.mark.parametrize(("code", "year", "fragment"), SUPERIOR)
def test_superior_targets_wait_for_their_value(plan, seed_text, code, year, fragment):
    indicator = plan.indicator(code)
    assert fragment in seed_text
    assert indicator.target_source == "superior"
    (target,) = [t for t in indicator.targets if t.year == year]
    assert target.value is None
    filled = indicator.with_target_values({year: 42.0})
    assert [t.value for t in filled.targets if t.year == year] == [42.0]


def test_pm25_is_monitoring_derived_and_falls_further_after_2027(plan):
    pm25 = plan.indicator("air.pm25_annual_mean")
    assert (pm25.obtained, pm25.monitoring, pm25.direction) == ("monitoring", "air.pm25.annual_mean", "decrease")
    assert [(t.year, t.comparator) for t in pm25.targets] == [(2027, None), (2035, "trend")]
    assert pm25.target_for(2026).year == 2027
    assert pm25.target_for(2028).year == 2035


def test_units_resolve_and_reporters_see_their_indicators(plan):
    codes = {u.code for u in plan.units}
    for indicator in plan.indicators:
        assert set(indicator.units) <= codes
    assert {u.code for u in plan.children("weihai")} >= {"huancui", "rushan", "sthjj"}
    rushan = {i.code for i in plan.indicators_for_unit("rushan")}
    assert "waste.zero_waste_cells" in rushan and "radiation.disused_sources_storage_rate" not in rushan
    assert len(plan.indicators_for_unit("sthjj")) >= 30
    with pytest.raises(KeyError):
        plan.indicators_for_unit("nobody")
    with pytest.raises(KeyError):
        plan.indicator("air.nothing")


def test_baselines_cite_a_published_figure(plan):
    with_baseline = [i for i in plan.indicators if i.baseline is not None]
    assert {i.code for i in with_baseline} == {
        "eco.status_index",
        "air.good_days_ratio",
        "water.key_rivers_compliance_rate",
    }
    for indicator in with_baseline:
        assert indicator.baseline.source and indicator.baseline.year < indicator.targets[0].year
    assert plan.indicator("eco.status_index").baseline.value == 64.45


def test_monitoring_indicators_name_their_statistic(plan):
    monitored = {i.code: i.monitoring for i in plan.indicators if i.obtained == "monitoring"}
    assert monitored["water.key_rivers_compliance_rate"] == "water.provincial_key_rivers_compliance_rate"
    assert monitored["sea.good_water_share"] == "sea.good_water_share"
    assert monitored["air.good_days_ratio"] == "air.good_days_ratio"
    assert all(monitored.values())


COVERAGE = Path(__file__).resolve().parents[2] / "docs" / "plan-coverage.md"


def coverage_rows():
    for line in COVERAGE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] not in ("clause", "---"):
            yield cells


def test_coverage_quotes_are_verbatim(seed_text):
    rows = list(coverage_rows())
    assert len(rows) > 100
    for clause, sentence, _ in rows:
        for fragment in sentence.replace("……", "；").split("；"):
            assert fragment.strip() in seed_text, (clause, fragment)


def test_coverage_names_every_indicator(plan):
    carried = " ".join(row[2] for row in coverage_rows())
    missing = [i.code for i in plan.indicators if f"`{i.code}`" not in carried]
    assert missing == []


#: Chinese characters and full-width punctuation: none in an English text
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_every_plan_text_has_its_english(plan):
    """Each text a page shows in English comes from the plan file, without a Chinese character left in it."""
    texts = {"title": plan.title_en}
    texts |= {f"units.{u.code}": u.name_en for u in plan.units}
    for chapter in plan.chapters:
        texts[f"chapter {chapter.number}"] = chapter.title_en
        for section in chapter.sections:
            texts[section.clause] = section.title_en
            texts |= {task.clause: task.title_en for task in section.tasks}
    for ind in plan.indicators:
        texts |= {f"{ind.code}.name": ind.name_en, f"{ind.code}.quote": ind.quote_en}
        texts[f"{ind.code}.unit"] = ind.unit_en if ind.unit else "(none)"
        texts |= {f"{ind.code}.{t.year}": t.text_en for t in ind.targets if t.text}
        if ind.baseline:
            texts[f"{ind.code}.baseline"] = ind.baseline.source_en
    missing = {k: v for k, v in texts.items() if not v or CJK.search(v)}
    assert not missing, missing
    assert plan.indicator("economy.marine_tech_smes").unit_en == "enterprises"
    assert plan.chapter(4).sections[1].tasks[1].title_en == "Continuing to deepen water-pollution control"
