"""Every rule of the plan loader, each with its exact one-line message."""

import copy

import pytest
import yaml

from meili.plans import PlanError, load_plan, parse_plan
from meili.plans.loader import chinese_numeral, content_version, key_path
from meili.plans.model import clause_en, in_language, localized

MINIMAL = {
    "code": "demo-2024-2035",
    "title": "示例规划",
    "title_en": "Demo plan",
    "region": "示例市",
    "source": "示例",
    "base_year": 2023,
    "units": [
        {"code": "city", "name": "市", "name_en": "City", "kind": "city"},
        {"code": "bureau", "name": "局", "name_en": "Bureau", "kind": "department", "parent": "city"},
    ],
    "chapters": [
        {
            "number": 1,
            "title": "总体要求",
            "title_en": "General requirements",
            "sections": [{"clause": "一（一）", "title": "目标", "title_en": "Goals"}],
        },
        {
            "number": 2,
            "title": "环境",
            "title_en": "Environment",
            "sections": [
                {
                    "clause": "二（一）",
                    "title": "空气",
                    "title_en": "Air",
                    "tasks": [
                        {"clause": "二（一）1", "title": "减排", "title_en": "Cut emissions", "units": ["bureau"]}
                    ],
                },
            ],
        },
    ],
    "indicators": [
        {
            "code": "air.pm25",
            "name": "PM2.5",
            "name_en": "PM2.5",
            "unit": "μg/m³",
            "unit_en": "μg/m³",
            "direction": "decrease",
            "baseline": {"year": 2023, "value": 22, "source": "公报", "source_en": "Bulletin"},
            "targets": [{"year": 2027, "value": 20}, {"year": 2035, "value": 18}],
            "binding": True,
            "clause": "二（一）1",
            "chapter": 2,
            "quote": "下降",
            "quote_en": "Falls",
            "units": ["bureau"],
            "obtained": "monitoring",
            "monitoring": "air.pm25.annual_mean",
            "rollup": "none",
        },
        {
            "code": "eco.done",
            "name": "建成",
            "name_en": "Done",
            "unit": "",
            "unit_en": "",
            "direction": "milestone",
            "targets": [{"year": 2035, "text": "基本建成", "text_en": "Basically built"}],
            "binding": None,
            "clause": "一（一）",
            "chapter": 1,
            "quote": "基本建成",
            "quote_en": "Basically built",
            "units": ["city"],
            "obtained": "reported",
            "rollup": "none",
        },
    ],
}


def write(tmp_path, data, name="weihai.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def edit(path_and_value):
    data = copy.deepcopy(MINIMAL)
    for keys, value in path_and_value:
        node = data
        for key in keys[:-1]:
            node = node[key]
        if value is DELETE:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return data


DELETE = object()
IND = ("indicators", 0)
MS = ("indicators", 1)

CASES = [
    # schema: types, ranges, enums, required and unknown keys, patterns
    ([((*IND, "targets", 0, "year"), 1999)], "indicators[0].targets[0].year: must be an integer between 2000 and 2100"),
    (
        [((*IND, "targets", 0, "year"), "2027年")],
        "indicators[0].targets[0].year: must be an integer between 2000 and 2100",
    ),
    ([(("base_year",), 2101)], "base_year: must be an integer between 2000 and 2100"),
    (
        [((*IND, "direction"), "down")],
        "indicators[0].direction: must be one of increase, decrease, range, milestone, qualitative",
    ),
    ([((*IND, "obtained"), "guessed")], "indicators[0].obtained: must be one of reported, monitoring, carbon"),
    ([((*IND, "rollup"), "max")], "indicators[0].rollup: must be one of sum, mean, weighted_mean, none"),
    ([((*IND, "binding"), "yes")], "indicators[0].binding: must be true, false or null"),
    ([((*IND, "targets", 0, "value"), "二十")], "indicators[0].targets[0].value: must be a number"),
    ([((*IND, "targets"), {"2027": 20})], "indicators[0].targets: must be a list"),
    ([((*IND, "quote"), DELETE)], "indicators[0]: missing required key 'quote'"),
    ([(("indicators",), DELETE)], "missing required key 'indicators'"),
    ([((*IND, "colour"), "red")], "indicators[0]: unknown key 'colour'"),
    (
        [((*IND, "code"), "Air PM2.5")],
        "indicators[0].code: must be a lowercase code of letters, digits, '_', '.' and '-', like air.pm25_annual_mean",
    ),
    ([((*IND, "clause"), "4.2.1")], "indicators[0].clause: must be a clause like 四, 四（二） or 四（二）2"),
    ([((*IND, "units"), [])], "indicators[0].units: must have at least 1 item"),
    ([((*IND, "name"), "")], "indicators[0].name: must not be empty"),
    ([(("units", 1, "kind"), "agency")], "units[1].kind: must be one of city, district, department"),
    (
        [((*IND, "targets", 0, "comparator"), ">")],
        "indicators[0].targets[0].comparator: must be one of >=, <=, =, range, trend",
    ),
    # English: every plan text a page shows has its English (docs/plan-format.md, "English")
    ([(("chapters", 1, "title_en"), DELETE)], "chapters[1]: missing required key 'title_en'"),
    (
        [(("chapters", 1, "sections", 0, "title_en"), DELETE)],
        "chapters[1].sections[0]: missing required key 'title_en'",
    ),
    (
        [(("chapters", 1, "sections", 0, "tasks", 0, "title_en"), DELETE)],
        "chapters[1].sections[0].tasks[0]: missing required key 'title_en'",
    ),
    ([((*IND, "unit_en"), DELETE)], "indicators[0]: missing required key 'unit_en'"),
    ([((*IND, "unit_en"), "")], "indicators[0].unit_en: must name the unit 'μg/m³' in English"),
    ([((*MS, "unit_en"), "t")], "indicators[1].unit_en: must be empty when unit is empty"),
    ([((*IND, "quote_en"), DELETE)], "indicators[0]: missing required key 'quote_en'"),
    ([((*IND, "quote_en"), "")], "indicators[0].quote_en: must not be empty"),
    ([((*IND, "baseline", "source_en"), DELETE)], "indicators[0].baseline: missing required key 'source_en'"),
    (
        [((*MS, "targets", 0, "text_en"), DELETE)],
        "indicators[1].targets[0]: missing required key 'text_en' (required with 'text')",
    ),
    (
        [((*IND, "targets", 0, "text_en"), "Falls")],
        "indicators[0].targets[0]: missing required key 'text' (required with 'text_en')",
    ),
    # organisation
    ([(("units", 1, "code"), "city")], "units[1].code: duplicate unit code 'city' (first at units[0])"),
    ([(("units", 1, "parent"), "province")], "units[1].parent: unknown unit 'province'"),
    ([(("units", 0, "parent"), "city")], "units[0].parent: a unit cannot be its own parent"),
    # structure
    ([(("chapters", 1, "number"), 3)], "chapters[1].number: chapters must be numbered 1, 2, 3 … in order (expected 2)"),
    (
        [(("chapters", 1, "sections", 0, "clause"), "二（二）")],
        "chapters[1].sections[0].clause: must be 二（一） (sections are numbered in order)",
    ),
    (
        [(("chapters", 1, "sections", 0, "tasks", 0, "clause"), "二（一）2")],
        "chapters[1].sections[0].tasks[0].clause: must be 二（一）1 (tasks are numbered in order)",
    ),
    (
        [(("chapters", 1, "sections", 0, "tasks", 0, "units"), ["ghost"])],
        "chapters[1].sections[0].tasks[0].units[0]: unknown unit 'ghost'",
    ),
    # indicators
    ([((*MS, "code"), "air.pm25")], "indicators[1].code: duplicate indicator code 'air.pm25' (first at indicators[0])"),
    ([((*IND, "chapter"), 9)], "indicators[0].chapter: no chapter 9 in chapters"),
    ([((*IND, "clause"), "二（一）7")], "indicators[0].clause: no clause 二（一）7 in chapters"),
    ([((*IND, "clause"), "一（一）")], "indicators[0].clause: clause 一（一） is not in chapter 2"),
    ([((*IND, "units"), ["bureau", "ghost"])], "indicators[0].units[1]: unknown unit 'ghost'"),
    ([((*IND, "monitoring"), DELETE)], "indicators[0]: missing required key 'monitoring' (obtained is monitoring)"),
    ([((*IND, "obtained"), "reported")], "indicators[0].monitoring: only allowed when obtained is monitoring"),
    # targets
    (
        [((*IND, "targets", 1, "year"), 2027)],
        "indicators[0].targets[1].year: target years must be strictly ascending (2027 after 2027)",
    ),
    (
        [((*IND, "targets", 1, "year"), 2025)],
        "indicators[0].targets[1].year: target years must be strictly ascending (2025 after 2027)",
    ),
    (
        [((*IND, "baseline", "year"), 2027)],
        "indicators[0].baseline.year: baseline year 2027 must be before the first target year 2027",
    ),
    (
        [((*IND, "targets", 0, "comparator"), ">=")],
        "indicators[0].targets[0].comparator: comparator '>=' does not fit direction decrease",
    ),
    (
        [((*IND, "targets", 1, "value"), 21)],
        "indicators[0].targets[1].value: target values must not rise for direction decrease (21 after 20)",
    ),
    (
        [((*IND, "direction"), "increase"), ((*IND, "targets", 1, "value"), 19)],
        "indicators[0].targets[1].value: target values must not fall for direction increase (19 after 20)",
    ),
    (
        [((*IND, "targets", 0, "value"), DELETE)],
        "indicators[0].targets[0]: needs a value (or comparator trend, or target_source superior)",
    ),
    ([((*IND, "targets", 0, "comparator"), "trend")], "indicators[0].targets[0].value: a trend target has no value"),
    (
        [((*IND, "targets", 0, "lower"), 1)],
        "indicators[0].targets[0]: lower/upper only fit direction range, not decrease",
    ),
    ([((*IND, "targets"), [])], "indicators[0].targets: must have at least 1 item (or target_source superior)"),
    (
        [
            ((*IND, "direction"), "range"),
            ((*IND, "targets"), [{"year": 2027, "lower": 5, "upper": 10}, {"year": 2035, "lower": 6}]),
        ],
        "indicators[0].targets[1]: a range target needs lower and upper",
    ),
    (
        [((*IND, "direction"), "range"), ((*IND, "targets"), [{"year": 2027, "lower": 11, "upper": 10}])],
        "indicators[0].targets[0].lower: lower 11 is above upper 10",
    ),
    (
        [((*IND, "direction"), "range"), ((*IND, "targets"), [{"year": 2027, "lower": 1, "upper": 10, "value": 5}])],
        "indicators[0].targets[0].value: a range target takes lower and upper, not value",
    ),
    (
        [
            ((*IND, "direction"), "range"),
            ((*IND, "targets"), [{"year": 2027, "lower": 1, "upper": 10, "comparator": "<="}]),
        ],
        "indicators[0].targets[0].comparator: comparator '<=' does not fit direction range",
    ),
    (
        [((*MS, "targets", 0, "text"), DELETE), ((*MS, "targets", 0, "text_en"), DELETE)],
        "indicators[1].targets[0]: missing required key 'text' (direction milestone)",
    ),
    (
        [((*MS, "targets", 0, "comparator"), ">=")],
        "indicators[1].targets[0]: a milestone target takes only year, text and an optional value",
    ),
    (
        [((*MS, "baseline"), {"year": 2023, "value": 0, "source": "x", "source_en": "x"})],
        "indicators[1].baseline: a milestone indicator has no baseline value",
    ),
]


@pytest.mark.parametrize(
    ("changes", "message"), CASES, ids=[m.split(":")[0] + f"#{n}" for n, (_, m) in enumerate(CASES)]
)
def test_each_rule_has_its_message(tmp_path, changes, message):
    path = write(tmp_path, edit(changes))
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert str(err.value) == f"weihai.yaml: {message}"
    assert err.value.file == "weihai.yaml"
    assert str(err.value).count("\n") == 0


def test_the_minimal_plan_is_valid(tmp_path):
    plan = load_plan(write(tmp_path, MINIMAL))
    assert [i.code for i in plan.indicators] == ["air.pm25", "eco.done"]
    assert plan.indicator("air.pm25").targets[0].comparator == "<="


def test_superior_targets_may_wait_for_their_value(tmp_path):
    data = edit([((*IND, "targets", 0, "value"), DELETE), ((*IND, "target_source"), "superior")])
    plan = load_plan(write(tmp_path, data))
    assert plan.indicator("air.pm25").targets[0].value is None
    data = edit([((*IND, "targets"), []), ((*IND, "target_source"), "superior"), ((*IND, "baseline"), DELETE)])
    assert load_plan(write(tmp_path, data)).indicator("air.pm25").targets == ()


def test_a_missing_file_names_itself(tmp_path):
    with pytest.raises(PlanError) as err:
        load_plan(tmp_path / "nope.yaml")
    assert str(err.value) == "nope.yaml: cannot be read: No such file or directory"


def test_invalid_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "weihai.yaml"
    path.write_text("code: a\n  b: c\n", encoding="utf-8")
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert str(err.value) == "weihai.yaml: invalid YAML at line 2, column 4: mapping values are not allowed here"


def test_a_list_is_not_a_plan():
    with pytest.raises(PlanError) as err:
        parse_plan("- 1\n- 2\n", "weihai.yaml")
    assert str(err.value) == "weihai.yaml: must be a mapping"


def test_version_follows_content_not_layout(tmp_path):
    first = load_plan(write(tmp_path, MINIMAL, "a.yaml")).version
    text = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert parse_plan("# a comment\n" + text).version == first
    assert load_plan(write(tmp_path, MINIMAL, "a.yaml")).version == first
    changed = edit([((*IND, "targets", 1, "value"), 17.5)])
    assert load_plan(write(tmp_path, changed, "b.yaml")).version != first
    assert first == content_version(yaml.safe_load(text))


def test_helpers():
    assert key_path(["indicators", 3, "targets", 0, "year"]) == "indicators[3].targets[0].year"
    assert key_path([]) == ""
    assert [chinese_numeral(n) for n in (1, 9, 10, 12, 20, 21)] == ["一", "九", "十", "十二", "二十", "二十一"]
    assert [clause_en(c) for c in ("四", "四（二）", "四（二）2", "十二（十一）13")] == [
        "4",
        "4.2",
        "4.2.2",
        "12.11.13",
    ]


def test_one_place_chooses_the_language():
    plan = load_plan_minimal()
    chapter, indicator = plan.chapter(2), plan.indicator("air.pm25")
    assert localized(chapter, "title", "en") == "Environment" and localized(chapter, "title", "zh-hans") == "环境"
    assert localized(chapter.sections[0].tasks[0], "clause", "en") == "2.1.1"
    assert localized(indicator, "unit", "en") == "μg/m³" and localized(indicator, "quote", "en") == "Falls"
    assert localized(indicator.baseline, "source", "en") == "Bulletin"
    milestone = plan.indicator("eco.done").targets[0]
    assert (localized(milestone, "text", "en"), localized(milestone, "text", None)) == ("Basically built", "基本建成")
    assert in_language("无英文", "", "en") == "无英文"


def load_plan_minimal():
    return parse_plan(yaml.safe_dump(MINIMAL, allow_unicode=True), "minimal.yaml")


def test_libyaml_reads_the_packaged_plan_as_the_pure_python_loader_does():
    """The plan is parsed by libyaml when PyYAML has it; the data are those of ``yaml.safe_load``."""
    from importlib import resources

    from meili.plans.loader import FAST_LOADER, read_yaml

    assert FAST_LOADER is yaml.CSafeLoader  # the project's PyYAML wheels are built with libyaml
    for plan in resources.files("meili.plans").joinpath("data").iterdir():
        if plan.name.endswith(".yaml"):
            text = plan.read_text(encoding="utf-8")
            assert read_yaml(text) == yaml.safe_load(text)
    text = "# 注释\n" + yaml.safe_dump(MINIMAL, allow_unicode=True, sort_keys=False)
    text += "empty:\nwhen: 2024-01-01\nratio: 1.5e-3\nflag: yes\n"  # null, date, float and bool resolved alike
    assert read_yaml(text) == yaml.safe_load(text)
