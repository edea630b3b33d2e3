"""入河 / 入海排污口: the HJ 1312-2023 classification, the setting procedure per type and the outfall code.

* Types: HJ 1312-2023 《入河入海排污口监督管理技术指南 排污口分类》 (in force 2023-11-01) gives four
  first-level types shared by river and sea outfalls, second-level types and, for 工矿企业, third-level
  types. :data:`TYPES` holds the rows read from the standard; the 其他排口 rows after the 14th could
  not be read, so a free "其他" sub-type stands in for them (待确认).
* Procedure: 《入河排污口监督管理办法》 (生态环境部令第35号, in force 2025-01-01) requires **审批**
  for 工矿企业排污口, 工业及其他各类园区污水处理厂排污口 and 城镇污水处理厂排污口 and a **登记** for every
  other river outfall; 《入海排污口监督管理办法（试行）》 (环海洋〔2024〕72号) requires **备案** for sea
  outfalls (:func:`procedure_for`).
* Remediation: 取缔 / 合并 / 规范 (国办函〔2022〕17号; HJ 1308-2023 整治总则).
* Code: the national 入河/入海排污口 coding structure was not found (reference pack, governance §3.5),
  so the code is the opaque string the approving or filing authority assigns; :func:`code_problem`
  checks its characters and length and, when it starts with six digits, that they are a GB/T 2260
  division code of the configured area (Weihai: 3710xx). The prefix rule is configuration (待确认).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RIVER = "river"
SEA = "sea"

#: HJ 1312-2023 Table 1: (code, 一级, 二级, 三级); codes are the platform's, names are the standard's.
TYPES: tuple[tuple[str, str, str, str], ...] = (
    ("1.1.1", "工业排污口", "工矿企业排污口", "工业企业排污口"),
    ("1.1.2", "工业排污口", "工矿企业排污口", "矿山排污口"),
    ("1.1.3", "工业排污口", "工矿企业排污口", "尾矿库排污口"),
    ("1.2.1", "工业排污口", "工矿企业雨洪排口", "工业企业雨洪排口"),
    ("1.2.2", "工业排污口", "工矿企业雨洪排口", "矿山雨洪排口"),
    ("1.2.3", "工业排污口", "工矿企业雨洪排口", "尾矿库雨洪排口"),
    ("1.3", "工业排污口", "工业及其他各类园区污水处理厂排污口", ""),
    ("1.4", "工业排污口", "工业及其他各类园区污水处理厂雨洪排口", ""),
    ("2.1", "城镇污水处理厂排污口", "城镇污水处理厂排污口", ""),
    ("3.1", "农业排口", "规模化畜禽养殖排污口", ""),
    ("3.2", "农业排口", "规模化水产养殖排污口", ""),
    ("4.1", "其他排口", "大中型灌区排口", ""),
    ("4.2", "其他排口", "港口码头排口", ""),
    ("4.3", "其他排口", "规模以下畜禽养殖排污口", ""),
    ("4.4", "其他排口", "规模以下水产养殖排污口", ""),
    ("4.5", "其他排口", "农村污水处理设施排污口", ""),
    ("4.6", "其他排口", "农村生活污水散排口", ""),
    ("4.9", "其他排口", "其他（待确认）", ""),
)
TYPE_CODES = frozenset(row[0] for row in TYPES)

#: 部令第35号 art. 10: river outfalls of these types are set up only after approval (审批).
APPROVAL_TYPES = frozenset({"1.1.1", "1.1.2", "1.1.3", "1.3", "2.1"})

PROCEDURE_APPROVAL = "approval"
PROCEDURE_REGISTRATION = "registration"
PROCEDURE_FILING = "filing"

REMEDIATION = ("ban", "merge", "regulate")  # 取缔, 合并, 规范

#: GB/T 2260 codes of Weihai and its county-level divisions (the default area of :func:`code_problem`).
WEIHAI_DIVISIONS = frozenset({"371000", "371002", "371003", "371082", "371083"})

_CODE = re.compile(r"^[0-9A-Z][0-9A-Z-]{3,39}$")


@dataclass(frozen=True)
class TypeInfo:
    """One HJ 1312-2023 row."""

    code: str
    level1: str
    level2: str
    level3: str

    @property
    def label(self) -> str:
        """The most specific name, with its parents: ``工业排污口 / 工矿企业排污口 / 矿山排污口``."""
        return " / ".join(part for part in (self.level1, self.level2, self.level3) if part)


def type_info(code: str) -> TypeInfo:
    """The HJ 1312-2023 Table 1 row of *code*; ``KeyError`` if unknown."""
    for row in TYPES:
        if row[0] == code:
            return TypeInfo(*row)
    raise KeyError(code)


def procedure_for(water: str, type_code: str) -> str:
    """The setting procedure an outfall needs.

    River outfalls: 审批 for the types of 部令第35号 art. 10, 登记 for the rest; sea outfalls: 备案
    (环海洋〔2024〕72号 art. 7).
    """
    if water == SEA:
        return PROCEDURE_FILING
    if water != RIVER:
        raise ValueError(f"water must be {RIVER!r} or {SEA!r}")
    return PROCEDURE_APPROVAL if type_code in APPROVAL_TYPES else PROCEDURE_REGISTRATION


def code_problem(code: str, divisions: frozenset[str] = WEIHAI_DIVISIONS) -> str | None:
    """``None`` for an acceptable outfall code, else the rule it breaks: ``format`` or ``division``.

    Reference pack governance §3.5.

    4–40 capital letters, digits or hyphens; a code that starts with six digits names a GB/T 2260
    division, which must be one of *divisions* (待确认 until the national coding rule is read).
    """
    if not _CODE.match(code):
        return "format"
    prefix = code[:6]
    if prefix.isdigit() and prefix not in divisions:
        return "division"
    return None
