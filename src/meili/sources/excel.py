"""Excel templates of the registry: enterprises + permits + ports + limits in one workbook, outfalls in another.

Import is all-or-nothing and idempotent: every row is read and checked (by the same services the pages
use), every problem is reported with its sheet, row, column and rule, and nothing is written unless the
whole workbook is clean. Rows are matched by their keys (credit code; permit number; credit code + port
code; + pollutant code + averaging; outfall code), so loading the same file twice changes nothing.
Records absent from the file are kept: the import adds and updates, it never deletes.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from meili import xlsx
from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, require
from meili.sources import services
from meili.sources.models import DischargePort, Enterprise, Outfall, Permit, PortLimit
from meili.standards import outfalls as outfall_rules
from meili.tabular import ROW, InputError, read_table


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "str"  # str, upper, float, date, bool, choice, unit, enterprise, site, type
    choices: type | None = None
    required: bool = False


ENTERPRISE_SHEET = "排污单位"
PERMIT_SHEET = "排污许可证"
PORT_SHEET = "排放口"
LIMIT_SHEET = "许可限值"
OUTFALL_SHEET = "入河入海排污口"

ENTERPRISE_COLUMNS = (
    Column("统一社会信用代码", "credit_code", "upper", required=True),
    Column("单位名称", "name", required=True),
    Column("所属区市", "district", "unit"),
    Column("地址", "address"),
    Column("行业代码", "industry_code", "upper"),
    Column("行业名称", "industry_name"),
    Column("经度", "lon", "float"),
    Column("纬度", "lat", "float"),
    Column("法定代表人", "legal_representative"),
    Column("环保联系人", "contact_person"),
    Column("联系电话", "contact_phone"),
    Column("重点排污单位", "key_discharger", "bool"),
    Column("危险废物重点监管单位", "key_hazardous_waste", "bool"),
    Column("环境风险源", "risk_source", "bool"),
    Column("生产状态", "status", "choice", Enterprise.Status),
    Column("备注", "note"),
)
PERMIT_COLUMNS = (
    Column("统一社会信用代码", "credit_code", "upper", required=True),
    Column("许可证编号", "number", "upper", required=True),
    Column("管理类别", "kind", "choice", Permit.Kind, required=True),
    Column("有效期起", "valid_from", "date"),
    Column("有效期止", "valid_to", "date"),
    Column("发证机关", "issuer"),
    Column("备注", "note"),
)
PORT_COLUMNS = (
    Column("统一社会信用代码", "credit_code", "upper", required=True),
    Column("排放口编号", "code", "upper", required=True),
    Column("排放口名称", "name", required=True),
    Column("类别", "medium", "choice", DischargePort.Medium, required=True),
    Column("排放口类型", "category", "choice", DischargePort.Category),
    Column("许可证编号", "permit", "upper"),
    Column("经度", "lon", "float"),
    Column("纬度", "lat", "float"),
    Column("基准氧含量（%）", "reference_o2", "float"),
    Column("排气筒高度（m）", "height_m", "float"),
    Column("排放去向", "destination"),
    Column("在用", "active", "bool"),
)
LIMIT_COLUMNS = (
    Column("统一社会信用代码", "credit_code", "upper", required=True),
    Column("排放口编号", "port", "upper", required=True),
    Column("污染物编码", "parameter", required=True),
    Column("污染物名称", "parameter_name"),
    Column("浓度限值", "limit", "float", required=True),
    Column("下限", "lower_limit", "float"),
    Column("单位", "unit", required=True),
    Column("判定时段", "averaging", "choice", PortLimit.Averaging, required=True),
    Column("限值依据", "standard", required=True),
    Column("许可年排放量（t/a）", "annual_amount_t", "float"),
)
OUTFALL_COLUMNS = (
    Column("排污口编码", "code", "upper", required=True),
    Column("排污口名称", "name", required=True),
    Column("入河/入海", "water", "choice", Outfall.Water, required=True),
    Column("排污口类型", "type_code", "type", required=True),
    Column("所属区市", "district", "unit"),
    Column("位置", "address"),
    Column("经度", "lon", "float"),
    Column("纬度", "lat", "float"),
    Column("受纳水体", "receiving_water"),
    Column("关联监测点位编码", "receiving_site", "site"),
    Column("责任企业统一社会信用代码", "enterprise", "enterprise"),
    Column("责任单位", "responsible_unit", "unit"),
    Column("排放方式", "discharge_mode"),
    Column("设计排放能力（m³/d）", "design_capacity_m3d", "float"),
    Column("主要污染物", "main_pollutants"),
    Column("手续状态", "procedure_state", "choice", Outfall.ProcedureState),
    Column("批复/登记/备案文号", "procedure_number"),
    Column("办理日期", "procedure_date", "date"),
    Column("整治类型", "remediation", "choice", Outfall.Remediation),
    Column("整治时限", "remediation_deadline", "date"),
    Column("状态", "status", "choice", Outfall.Status),
    Column("备注", "note"),
)
REGISTRY_SHEETS = (
    (ENTERPRISE_SHEET, ENTERPRISE_COLUMNS),
    (PERMIT_SHEET, PERMIT_COLUMNS),
    (PORT_SHEET, PORT_COLUMNS),
    (LIMIT_SHEET, LIMIT_COLUMNS),
)
OUTFALL_SHEETS = ((OUTFALL_SHEET, OUTFALL_COLUMNS),)


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str | None
    rule: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(_("第%(n)s行") % {"n": self.row})
        if self.column:
            where.append(_("“%(c)s”列") % {"c": self.column})
        return "，".join(where) + "：" + self.rule


class ImportFailed(Exception):
    """The workbook has problems; nothing was written."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


# --- writing --------------------------------------------------------------------------------------------


def _label(choices, value) -> str:
    with translation.override("zh-hans"):
        return str(dict(choices.choices).get(value, value))


def _cell(column: Column, value):
    if value is None:
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "choice":
        return _label(column.choices, value)
    if column.kind == "unit":
        return value.name
    if column.kind == "enterprise":
        return value.credit_code
    if column.kind == "site":
        return value.code
    if column.kind == "type":
        return f"{value} {outfall_rules.type_info(value).label}" if value in outfall_rules.TYPE_CODES else value
    if isinstance(value, Permit):
        return value.number
    if isinstance(value, DischargePort):
        return value.code
    if isinstance(value, dt.date):
        return value
    return value


def _book(sheets, rows_by_sheet: dict[str, list[list]]) -> bytes:
    book = None
    for name, columns in sheets:
        headers = [c.header + ("*" if c.required else "") for c in columns]
        if book is None:
            book, sheet = xlsx.workbook(name, headers)
        else:
            first = book.worksheets[0]
            sheet = book.create_sheet(name)
            sheet.append(headers)
            for src, dst in zip(first[1], sheet[1], strict=False):
                dst.font, dst.fill, dst.alignment = copy(src.font), copy(src.fill), copy(src.alignment)
        for row in rows_by_sheet.get(name, []):
            sheet.append(row)
        for i, _c in enumerate(columns):
            sheet.column_dimensions[sheet.cell(1, i + 1).column_letter].width = 16
    return xlsx.to_bytes(book)


def export_registry(enterprises=None) -> bytes:
    """The registry workbook of *enterprises* (all by default): the import template when empty."""
    enterprises = list(enterprises if enterprises is not None else Enterprise.objects.all())
    ids = [e.pk for e in enterprises]
    rows: dict[str, list[list]] = {name: [] for name, _c in REGISTRY_SHEETS}
    for e in enterprises:
        rows[ENTERPRISE_SHEET].append([_cell(c, getattr(e, c.field)) for c in ENTERPRISE_COLUMNS])
    for p in Permit.objects.filter(enterprise_id__in=ids).select_related("enterprise"):
        rows[PERMIT_SHEET].append(
            [p.enterprise.credit_code] + [_cell(c, getattr(p, c.field)) for c in PERMIT_COLUMNS[1:]]
        )
    for port in DischargePort.objects.filter(enterprise_id__in=ids).select_related("enterprise", "permit"):
        rows[PORT_SHEET].append(
            [port.enterprise.credit_code] + [_cell(c, getattr(port, c.field)) for c in PORT_COLUMNS[1:]]
        )
    for lim in PortLimit.objects.filter(port__enterprise_id__in=ids).select_related("port__enterprise"):
        rows[LIMIT_SHEET].append(
            [lim.port.enterprise.credit_code, lim.port.code]
            + [_cell(c, getattr(lim, c.field)) for c in LIMIT_COLUMNS[2:]]
        )
    return _book(REGISTRY_SHEETS, rows)


def export_outfalls(outfalls=None) -> bytes:
    """The outfall workbook (一口一档) of *outfalls* (all by default)."""
    outfalls = outfalls if outfalls is not None else Outfall.objects.all()
    rows = [[_cell(c, getattr(o, c.field)) for c in OUTFALL_COLUMNS] for o in outfalls]
    return _book(OUTFALL_SHEETS, {OUTFALL_SHEET: rows})


# --- reading --------------------------------------------------------------------------------------------


class _Reader:
    """Turns the strings of one sheet into typed values, collecting located errors."""

    def __init__(self, sheet: str, columns: tuple[Column, ...], errors: list[CellError]):
        self.sheet, self.columns, self.errors = sheet, columns, errors
        self.units = {}
        for unit in OrgUnit.objects.all():
            self.units[unit.name] = unit
            self.units[unit.code] = unit

    def error(self, row, column, rule) -> None:
        self.errors.append(CellError(self.sheet, row, column, rule))

    def convert(self, column: Column, text: str, row: int):
        kind = column.kind
        if kind == "upper":
            return text.upper()
        if kind == "float":
            try:
                return float(text)
            except ValueError:
                self.error(row, column.header, _("应为数字，实为“%(v)s”") % {"v": text})
                return None
        if kind == "date":
            try:
                return dt.date.fromisoformat(text[:10])
            except ValueError:
                self.error(row, column.header, _("应为日期（YYYY-MM-DD），实为“%(v)s”") % {"v": text})
                return None
        if kind == "bool":
            if text in ("是", "Y", "y", "1", "true", "True", "TRUE"):
                return True
            if text in ("否", "N", "n", "0", "false", "False", "FALSE"):
                return False
            self.error(row, column.header, _("应为“是”或“否”，实为“%(v)s”") % {"v": text})
            return None
        if kind == "choice":
            with translation.override("zh-hans"):
                labels = {str(label): value for value, label in column.choices.choices}
            values = {value for value, _label in column.choices.choices}
            if text in labels:
                return labels[text]
            if text in values:
                return text
            self.error(
                row, column.header, _("应为%(allowed)s之一，实为“%(v)s”") % {"allowed": "、".join(labels), "v": text}
            )
            return None
        if kind == "unit":
            unit = self.units.get(text)
            if unit is None:
                self.error(row, column.header, _("未知的单位“%(v)s”") % {"v": text})
            return unit
        if kind == "enterprise":
            ent = Enterprise.objects.filter(credit_code=text.upper()).first()
            if ent is None:
                self.error(row, column.header, _("未登记的统一社会信用代码“%(v)s”") % {"v": text})
            return ent
        if kind == "site":
            from meili.monitoring.models import Site

            site = Site.objects.filter(code=text, medium__in=("water", "sea")).first()
            if site is None:
                self.error(row, column.header, _("未知的地表水断面或近岸海域点位“%(v)s”") % {"v": text})
            return site
        if kind == "type":
            code = text.split()[0]
            if code not in outfall_rules.TYPE_CODES:
                matches = [row_[0] for row_ in outfall_rules.TYPES if text in (row_[2], row_[3])]
                if len(matches) == 1:
                    return matches[0]
                self.error(
                    row, column.header, _("应为HJ 1312-2023排污口类型（编号如2.1或名称），实为“%(v)s”") % {"v": text}
                )
                return None
            return code
        return text

    def rows(self, path: Path) -> list[tuple[int, dict]]:
        try:
            frame = read_table(path, fmt="excel", sheet=self.sheet)
        except InputError as exc:
            self.error(None, None, _("缺少工作表或无法读取：%(e)s") % {"e": exc.rule})
            return []
        headers = {c: c.rstrip("*").strip() for c in frame.columns if c != ROW}
        known = {c.header for c in self.columns}
        missing = [c.header for c in self.columns if c.required and c.header not in headers.values()]
        for header in missing:
            self.error(None, header, _("缺少必填列"))
        unknown = [h for h in headers.values() if h not in known]
        for header in unknown:
            self.error(None, header, _("未知的列"))
        if missing or unknown:
            return []
        by_header = {v: k for k, v in headers.items()}
        out = []
        for record in frame.iter_rows(named=True):
            row = record[ROW]
            texts = {c.header: (record.get(by_header.get(c.header, "")) or "").strip() for c in self.columns}
            if not any(texts.values()):
                continue
            values = {}
            for column in self.columns:
                text = texts[column.header]
                if not text:
                    if column.required:
                        self.error(row, column.header, _("必填"))
                    if column.header in by_header:
                        values[column.field] = None if column.kind not in ("str", "upper", "choice") else ""
                    continue
                values[column.field] = self.convert(column, text, row)
            out.append((row, values))
        return out


def _field_errors(exc: ValidationError, sheet: str, row: int, columns, errors: list[CellError]) -> None:
    headers = {c.field: c.header for c in columns}
    if hasattr(exc, "message_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                errors.append(CellError(sheet, row, headers.get(field, field), message))
    else:
        for message in exc.messages:
            errors.append(CellError(sheet, row, None, message))


def _clean(values: dict, defaults: dict) -> dict:
    """Empty cells of optional columns fall back to the model's default (a bool or a choice)."""
    out = {}
    for key, value in values.items():
        if value is None and key in defaults:
            out[key] = defaults[key]
        elif value == "" and key in defaults:
            out[key] = defaults[key]
        else:
            out[key] = value
    return out


class _Rollback(Exception):
    pass


def import_registry(user, path: str | Path) -> dict:
    """Load the registry workbook: all-or-nothing, idempotent. Returns counts of created/updated rows."""
    require(user, Action.MANAGE_SOURCES)
    path = Path(path)
    errors: list[CellError] = []
    sheets = {name: _Reader(name, columns, errors).rows(path) for name, columns in REGISTRY_SHEETS}
    if errors:
        raise ImportFailed(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}

    def tally(created: bool, changed: bool) -> None:
        counts["created" if created else "updated" if changed else "unchanged"] += 1

    def audit_count() -> int:
        from meili.audit.models import AuditEntry

        return AuditEntry.objects.count()

    def run(sheet, row, columns, fn) -> None:
        before = audit_count()
        try:
            created = fn()
        except ValidationError as exc:
            _field_errors(exc, sheet, row, columns, errors)
            return
        tally(created, audit_count() > before)

    try:
        with transaction.atomic():
            enterprise_defaults = {
                "key_discharger": False,
                "key_hazardous_waste": False,
                "risk_source": False,
                "status": Enterprise.Status.OPERATING,
            }
            for row, values in sheets[ENTERPRISE_SHEET]:
                values = _clean(values, enterprise_defaults)

                def save_ent(values=values):
                    existing = Enterprise.objects.filter(credit_code=values["credit_code"]).first()
                    services.save_enterprise(user, values, enterprise=existing)
                    return existing is None

                run(ENTERPRISE_SHEET, row, ENTERPRISE_COLUMNS, save_ent)

            def owner(sheet, row, values, columns):
                ent = Enterprise.objects.filter(credit_code=values.pop("credit_code")).first()
                if ent is None:
                    errors.append(
                        CellError(sheet, row, columns[0].header, _("该统一社会信用代码不在“排污单位”表或系统中"))
                    )
                return ent

            for row, values in sheets[PERMIT_SHEET]:
                ent = owner(PERMIT_SHEET, row, values, PERMIT_COLUMNS)
                if ent is None:
                    continue

                def save_permit(values=values, ent=ent):
                    existing = Permit.objects.filter(number=values["number"]).first()
                    if existing is not None and existing.enterprise_id != ent.pk:
                        raise ValidationError({"number": _("该许可证编号已属于其他单位")})
                    services.save_permit(user, ent, values, permit=existing)
                    return existing is None

                run(PERMIT_SHEET, row, PERMIT_COLUMNS, save_permit)

            for row, values in sheets[PORT_SHEET]:
                ent = owner(PORT_SHEET, row, values, PORT_COLUMNS)
                if ent is None:
                    continue
                values = _clean(values, {"category": DischargePort.Category.MAIN, "active": True})
                number = values.get("permit") or ""
                values["permit"] = ent.permits.filter(number=number).first() if number else None
                if number and values["permit"] is None:
                    errors.append(CellError(PORT_SHEET, row, "许可证编号", _("该单位没有此许可证")))
                    continue

                def save_port(values=values, ent=ent):
                    existing = ent.ports.filter(code=values["code"]).first()
                    services.save_port(user, ent, values, port=existing)
                    return existing is None

                run(PORT_SHEET, row, PORT_COLUMNS, save_port)

            for row, values in sheets[LIMIT_SHEET]:
                ent = owner(LIMIT_SHEET, row, values, LIMIT_COLUMNS)
                if ent is None:
                    continue
                port = ent.ports.filter(code=values.pop("port")).first()
                if port is None:
                    errors.append(CellError(LIMIT_SHEET, row, "排放口编号", _("该单位没有此排放口")))
                    continue

                def save_limit(values=values, port=port):
                    existing = port.limits.filter(parameter=values["parameter"], averaging=values["averaging"]).first()
                    services.save_limit(user, port, values, limit=existing)
                    return existing is None

                run(LIMIT_SHEET, row, LIMIT_COLUMNS, save_limit)
            if errors:
                raise _Rollback
    except _Rollback:
        raise ImportFailed(errors) from None
    return counts


def import_outfalls(user, path: str | Path) -> dict:
    """Load the outfall workbook: all-or-nothing, idempotent."""
    require(user, Action.MANAGE_SOURCES)
    errors: list[CellError] = []
    rows = _Reader(OUTFALL_SHEET, OUTFALL_COLUMNS, errors).rows(Path(path))
    if errors:
        raise ImportFailed(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    from meili.audit.models import AuditEntry

    try:
        with transaction.atomic():
            defaults = {"procedure_state": Outfall.ProcedureState.NONE, "status": Outfall.Status.IN_USE}
            for row, values in rows:
                values = _clean(values, defaults)
                existing = Outfall.objects.filter(code=values["code"]).first()
                before = AuditEntry.objects.count()
                try:
                    services.save_outfall(user, values, outfall=existing)
                except ValidationError as exc:
                    _field_errors(exc, OUTFALL_SHEET, row, OUTFALL_COLUMNS, errors)
                    continue
                except PermissionDenied:
                    raise
                key = (
                    "created" if existing is None else "updated" if AuditEntry.objects.count() > before else "unchanged"
                )
                counts[key] += 1
            if errors:
                raise _Rollback
    except _Rollback:
        raise ImportFailed(errors) from None
    return counts
