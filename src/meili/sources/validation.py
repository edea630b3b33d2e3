"""The checks of every registry record, shared by the forms, the services and the Excel importer.

Each function takes plain values and returns ``{field: message}`` for what is wrong (empty when all is
well), so the importer can name the sheet, row and column and the services can raise one
``ValidationError``. The rules themselves are in :mod:`meili.standards.uscc` and
:mod:`meili.standards.outfalls`; this module only words their answers for the user.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from meili.standards import outfalls as outfall_rules
from meili.standards.uscc import CodeProblem, permit_problem, uscc_problem

DATA = Path(__file__).parent / "data"

#: 排污登记 receipts are said to end in W instead of P (reference pack §5, unverified): accepted, 待确认.
PERMIT_SUFFIXES = {"key": "P", "simplified": "P", "registration": "PW"}

_INDUSTRY = re.compile(r"^[A-T]?\d{2,4}$")
_PORT_CODE = {"air": re.compile(r"^DA\d{3}$"), "water": re.compile(r"^DW\d{3}$")}
#: the mainland's extent, a plausibility check of typed coordinates (degrees)
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)


@cache
def parameters() -> dict[str, dict[str, str]]:
    """HJ 212-2017 Appendix B codes: ``{code: {"name": …, "unit": …, "medium": "air"|"water"}}``."""
    out: dict[str, dict[str, str]] = {}
    with (DATA / "hj212_codes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["code"]] = {"name": row["name_zh"], "unit": row["unit_concentration"], "medium": row["medium"]}
    return out


def code_message(problem: CodeProblem) -> str:
    """The Chinese sentence for a refused credit code or permit number."""
    p = problem.params
    messages = {
        "length": _("统一社会信用代码应为18位，实为%(actual)s位"),
        "alphabet": _(
            "第%(position)s位“%(actual)s”不是统一社会信用代码允许的字符（数字和除I、O、Z、S、V以外的大写字母）"
        ),
        "division": _("第3–8位应为行政区划代码（6位数字），实为“%(actual)s”"),
        "check": _("校验码错误：第18位应为“%(expected)s”，实为“%(actual)s”（GB 32100-2015）"),
        "permit_format": _("许可证编号应为统一社会信用代码18位、3位顺序码和1位字母，共22位"),
        "permit_holder": _("许可证编号前18位应为该单位的统一社会信用代码“%(expected)s”"),
        "permit_suffix": _("许可证编号第22位应为“%(expected)s”之一，实为“%(actual)s”"),
    }
    return messages[problem.rule] % p


def _coords(lon, lat) -> dict[str, str]:
    errors = {}
    if (lon is None) != (lat is None):
        errors["lon"] = _("经度和纬度应同时填写")
    if lon is not None and not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        errors["lon"] = _("经度应在 %(a)s–%(b)s 之间") % {"a": LON_RANGE[0], "b": LON_RANGE[1]}
    if lat is not None and not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        errors["lat"] = _("纬度应在 %(a)s–%(b)s 之间") % {"a": LAT_RANGE[0], "b": LAT_RANGE[1]}
    return errors


def enterprise_errors(data: dict) -> dict[str, str]:
    """Checks of an enterprise: name, GB 32100 credit code, industry code (GB/T 4754), coordinates."""
    errors: dict[str, str] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("请填写单位名称")
    code = data.get("credit_code") or ""
    problem = uscc_problem(code)
    if problem is not None:
        errors["credit_code"] = code_message(problem)
    industry = data.get("industry_code") or ""
    if industry and not _INDUSTRY.match(industry):
        errors["industry_code"] = _("行业代码应为GB/T 4754门类字母（可省略）加2–4位数字，如C2614")
    if industry and not (data.get("industry_name") or "").strip():
        errors["industry_name"] = _("填写行业代码时请同时填写行业名称")
    errors.update(_coords(data.get("lon"), data.get("lat")))
    return errors


def permit_errors(data: dict, credit_code: str) -> dict[str, str]:
    """Checks of a permit: number (HJ 608-2017) of this enterprise, class, validity period."""
    errors: dict[str, str] = {}
    kind = data.get("kind") or ""
    if kind not in PERMIT_SUFFIXES:
        errors["kind"] = _("管理类别应为重点管理、简化管理或登记管理")
    problem = permit_problem(data.get("number") or "", credit_code, PERMIT_SUFFIXES.get(kind, "P"))
    if problem is not None:
        errors["number"] = code_message(problem)
    start, end = data.get("valid_from"), data.get("valid_to")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors["valid_to"] = _("有效期止不能早于有效期起")
    return errors


def port_errors(data: dict) -> dict[str, str]:
    """Checks of a discharge port: code DA/DW + 3 digits by medium (HJ 608-2017 §5.4), reference O2."""
    errors: dict[str, str] = {}
    medium = data.get("medium") or ""
    if medium not in _PORT_CODE:
        errors["medium"] = _("排放口类别应为废气或废水")
    elif not _PORT_CODE[medium].match(data.get("code") or ""):
        errors["code"] = (
            _("废气排放口编号应为DA加3位数字，如DA001")
            if medium == "air"
            else _("废水排放口编号应为DW加3位数字，如DW001")
        )
    if not (data.get("name") or "").strip():
        errors["name"] = _("请填写排放口名称")
    o2 = data.get("reference_o2")
    if o2 is not None:
        if medium != "air":
            errors["reference_o2"] = _("只有废气排放口有基准氧含量")
        elif not 0 <= o2 < 21:
            errors["reference_o2"] = _("基准氧含量应在 0 到 21（%）之间")
    errors.update(_coords(data.get("lon"), data.get("lat")))
    return errors


def limit_errors(data: dict, medium: str) -> dict[str, str]:
    """Checks of a port limit: an HJ 212-2017 code of the port's medium, a positive limit, its source."""
    errors: dict[str, str] = {}
    code = data.get("parameter") or ""
    known = parameters().get(code)
    if known is None:
        errors["parameter"] = _("“%(code)s”不是HJ 212-2017附录B的污染物编码") % {"code": code}
    elif known["medium"] != medium:
        errors["parameter"] = _("“%(code)s”（%(name)s）不是该类别排放口的污染物") % {
            "code": code,
            "name": known["name"],
        }
    limit, lower = data.get("limit"), data.get("lower_limit")
    if limit is None or limit <= 0:
        errors["limit"] = _("浓度限值应为正数")
    if lower is not None and limit is not None and lower >= limit:
        errors["lower_limit"] = _("下限应小于限值")
    if not (data.get("unit") or "").strip():
        errors["unit"] = _("请填写单位")
    if data.get("averaging") not in ("hour", "day"):
        errors["averaging"] = _("判定时段应为小时均值或日均值")
    if not (data.get("standard") or "").strip():
        errors["standard"] = _("请填写限值依据（排放标准及条款或许可证）")
    amount = data.get("annual_amount_t")
    if amount is not None and amount < 0:
        errors["annual_amount_t"] = _("许可年排放量不能为负")
    return errors


def outfall_errors(data: dict) -> dict[str, str]:
    """Checks of an outfall: code, HJ 1312-2023 type, responsible party, receiving site, remediation."""
    errors: dict[str, str] = {}
    problem = outfall_rules.code_problem(data.get("code") or "")
    if problem == "format":
        errors["code"] = _("排污口编码应为4–40位大写字母、数字或连字符")
    elif problem == "division":
        errors["code"] = _("排污口编码前6位“%(prefix)s”不是本地区的行政区划代码（%(codes)s）") % {
            "prefix": (data.get("code") or "")[:6],
            "codes": "、".join(sorted(outfall_rules.WEIHAI_DIVISIONS)),
        }
    if not (data.get("name") or "").strip():
        errors["name"] = _("请填写排污口名称")
    water = data.get("water")
    if water not in (outfall_rules.RIVER, outfall_rules.SEA):
        errors["water"] = _("应为入河排污口或入海排污口")
    if data.get("type_code") not in outfall_rules.TYPE_CODES:
        errors["type_code"] = _("排污口类型应为HJ 1312-2023分类之一")
    if data.get("enterprise") is None and data.get("responsible_unit") is None:
        errors["responsible_unit"] = _("请指定责任单位（企业或机关单位）")
    site = data.get("receiving_site")
    if site is not None:
        wanted = "sea" if water == outfall_rules.SEA else "water"
        if site.medium != wanted:
            errors["receiving_site"] = (
                _("入海排污口应关联近岸海域点位") if wanted == "sea" else _("入河排污口应关联地表水断面")
            )
    remediation = data.get("remediation") or ""
    if remediation and remediation not in outfall_rules.REMEDIATION:
        errors["remediation"] = _("整治类型应为取缔、合并或规范")
    if remediation and data.get("remediation_deadline") is None:
        errors["remediation_deadline"] = _("请填写整治时限")
    errors.update(_coords(data.get("lon"), data.get("lat")))
    return errors
