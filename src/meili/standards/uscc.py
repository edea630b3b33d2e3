"""统一社会信用代码 (GB 32100-2015) and the pollution-source / permit numbers built on it (HJ 608-2017).

GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》 defines an 18-character code:

==========  ==========================================================================
position    content
==========  ==========================================================================
1           登记管理部门代码 (e.g. 9 = market regulation, 1 = 机构编制, 5 = 民政)
2           机构类别代码
3–8         登记管理机关行政区划码 (GB/T 2260)
9–17        主体标识码 (组织机构代码, GB 11714)
18          校验码
==========  ==========================================================================

Its character set is the digits and the capital letters without I, O, Z, S, V (31 symbols, each
worth its index); the check character follows clause 4 and Appendix B (weights 3^(i-1) mod 31).

HJ 608-2017 《排污单位编码规则》 builds the pollution-source code, which is also the 排污许可证编号:
the 18-character credit code, a 3-digit sequence per production site and one letter (``P`` for a
permit; 排污登记 receipts are said to end in ``W``, which is unverified and therefore accepted as
configuration through *suffixes*).

The tests run every sample of the reference pack (``tests/data/sources/uscc_examples.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: GB 32100-2015 clause 4.2: the code's 31 symbols; each is worth its index (0–30).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
#: GB 32100-2015 Appendix B: weight of position i (1-based) is 3^(i-1) mod 31, for positions 1–17.
WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))

_PERMIT = re.compile(r"^(?P<code>[0-9A-Z]{18})(?P<seq>\d{3})(?P<suffix>[A-Z])$")


@dataclass(frozen=True)
class CodeProblem:
    """Why a code is refused: the rule it breaks and the facts a message needs (``expected``, ``actual``…).

    The user's (Chinese) sentence for each rule is written by the Django layer
    (:mod:`meili.sources.validation`); :attr:`message` is the English one for logs and the CLI.
    """

    rule: str
    args: tuple[tuple[str, str], ...] = ()

    @property
    def params(self) -> dict[str, str]:
        return dict(self.args)

    @property
    def message(self) -> str:
        return f"{self.rule}: " + ", ".join(f"{k}={v}" for k, v in self.args)


def check_character(first17: str) -> str:
    """The check character of the first 17 characters (GB 32100-2015 Appendix B).

    C18 = 31 − (Σ value(c_i) × W_i mod 31), with 31 written as 0.
    Raises ``ValueError`` for a character outside the code's alphabet or a wrong length.
    """
    if len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    total = 0
    for ch, weight in zip(first17, WEIGHTS, strict=True):
        if ch not in _VALUE:
            raise ValueError(f"character {ch!r} is not in the GB 32100 alphabet")
        total += _VALUE[ch] * weight
    value = 31 - total % 31
    return ALPHABET[0 if value == 31 else value]


def uscc_problem(code: str) -> CodeProblem | None:
    """``None`` when *code* is a valid 统一社会信用代码, else the first rule it breaks (GB 32100-2015 §4, App. B)."""
    if len(code) != 18:
        return CodeProblem("length", (("expected", "18"), ("actual", str(len(code)))))
    for pos, ch in enumerate(code[:17], start=1):
        if ch not in _VALUE:
            return CodeProblem("alphabet", (("position", str(pos)), ("actual", ch)))
    if not code[2:8].isdigit():
        return CodeProblem("division", (("actual", code[2:8]),))
    expected = check_character(code[:17])
    if code[17] != expected:
        return CodeProblem("check", (("expected", expected), ("actual", code[17])))
    return None


def is_valid_uscc(code: str) -> bool:
    """True when *code* passes :func:`uscc_problem` (GB 32100-2015)."""
    return uscc_problem(code) is None


def permit_problem(number: str, credit_code: str, suffixes: str = "P") -> CodeProblem | None:
    """``None`` when *number* is a permit number of the unit *credit_code* (HJ 608-2017 §4).

    The number is the 18-character credit code, a 3-digit sequence and one letter of *suffixes*.
    """
    match = _PERMIT.match(number)
    if match is None:
        return CodeProblem("permit_format", (("actual", number),))
    if match["code"] != credit_code:
        return CodeProblem("permit_holder", (("expected", credit_code), ("actual", match["code"])))
    if match["suffix"] not in suffixes:
        return CodeProblem("permit_suffix", (("expected", suffixes), ("actual", match["suffix"])))
    return uscc_problem(match["code"])


def make_uscc(first17: str) -> str:
    """*first17* followed by its check character (GB 32100-2015 Appendix B): a valid code."""
    return first17 + check_character(first17)
