"""The one value grammar (meili.standards.values): every form once, and invariants on arbitrary text."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from meili.standards.values import FIELDS, ValueGrammarError, parse_expr, parse_value

#: text → (value, below_dl, qualitative); None as expected value: missing
FORMS = [
    ("0.52", 0.52, False, None),
    (" 12 ", 12.0, False, None),
    ("-3", -3.0, False, None),
    ("+3", 3.0, False, None),
    (".5", 0.5, False, None),
    ("5.", 5.0, False, None),
    ("1.2e-3", 0.0012, False, None),
    ("0.01L", 0.01, True, None),
    ("0.01 L", 0.01, True, None),
    ("0.01l", 0.01, True, None),
    ("<0.01", 0.01, True, None),
    ("< 0.01", 0.01, True, None),
    ("＜0.01", 0.01, True, None),
    ("ND0.01", 0.01, True, None),
    ("ND 0.01", 0.01, True, None),
    ("nd0.01", 0.01, True, None),
    ("无", 0.0, False, "无"),
    ("有", 1.0, False, "有"),
    ("none", 0.0, False, "无"),
    ("Present", 1.0, False, "有"),
    ("", None, False, None),
    ("NA", None, False, None),
    ("N/A", None, False, None),
    ("—", None, False, None),
    ("-", None, False, None),
    ("--", None, False, None),
    ("/", None, False, None),
]
NOT_VALUES = [
    "x25",
    "ND",
    "L",
    "<",
    "<-0.01",
    "-0.01L",
    "0.01LL",
    "1,5",
    "\uff11\uff12",
    "\u0661\u0662",
    "nan",
    "inf",
    "0x10",
    "1 2",
]


@pytest.mark.parametrize(("text", "value", "below_dl", "qualitative"), FORMS)
def test_every_form(text, value, below_dl, qualitative):
    parsed = parse_value(text)
    assert (parsed.value, parsed.below_dl, parsed.qualitative, parsed.raw) == (
        pytest.approx(value) if value is not None else None,
        below_dl,
        qualitative,
        text,
    )
    assert parsed.missing is (value is None)


@pytest.mark.parametrize("text", NOT_VALUES)
def test_not_values(text):
    with pytest.raises(ValueGrammarError, match="is not a number, a non-detect"):
        parse_value(text)


def test_column_form_reads_a_whole_column_like_the_scalar_form():
    texts = [t for t, *_ in FORMS] + NOT_VALUES + [None]
    out = pl.DataFrame({"t": texts}).select(parse_expr(pl.col("t")).alias("v")).unnest("v")
    assert tuple(out.columns) == FIELDS
    for text, row in zip(texts, out.iter_rows(named=True), strict=True):
        try:
            scalar = parse_value(text)
        except ValueGrammarError:
            assert row["valid"] is False and row["value"] is None
            continue
        assert row["valid"] is True
        assert (row["value"], row["below_dl"], row["qualitative"]) == (
            scalar.value,
            scalar.below_dl,
            scalar.qualitative,
        )


@given(st.text())
def test_never_raises_anything_but_its_own_error(text):
    try:
        parsed = parse_value(text)
    except ValueGrammarError as exc:
        assert exc.text == text
    else:
        assert parsed.raw == text
        assert parsed.value is None or parsed.value >= 0 or not parsed.below_dl


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), st.sampled_from(["{}L", "{}l", "<{}", "ND{}"]))
def test_a_non_detect_is_its_detection_limit(limit, form):
    text = form.format(repr(limit))
    parsed = parse_value(text)
    assert parsed.below_dl and parsed.value == limit
