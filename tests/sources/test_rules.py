"""The pure rules: GB 32100 check character, HJ 608 permit numbers, HJ 1312 outfall types and codes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meili.standards import outfalls, uscc

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"


def examples():
    with (DATA / "uscc_examples.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", examples(), ids=lambda r: r["code"])
def test_reference_samples(row):
    assert uscc.is_valid_uscc(row["code"]) is (row["expected_valid"] == "true")


def test_worked_example_names_the_expected_check_character():
    # the explainer pages: 91350100M000100Y4Z has sum 1640, 1640 mod 31 = 28, check = 31 - 28 = 3
    problem = uscc.uscc_problem("91350100M000100Y4Z")
    assert problem is not None and problem.rule == "check"
    assert problem.params == {"expected": "3", "actual": "Z"}


def test_weights_are_powers_of_three_mod_31():
    assert uscc.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("91130200699229617", "length"),
        ("91130200699229617XX", "length"),
        ("9113020069922961IX", "alphabet"),
        ("91A30200699229617X", "division"),
    ],
)
def test_other_refusals(code, rule):
    assert uscc.uscc_problem(code).rule == rule


@given(st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9), st.sampled_from(["371002", "371082"]))
def test_every_made_code_is_valid_and_any_other_check_character_is_not(body, division):
    code = uscc.make_uscc("91" + division + body)
    assert uscc.is_valid_uscc(code)
    for ch in uscc.ALPHABET:
        if ch != code[-1]:
            assert uscc.uscc_problem(code[:17] + ch).rule == "check"


def test_single_character_substitution_is_always_detected():
    code = "91130200699229617X"
    for pos in range(2, 17):
        for ch in uscc.ALPHABET:
            if ch != code[pos] and (pos not in range(2, 8) or ch.isdigit()):
                assert not uscc.is_valid_uscc(code[:pos] + ch + code[pos + 1 :])


def test_permit_numbers_hj608_example():
    assert uscc.permit_problem("91130200699229617X001P", "91130200699229617X") is None
    assert uscc.permit_problem("91130200699229617X002P", "91130200699229617X") is None
    assert uscc.permit_problem("91130200699229617X01P", "91130200699229617X").rule == "permit_format"
    assert uscc.permit_problem("9144030071526726XG001P", "91130200699229617X").rule == "permit_holder"
    assert uscc.permit_problem("91130200699229617X001W", "91130200699229617X").rule == "permit_suffix"
    assert uscc.permit_problem("91130200699229617X001W", "91130200699229617X", suffixes="PW") is None


def test_outfall_types_and_procedures():
    assert len(outfalls.TYPES) == len(outfalls.TYPE_CODES)
    assert outfalls.type_info("1.1.2").label == "工业排污口 / 工矿企业排污口 / 矿山排污口"
    # 部令第35号: approval for industrial, park and municipal sewage-plant outfalls, registration otherwise
    assert outfalls.procedure_for("river", "2.1") == "approval"
    assert outfalls.procedure_for("river", "1.2.1") == "registration"
    assert outfalls.procedure_for("river", "3.1") == "registration"
    # 环海洋〔2024〕72号: every sea outfall is filed
    assert outfalls.procedure_for("sea", "2.1") == "filing"
    with pytest.raises(ValueError):
        outfalls.procedure_for("lake", "2.1")


@pytest.mark.parametrize(
    ("code", "problem"),
    [("371002R0001", None), ("WH-RH-0001", None), ("371102R0001", "division"), ("wh-1", "format"), ("A1", "format")],
)
def test_outfall_codes(code, problem):
    assert outfalls.code_problem(code) == problem
