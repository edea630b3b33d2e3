"""The Excel template a unit downloads, fills in and uploads back.

The template is pre-filled with the unit's indicators, their units and last year's approved values.
An upload is checked completely first; any error saves nothing and every error is listed with sheet,
row, column and rule. Uploading the same valid file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from openpyxl.styles import PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from meili.accounts.models import OrgUnit
from meili.cells import append_row
from meili.plans import Plan
from meili.progress.models import IndicatorValue, ManualStatusChoice, ValueState
from meili.progress.values import Entry, _changed, owed_indicators, save_draft, validate_entry
from meili.tabular import InputError, read_table
from meili.xlsx import to_bytes, workbook

SHEET = "填报"
#: column header -> Entry field (None: shown for reference only)
COLUMNS = [
    ("指标代码", "indicator_code"),
    ("指标名称", None),
    ("计量单位", None),
    ("年度", "year"),
    ("上年审核值", None),
    ("本年数值", "value"),
    ("进展状态（里程碑/定性）", "manual_status"),
    ("权重（加权平均时）", "weight"),
    ("数据来源文件", "source_document"),
    ("文号", "source_number"),
    ("说明/佐证", "note"),
]
STATUS_BY_LABEL = {str(label): code for code, label in ManualStatusChoice.choices}


def template(plan: Plan, unit: OrgUnit, year: int) -> bytes:
    """The .xlsx template for *unit* and *year*."""
    book, sheet = workbook(SHEET, [c for c, _ in COLUMNS])
    previous = {
        (r.indicator_code): r
        for r in IndicatorValue.objects.filter(plan_code=plan.code, unit=unit, year=year - 1, state=ValueState.APPROVED)
    }
    current = {
        r.indicator_code: r
        for r in IndicatorValue.objects.filter(plan_code=plan.code, unit=unit, year=year)
        .exclude(state=ValueState.SUPERSEDED)
        .order_by("id")
    }
    for indicator in owed_indicators(plan, unit):
        last = previous.get(indicator.code)
        now = current.get(indicator.code)
        status_label = dict(ManualStatusChoice.choices).get(now.manual_status, "") if now else ""
        append_row(
            sheet,
            [
                indicator.code,
                indicator.name,
                indicator.unit,
                year,
                float(last.value) if last and last.value is not None else None,
                float(now.value) if now and now.value is not None else None,
                str(status_label) if status_label else None,
                float(now.weight) if now and now.weight is not None else None,
                now.source_document if now else None,
                now.source_number if now else None,
                now.note if now else None,
            ],
        )
    widths = [28, 36, 12, 8, 12, 12, 18, 14, 30, 18, 40]
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    sheet.freeze_panes = "B2"
    statuses = DataValidation(type="list", formula1='"' + ",".join(STATUS_BY_LABEL) + '"', allow_blank=True)
    sheet.add_data_validation(statuses)
    statuses.add(f"G2:G{max(sheet.max_row, 2)}")
    for row in sheet.iter_rows(min_row=2):
        for cell in row[:5]:
            cell.protection = Protection(locked=True)
            cell.fill = PatternFill("solid", fgColor="F2F2F2")
    notes = book.create_sheet("说明")
    for line in (
        f"单位：{unit.name}；年度：{year}；规划：{plan.title}",
        "灰色列为系统预填，请勿修改；填写“本年数值”（数值型指标）或“进展状态”与“说明/佐证”（里程碑、定性指标）。",
        "“数据来源文件”必填；加权平均汇总的指标须填写“权重”。",
        "上传后保存为草稿，在平台中确认并提交审核。文件有任何错误时不保存任何内容。",
    ):
        append_row(notes, [line])
    return to_bytes(book)


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    rule: str

    def __str__(self) -> str:
        return f"{self.sheet}，第{self.row}行，“{self.column}”列：{self.rule}"


def _decimal(text: str | None) -> Decimal | None:
    if text is None or not str(text).strip():
        return None
    value = Decimal(str(text).strip())
    if not value.is_finite():  # NaN, sNaN and Infinity parse as decimals but are no value
        raise InvalidOperation(text)
    return value


def parse(path: Path, plan: Plan, unit: OrgUnit, year: int) -> tuple[list[tuple[int, Entry]], list[CellError]]:
    """Read an uploaded template into entries; collect every error instead of stopping at the first."""
    try:
        frame = read_table(path, fmt="excel", sheet=SHEET)
    except InputError as exc:
        return [], [CellError(SHEET, exc.row or 1, exc.column or "", exc.rule)]
    errors: list[CellError] = []
    missing = [c for c, _ in COLUMNS if c not in frame.columns]
    if missing:
        return [], [CellError(SHEET, 1, c, "缺少此列（请使用平台下载的模板）") for c in missing]
    entries: list[tuple[int, Entry]] = []
    seen: dict[str, int] = {}
    for record in frame.iter_rows(named=True):
        row = record["__row"]
        code = (record["指标代码"] or "").strip()
        if not code:
            continue
        fields = {}
        for header, name in COLUMNS:
            if name is None:
                continue
            raw = record[header]
            if name in ("value", "weight"):
                try:
                    fields[name] = _decimal(raw)
                except InvalidOperation:
                    errors.append(CellError(SHEET, row, header, f"“{raw}”不是数字"))
                    fields[name] = None
            elif name == "year":
                try:
                    fields[name] = int(float(raw))
                except (TypeError, ValueError):
                    errors.append(CellError(SHEET, row, header, f"“{raw}”不是年份"))
                    fields[name] = year
            elif name == "manual_status":
                label = (raw or "").strip()
                if label and label not in STATUS_BY_LABEL:
                    errors.append(
                        CellError(SHEET, row, header, f"“{label}”不是可选的进展状态（{'、'.join(STATUS_BY_LABEL)}）")
                    )
                fields[name] = STATUS_BY_LABEL.get(label, "")
            else:
                fields[name] = (raw or "").strip()
        if fields["year"] != year:
            errors.append(CellError(SHEET, row, "年度", f"模板年度为{year}，此行为{fields['year']}"))
        if code in seen:
            errors.append(CellError(SHEET, row, "指标代码", f"与第{seen[code]}行重复"))
        seen[code] = row
        entry = Entry(**fields)
        if entry.value is None and not entry.manual_status and not entry.source_document and not entry.note:
            continue  # a row left empty: nothing to report for this indicator yet
        try:
            validate_entry(plan, unit, entry)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                header = next((h for h, n in COLUMNS if n == field_name), "指标代码")
                errors.extend(CellError(SHEET, row, header, m) for m in messages)
        entries.append((row, entry))
    return entries, errors


@transaction.atomic
def apply(actor, path: Path, plan: Plan, unit: OrgUnit, year: int) -> tuple[int, int, list[CellError], list[str]]:
    """Save every row of the upload as drafts, or nothing at all; ``(changed, unchanged, errors, skipped)``.

    A row the template pre-filled from a value already submitted or approved, and left as it was, is skipped
    with a note (the round trip of a downloaded template always works); changing a submitted value is an error.
    """
    entries, errors = parse(path, plan, unit, year)
    if errors:
        return 0, 0, errors, []
    current = {
        r.indicator_code: r
        for r in IndicatorValue.objects.filter(plan_code=plan.code, unit=unit, year=year)
        .exclude(state=ValueState.SUPERSEDED)
        .order_by("id")
    }
    labels = dict(ValueState.choices)
    names = {i.code: i.name for i in plan.indicators}
    changed = unchanged = 0
    skipped: list[str] = []
    for row, entry in entries:
        now = current.get(entry.indicator_code)
        if now is not None and now.state in (ValueState.SUBMITTED, ValueState.APPROVED) and not _changed(now, entry):
            skipped.append(
                gettext("第%(row)s行 %(name)s：%(state)s，未修改，已跳过")
                % {"row": row, "name": names.get(entry.indicator_code, ""), "state": labels[now.state]}
            )
            continue
        try:
            _, did = save_draft(actor, plan, unit, entry, reason="Excel上传")
        except ValidationError as exc:
            transaction.set_rollback(True)
            return 0, 0, [CellError(SHEET, row, "指标代码", "；".join(exc.messages))], []
        changed += did
        unchanged += not did
    return changed, unchanged, [], skipped
