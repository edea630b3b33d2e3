"""The grammar of a measured value as the monitoring sheets write it: one parser for every entry channel.

A cell of a monitoring sheet is one of:

* a number: ``0.52``, ``-3``, ``1.2e-3`` (ASCII digits; a sign only on a plain number);
* a non-detect, the detection limit with a marker, in the three notations found in the bureau's files:
  ``0.01L`` / ``0.01l`` (the limit followed by "L", the reporting notation of HJ 630-2011 环境监测质量管理
  技术导则 and HJ 168-2020: 低于方法检出限的结果报检出限值并加标志 "L", the notation the data of the
  2011 surface-water method 环办〔2011〕22号 arrive in), ``<0.01`` / ``＜0.01`` and ``ND0.01``. The value is
  the limit and ``below_dl`` is true (how a non-detect enters a mean is the engines' business,
  :func:`meili.standards.media.period_means`);
* a qualitative result, 无 / 有 (also ``none`` / ``present``), for the items GB/T 14848-2017 表1 judges by
  presence (嗅和味, 肉眼可见物): 无 is 0 and 有 is 1, the encoding :data:`meili.standards.groundwater.TEXT_ITEMS`
  documents;
* missing: an empty cell or ``NA``, ``N/A``, ``—``, ``-``, ``--``, ``/``.

Anything else is not a value (:class:`ValueGrammarError`). Whether a value is plausible for its item
(range, sign, finiteness) is not the grammar's concern. :func:`parse_expr` is the columnar form every
importer and command uses; :func:`parse_value` the same rule for one text (it runs :func:`parse_expr`, so the
two cannot differ). Tests: ``tests/standards/test_values.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: one regular expression for every numeric form (Python ``re`` and Polars' Rust regex read it alike)
PATTERN = (
    rf"^(?:(?P<number>[+-]?{_NUMBER})"
    rf"|[<＜]\s*(?P<below>{_NUMBER})"
    rf"|(?P<limit_l>{_NUMBER})\s*[Ll]"
    rf"|(?i:ND)\s*(?P<nd>{_NUMBER}))$"
)
#: qualitative results and the number each stands for (GB/T 14848-2017 表1 嗅和味, 肉眼可见物)
QUALITATIVE = {"无": 0.0, "none": 0.0, "有": 1.0, "present": 1.0}
#: texts of an empty measurement
MISSING = ("", "NA", "N/A", "—", "-", "--", "/")
#: the fields of :func:`parse_expr`'s struct
FIELDS = ("value", "below_dl", "qualitative", "valid")


class ValueGrammarError(ValueError):
    """A text that is not a measured value; ``text`` is the text, the message names the accepted forms."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"{text!r} is not a number, a non-detect (0.01L, <0.01, ND0.01) or 无/有; "
            "leave the cell empty for a missing value"
        )


@dataclass(frozen=True, slots=True)
class Value:
    """One parsed cell: ``value`` (None when missing), ``below_dl`` (a non-detect: value is the detection
    limit), ``qualitative`` (无 or 有 when written so, else None) and ``raw``, the text as written."""

    raw: str
    value: float | None
    below_dl: bool = False
    qualitative: str | None = None

    @property
    def missing(self) -> bool:
        """True for an empty cell or a missing-value marker."""
        return self.value is None


def parse_expr(text: pl.Expr) -> pl.Expr:
    """The value grammar of the module docstring (HJ 630-2011 / HJ 168-2020 "L" notation) over a String column.

    Returns a struct ``value`` (Float64; null when missing or invalid), ``below_dl`` (Boolean),
    ``qualitative`` (String: 无/有, else null) and ``valid`` (Boolean: false when the text is not a value,
    the caller reports it with its file, row and column). A null text is missing.
    """
    t = text.str.strip_chars()
    groups = t.str.extract_groups(PATTERN)
    detection = pl.coalesce(groups.struct.field("below"), groups.struct.field("limit_l"), groups.struct.field("nd"))
    lowered = t.str.to_lowercase()
    is_qualitative = lowered.is_in(list(QUALITATIVE))
    number = pl.coalesce(groups.struct.field("number"), detection).cast(pl.Float64, strict=False)
    qualitative_number = lowered.replace_strict(QUALITATIVE, default=None, return_dtype=pl.Float64)
    missing = t.is_null() | t.is_in(list(MISSING))
    value = pl.when(is_qualitative).then(qualitative_number).otherwise(number)
    label = pl.when(is_qualitative).then(pl.when(qualitative_number > 0).then(pl.lit("有")).otherwise(pl.lit("无")))
    return pl.struct(
        value.alias("value"),
        (detection.is_not_null() & ~is_qualitative).fill_null(False).alias("below_dl"),
        label.cast(pl.String).alias("qualitative"),
        (missing | value.is_not_null()).fill_null(False).alias("valid"),
    )


def parse_value(text: str | None) -> Value:
    """One cell by the grammar of :func:`parse_expr` (HJ 630-2011 / HJ 168-2020 "L" notation); raises
    :class:`ValueGrammarError` for a text that is not a value."""
    raw = "" if text is None else text
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueGrammarError(raw) from None
    row = pl.select(parse_expr(pl.lit(raw, dtype=pl.String)).alias("v")).row(0)[0]
    if not row["valid"]:
        raise ValueGrammarError(raw)
    return Value(raw=raw, value=row["value"], below_dl=bool(row["below_dl"]), qualitative=row["qualitative"])
