"""The document model: figures keep unit and period, rounding as printed, JSON round trip, fonts, numbering."""

import pytest

from meili.reports.document import Chart, Column, Document, Num, Series, Table, format_number
from meili.reports.fonts import CHAINS, choose, fontset
from meili.reports.render_docx import chinese_number, heading_number


def test_numbers_are_rounded_half_away_from_zero_as_printed():
    assert format_number(2.25, 1) == "2.3"
    assert format_number(-2.25, 1) == "-2.3"
    assert format_number(0.125, 2) == "0.13"
    assert format_number(12345.0, 0) == "12,345"
    assert format_number(None, 1) == "—"
    assert Num(92.15, "%", "2025年", 1).rounded == 92.2
    assert Num(92.15, "%", "2025年", 1).with_unit() == "92.2%"


def _doc():
    d = Document("progress", "标题", "2025年度", "威海市生态环境局", "2026年1月1日")
    s = d.section("总体情况")
    s.para("共", Num(3, "项", "2025年", 0), "。")
    s.add(Table("表", "2025年", [Column("名称"), Column("数值", "%")], [["甲", Num(1.26, "%", "2025年")]]))
    s.add(Chart("图", "line", "%", "2020—2025年", [Series("甲", [2020, 2025], [1.0, 2.0])]))
    s.section("分项").section("细项").para("文字")
    return d


def test_a_figure_without_period_or_a_table_without_period_is_refused():
    d = _doc()
    d.check()
    d.sections[0].para("值", Num(1, "项", "", 0))
    with pytest.raises(ValueError, match="period"):
        d.check()
    d = _doc()
    d.sections[0].add(Table("无时段", "", [Column("a")], [["x"]]))
    with pytest.raises(ValueError, match="no period"):
        d.check()
    d = _doc()
    d.sections[0].add(Table("错列", "2025年", [Column("a"), Column("b")], [["x"]]))
    with pytest.raises(ValueError, match="cells"):
        d.check()


def test_sections_deeper_than_four_levels_are_refused():
    d = _doc()
    d.sections[0].blocks[-1].blocks[0].section("第四级").section("第五级")
    with pytest.raises(ValueError, match="deeper"):
        d.check()


def test_json_round_trip_keeps_every_block():
    d = _doc()
    again = Document.from_dict(d.to_dict())
    assert again.to_dict() == d.to_dict()
    assert [n.value for n in again.figures()] == [3, 1.26]


def test_heading_numbers_follow_gbt_9704():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
    assert [heading_number(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


def test_font_fallbacks_take_the_first_installed_face():
    assert choose("body", frozenset({"仿宋_GB2312", "Noto Serif CJK SC"})) == "仿宋_GB2312"
    assert choose("body", frozenset({"Noto Serif CJK SC"})) == "Noto Serif CJK SC"
    assert choose("heading2", frozenset({"AR PL UKai CN"})) == "AR PL UKai CN"
    fs = fontset(frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC"}))
    assert fs.title == "Noto Serif CJK SC" and fs.title_bold
    assert fontset(frozenset({"方正小标宋简体"})).title_bold is False
    assert set(CHAINS) == {"title", "body", "heading1", "heading2", "latin"}


def test_the_installed_faces_cover_every_role():
    from meili.reports.fonts import missing_cjk

    assert missing_cjk() == [], "install fonts-noto-cjk and fonts-arphic-ukai (make system-packages)"


def test_the_report_title_follows_the_plan_title():
    from types import SimpleNamespace

    from meili.reports.builders.progress import report_title

    assert report_title(SimpleNamespace(title="美丽威海建设规划纲要（2024—2035年）")) == "美丽威海建设进程评估报告"
    assert report_title(SimpleNamespace(title="烟台市生态环境保护规划")) == "烟台市生态环境保护规划进程评估报告"
