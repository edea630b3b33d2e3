"""Excel templates for activity data and mariculture harvests, and their all-or-nothing import.

An upload is checked completely before anything is saved; every error names sheet, row, column and rule.
Uploading the same valid file twice changes nothing the second time (rows are upserted by their key).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from openpyxl.worksheet.datavalidation import DataValidation

from meili.accounts.models import OrgUnit
from meili.carbon import services
from meili.carbon.models import SECTORS, Edition
from meili.standards.carbon import blue, energy, factors, nonenergy, units
from meili.tabular import InputError, read_table
from meili.xlsx import to_bytes, workbook

ACTIVITY_SHEET = "活动水平"
HARVEST_SHEET = "养殖产量"
OTHER_SHEET = "非能源活动水平"
OTHER_COLUMNS = ("年份", "区市", "部门", "排放源类别", "单位", "活动水平", "注释键", "不确定性（±%）", "数据来源")
ACTIVITY_COLUMNS = ("年份", "区市", "部门", "能源品种", "单位", "活动水平", "注释键", "不确定性（±%）", "数据来源")
HARVEST_COLUMNS = ("年份", "区市", "品种", "产量（t）", "重量基准", "数据来源")


@dataclass(frozen=True)
class CellError:
    """One bad cell of an upload."""

    sheet: str
    row: int
    column: str
    rule: str

    def __str__(self) -> str:
        return f"{self.sheet}，第{self.row}行，“{self.column}”列：{self.rule}"


def _regions() -> dict[str, OrgUnit]:
    units_ = OrgUnit.objects.filter(Q(kind=OrgUnit.Kind.CITY) | Q(kind=OrgUnit.Kind.DISTRICT))
    return {u.name: u for u in units_} | {u.code: u for u in units_}


def _notes(book, lines: list[str]) -> None:
    sheet = book.create_sheet("说明")
    for line in lines:
        sheet.append([line])


def activity_template(edition: Edition) -> bytes:
    """The activity-data template of *edition*, pre-filled with its stored rows."""
    book, sheet = workbook(ACTIVITY_SHEET, list(ACTIVITY_COLUMNS))
    for a in edition.activities.select_related("region").order_by("line"):
        sheet.append(
            [a.year, a.region.name, a.sector, a.fuel, a.unit, a.amount, a.notation or None, a.uncertainty, a.source]
        )
    for col, choices in (("C", SECTORS), ("G", tuple(energy.NOTATION_KEYS))):
        check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        sheet.add_data_validation(check)
        check.add(f"{col}2:{col}2000")
    for i, width in enumerate((8, 12, 18, 14, 10, 14, 8, 14, 30)):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    other = book.create_sheet(OTHER_SHEET)
    other.append(list(OTHER_COLUMNS))
    for o in edition.other_activities.select_related("region").order_by("line"):
        other.append(
            [o.year, o.region.name, o.sector, o.category, o.unit, o.amount, o.notation or None, o.uncertainty, o.source]
        )
    for col, choices in (
        ("C", nonenergy.SECTORS[1:]),
        ("D", tuple(nonenergy.CATEGORIES)),
        ("G", tuple(energy.NOTATION_KEYS)),
    ):
        check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        other.add_data_validation(check)
        check.add(f"{col}2:{col}2000")
    for i, width in enumerate((8, 12, 18, 16, 10, 14, 8, 14, 30)):
        other.column_dimensions[chr(ord("A") + i)].width = width
    configured = services.other_factors(edition.factor_set)
    fuels = "、".join([*factors.shipped().fuels, energy.ELECTRICITY_FUEL, energy.HEAT_FUEL])
    _notes(
        book,
        [
            f"清单：{edition.title}；因子集：{edition.factor_set.name}",
            f"能源品种：{fuels}",
            f"单位：{'、'.join(units.UNITS)}（燃料按其因子单位换算，电力用电量单位，热力用 GJ）",
            f"部门：{'、'.join(SECTORS)}；电力的“本地发电”行填本地发电量，净调入法中扣减。",
            "未发生或未估算的项目填注释键 NO（未发生）、NE（未估算）、IE（已计入其他）、C（保密），不要填 0。",
            f"“{OTHER_SHEET}”表：工业生产过程、农业、土地利用变化和林业、废弃物处理；类别与单位：",
            *[
                f"  {c.sector} {c.key}（{c.unit}，{c.gas}）：{c.formula}；"
                + (
                    f"因子 {configured[c.key].value:.6g} {c.factor_unit}"
                    + ("（待确认）" if configured[c.key].unverified else "")
                    if c.key in configured
                    else "因子集未配置，只能填注释键"
                )
                for c in nonenergy.CATEGORIES.values()
            ],
            "文件有任何错误时不保存任何内容；同一文件重复上传不会重复计入。",
        ],
    )
    return to_bytes(book)


def harvest_template() -> bytes:
    """The mariculture harvest template (渔业统计产量, basis stated per row)."""
    book, sheet = workbook(HARVEST_SHEET, list(HARVEST_COLUMNS))
    check = DataValidation(type="list", formula1='"鲜重,干重"', allow_blank=False)
    sheet.add_data_validation(check)
    check.add("E2:E2000")
    _notes(
        book,
        [
            f"品种：{'、'.join(factors.shipped().sinks)}",
            "重量基准必填：鲜重（wet）或干重（dry）。渔业统计年鉴的藻类产量通常为干重，新闻报道多为鲜重；"
            "填错基准会使碳汇量相差约5倍（HY/T 0305-2021 干湿比）。",
            "文件有任何错误时不保存任何内容；同一文件重复上传不会重复计入。",
        ],
    )
    return to_bytes(book)


def _read(path: Path, sheet: str, columns: tuple[str, ...]) -> tuple[list[dict], list[CellError]]:
    try:
        frame = read_table(path, sheet=sheet) if path.suffix.lower() in (".xlsx", ".xlsm") else read_table(path)
    except InputError as exc:
        return [], [CellError(sheet, exc.row or 1, exc.column or "", exc.rule)]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        return [], [CellError(sheet, 1, c, "缺少此列（请使用平台下载的模板）") for c in missing]
    rows = [r for r in frame.iter_rows(named=True) if any((r[c] or "").strip() for c in columns)]
    return rows, []


def _text(record: dict, column: str) -> str:
    return (record[column] or "").strip()


def _number(record: dict, column: str, sheet: str, errors: list[CellError], *, required: bool) -> float | None:
    raw = _text(record, column)
    if not raw:
        if required:
            errors.append(CellError(sheet, record["__row"], column, "必填"))
        return None
    try:
        value = float(raw)
    except ValueError:
        errors.append(CellError(sheet, record["__row"], column, f"“{raw}”不是数字"))
        return None
    if value < 0:
        errors.append(CellError(sheet, record["__row"], column, "不能为负"))
    return value


def _year(record: dict, sheet: str, errors: list[CellError]) -> int:
    raw = _text(record, "年份")
    try:
        year = int(float(raw))
    except ValueError:
        errors.append(CellError(sheet, record["__row"], "年份", f"“{raw}”不是年份"))
        return 0
    if not 1990 <= year <= 2100:
        errors.append(CellError(sheet, record["__row"], "年份", f"“{raw}”不是年份"))
    return year


def _region(record: dict, sheet: str, errors: list[CellError], regions: dict[str, OrgUnit]) -> OrgUnit | None:
    name = _text(record, "区市")
    if name not in regions:
        errors.append(CellError(sheet, record["__row"], "区市", f"“{name}”不是市或区市名称"))
        return None
    return regions[name]


def parse_activities(path: Path, edition: Edition) -> tuple[list[services.ActivityRow], list[CellError]]:
    """Every row of an activity upload, or every error; the engine checks fuel, unit and year per row."""
    records, errors = _read(path, ACTIVITY_SHEET, ACTIVITY_COLUMNS)
    if errors:
        return [], errors
    regions = _regions()
    rows: list[services.ActivityRow] = []
    seen: dict[tuple, int] = {}
    for r in records:
        line = r["__row"]
        year = _year(r, ACTIVITY_SHEET, errors)
        region = _region(r, ACTIVITY_SHEET, errors, regions)
        sector = _text(r, "部门")
        if sector not in SECTORS:
            errors.append(CellError(ACTIVITY_SHEET, line, "部门", f"“{sector}”不是可选的部门（{'、'.join(SECTORS)}）"))
        notation = _text(r, "注释键").upper()
        amount = _number(r, "活动水平", ACTIVITY_SHEET, errors, required=not notation)
        uncertainty = _number(r, "不确定性（±%）", ACTIVITY_SHEET, errors, required=False)
        key = (year, region.pk if region else None, sector, _text(r, "能源品种"))
        if key in seen:
            errors.append(CellError(ACTIVITY_SHEET, line, "能源品种", f"与第{seen[key]}行重复"))
        seen[key] = line
        if region is not None:
            rows.append(
                services.ActivityRow(
                    line,
                    year,
                    region,
                    sector,
                    _text(r, "能源品种"),
                    _text(r, "单位"),
                    amount,
                    notation,
                    uncertainty,
                    _text(r, "数据来源"),
                )
            )
    if errors:
        return [], errors
    frame = services.activity_frame(rows)
    headers = {"year": "年份", "fuel": "能源品种", "unit": "单位", "amount": "活动水平", "notation": "注释键"}
    try:
        energy.inventory(
            frame,
            services.engine_set(edition.factor_set),
            grid_factor=edition.grid_factor,
            heat_factor=edition.heat_factor,
        )
    except energy.InventoryError as exc:
        return [], [CellError(ACTIVITY_SHEET, rows[exc.position].line, headers.get(exc.column, exc.column), str(exc))]
    return rows, []


def has_sheet(path: Path, name: str) -> bool:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return name in book.sheetnames
    finally:
        book.close()


def parse_other(path: Path, edition: Edition) -> tuple[list[services.OtherRow], list[CellError]]:
    """Every row of the non-energy sheet of an upload, or every error (the engine checks category, unit,
    factor and notation key per row)."""
    records, errors = _read(path, OTHER_SHEET, OTHER_COLUMNS)
    if errors:
        return [], errors
    regions = _regions()
    rows: list[services.OtherRow] = []
    seen: dict[tuple, int] = {}
    for r in records:
        line = r["__row"]
        year = _year(r, OTHER_SHEET, errors)
        region = _region(r, OTHER_SHEET, errors, regions)
        notation = _text(r, "注释键").upper()
        amount = _number(r, "活动水平", OTHER_SHEET, errors, required=not notation)
        uncertainty = _number(r, "不确定性（±%）", OTHER_SHEET, errors, required=False)
        key = (year, region.pk if region else None, _text(r, "排放源类别"))
        if key in seen:
            errors.append(CellError(OTHER_SHEET, line, "排放源类别", f"与第{seen[key]}行重复"))
        seen[key] = line
        if region is not None:
            rows.append(
                services.OtherRow(
                    line,
                    year,
                    region,
                    _text(r, "部门"),
                    _text(r, "排放源类别"),
                    _text(r, "单位"),
                    amount,
                    notation,
                    uncertainty,
                    _text(r, "数据来源"),
                )
            )
    if errors:
        return [], errors
    headers = {"category": "排放源类别", "sector": "部门", "unit": "单位", "amount": "活动水平", "notation": "注释键"}
    try:
        services.check_other(edition, rows)
    except energy.InventoryError as exc:
        return [], [CellError(OTHER_SHEET, rows[exc.position].line, headers.get(exc.column, exc.column), str(exc))]
    return rows, []


def parse_harvests(path: Path) -> tuple[list[services.HarvestRow], list[CellError]]:
    """Every row of a harvest upload, or every error (unknown species, missing or unclear basis …)."""
    records, errors = _read(path, HARVEST_SHEET, HARVEST_COLUMNS)
    if errors:
        return [], errors
    regions = _regions()
    known = factors.shipped().sinks
    rows: list[services.HarvestRow] = []
    for r in records:
        line = r["__row"]
        year = _year(r, HARVEST_SHEET, errors)
        region = _region(r, HARVEST_SHEET, errors, regions)
        species = _text(r, "品种")
        if species not in known:
            errors.append(CellError(HARVEST_SHEET, line, "品种", f"“{species}”不是可选的品种（{'、'.join(known)}）"))
        harvest = _number(r, "产量（t）", HARVEST_SHEET, errors, required=True)
        try:
            basis = blue.Basis.parse(_text(r, "重量基准"))
        except ValueError as exc:
            errors.append(CellError(HARVEST_SHEET, line, "重量基准", str(exc)))
            continue
        source = _text(r, "数据来源")
        if not source:
            errors.append(CellError(HARVEST_SHEET, line, "数据来源", "必填"))
        if region is not None and harvest is not None:
            rows.append(services.HarvestRow(line, year, region, species, harvest, basis, source))
    return ([], errors) if errors else (rows, [])


def import_activities(user, path: Path, edition: Edition) -> tuple[int, list[CellError]]:
    """Check and save an activity upload, all or nothing; ``(rows changed, errors)``."""
    rows, errors = parse_activities(path, edition)
    other: list[services.OtherRow] = []
    if has_sheet(path, OTHER_SHEET):
        other, other_errors = parse_other(path, edition)
        errors += other_errors
    if errors:
        return 0, errors
    with transaction.atomic():
        count = services.save_activities(user, edition, rows, recompute=False) if rows else 0
        count += services.save_other_activities(user, edition, other, recompute=False) if other else 0
    if count:
        services.recompute_intensity()
    return count, []


def import_harvests(user, path: Path) -> tuple[int, list[CellError]]:
    """Check and save a harvest upload, all or nothing; ``(rows changed, errors)``."""
    rows, errors = parse_harvests(path)
    if errors:
        return 0, errors
    return services.save_harvests(user, rows), []
