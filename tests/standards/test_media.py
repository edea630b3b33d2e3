import numpy as np
import polars as pl
import pytest

from meili.standards import water
from meili.standards.media import (
    UnknownItemError,
    UnknownUnitError,
    convert,
    normalise,
    period_means,
    round_half_up,
    unit_factor,
)


@pytest.mark.parametrize(
    "unit, standard, factor",
    [
        ("µg/L", "mg/L", 1e-3),
        ("ug/L", "mg/L", 1e-3),
        ("μg/L", "mg/L", 1e-3),
        ("mg/L", "ug/L", 1e3),
        ("ng/L", "mg/L", 1e-6),
        ("mg/m3", "mg/m3", 1.0),
        ("µg/L", "mg/m3", 1.0),
        ("µg/kg", "mg/kg", 1e-3),
        ("", "mg/L", 1.0),
        (None, "mg/L", 1.0),
        ("个/L", "count/L (个/L)", 1.0),
        ("CFU/100mL", "MPN/100mL or CFU/100mL", 1.0),
        ("无量纲", "dimensionless", 1.0),
    ],
)
def test_unit_factors(unit, standard, factor):
    assert unit_factor(unit, standard) == pytest.approx(factor)


@pytest.mark.parametrize(
    "unit, standard", [("mg/kg", "mg/L"), ("kg", "mg/L"), ("NTU", "mg/L"), ("mg/L", "dimensionless"), ("Bq/L", "NTU")]
)
def test_incompatible_or_unknown_units_are_errors(unit, standard):
    with pytest.raises(UnknownUnitError):
        unit_factor(unit, standard)


def test_convert():
    assert convert(250, "µg/L", "mg/L") == pytest.approx(0.25)


def test_registry_accepts_key_chinese_short_and_english_names():
    reg = water.registry()
    assert (
        reg.key("tp")
        == reg.key("总磷(以P计)")
        == reg.key("总磷")
        == reg.key("TP")
        == reg.key("total phosphorus TP (as P)")
        == "tp"
    )
    assert reg.key("高锰酸盐指数") == reg.key("CODMn") == "codmn"
    assert reg["tp"].short_cn == "总磷" and reg["tn"].short_cn == "总氮"
    with pytest.raises(UnknownItemError):
        reg.key("phosphorus")


def test_normalise_reports_the_first_bad_row():
    frame = pl.DataFrame(
        {
            "site": "a",
            "time": "t",
            "parameter": ["tp", "cod", "tp"],
            "value": [1.0, 2.0, 3.0],
            "unit": ["", "mg/L", "mg"],
        }
    )
    with pytest.raises(UnknownUnitError) as err:
        normalise(frame, water.registry())
    assert err.value.position == 2 and err.value.column == "unit"


@pytest.mark.parametrize(
    "value, digits, expected", [(81.25, 1, 81.3), (56.25, 1, 56.3), (0.125, 2, 0.13), (-1.25, 1, -1.3), (2.0, 1, 2.0)]
)
def test_round_half_up(value, digits, expected):
    assert round_half_up(value, digits) == expected


@pytest.mark.parametrize("value", [np.float64(81.25), np.float32(0.5), np.int64(3)])
def test_round_half_up_of_a_numpy_scalar(value):
    # its repr ("np.float64(81.25)") is not a decimal: read as the float it is
    assert round_half_up(value, 1) == round_half_up(float(value), 1)


def test_period_means_rejects_unknown_method():
    frame = pl.DataFrame({"k": ["a"], "value": [1.0], "below_dl": [False]})
    with pytest.raises(ValueError):
        period_means(frame, ["k"], nondetect="third")
    assert period_means(frame, ["k"])["n"].to_list() == [1]


def test_period_means_single_values_and_duplicates_agree():
    single = pl.DataFrame(
        {"s": ["a", "a", "b"], "k": ["x", "y", "x"], "value": [1.0, 2.0, 3.0], "below_dl": [False, True, False]}
    )
    out = period_means(single, ["s", "k"]).sort("s", "k")
    assert out["value"].to_list() == [1.0, 2.0, 3.0] and out["below_dl"].to_list() == [False, True, False]
    assert out["n"].to_list() == [1, 1, 1]
    doubled = pl.concat([single, pl.DataFrame({"s": ["a"], "k": ["x"], "value": [2.0], "below_dl": [False]})])
    out = period_means(doubled, ["s", "k"]).sort("s", "k")
    assert out["value"].to_list() == [1.5, 2.0, 3.0] and out["n"].to_list() == [2, 1, 1]


@pytest.mark.parametrize(
    "text, value",
    [("Ⅲ", 3), ("III", 3), ("3", 3), ("Ⅲ类", 3), ("三类", 3), ("二类", 2), ("iv", 4), ("", None), (None, None)],
)
def test_parse_class(text, value):
    from meili.standards.media import parse_class

    assert parse_class(text, 5, "x") == value


@pytest.mark.parametrize("text", ["Ⅵ", "6", "0", "A"])
def test_parse_class_rejects(text):
    from meili.standards.media import parse_class

    with pytest.raises(ValueError):
        parse_class(text, 5, "x")
