"""Generating reports: build the document, render .docx/.xlsx/PDF, store them; each step audited and checked.

The web page runs :func:`request_report` in a background thread and polls the row's ``progress``; the CLI
and the tests call :func:`build` and :func:`render_files` directly.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.reports import render_docx, render_xlsx
from meili.reports.document import Document
from meili.reports.fonts import fontset
from meili.reports.models import Kind, Report, State
from meili.reports.pdf import PdfUnavailable, docx_to_pdf

_YEAR = re.compile(r"^(20\d\d|2100)$")
_MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")
METHODS = ("escap", "growth_ratio")


def check_period(kind: str, period: str) -> str:
    """The period normalised for *kind* (2025 for the yearly report, 2025-10 for bulletins), or a ValidationError."""
    period = (period or "").strip()
    if kind in (Kind.PROGRESS, Kind.CARBON_INVENTORY):
        if not _YEAR.match(period):
            raise ValidationError({"period": _("年度报告的期间须为年份，如 2025")})
    elif kind in (Kind.AIR_MONTHLY, Kind.WATER_MONTHLY):
        if not _MONTH.match(period):
            raise ValidationError({"period": _("月报的期间须为月份，如 2025-10")})
    else:
        raise ValidationError({"kind": _("未知的报告类型 %(kind)s") % {"kind": kind}})
    return period


def build(kind: str, period: str, parameters: dict | None = None, today: dt.datetime | None = None) -> Document:
    """The document of report *kind* for *period* from the data stored now."""
    parameters = parameters or {}
    period = check_period(kind, period)
    if kind == Kind.PROGRESS:
        from meili.reports.builders import progress

        method = parameters.get("method", "escap")
        if method not in METHODS:
            raise ValidationError({"method": _("未知的评估方法 %(m)s") % {"m": method}})
        return progress.build(int(period), method, today=today)
    if kind == Kind.CARBON_INVENTORY:
        from meili.carbon.models import Edition
        from meili.reports.builders import carbon

        edition = Edition.objects.filter(year=int(period)).first()
        if edition is None:
            raise ValidationError({"period": _("%(year)s 年尚无温室气体清单版本") % {"year": period}})
        return carbon.build(edition, today=today)
    year, month = (int(p) for p in period.split("-"))
    if kind == Kind.AIR_MONTHLY:
        from meili.reports.builders import air

        return air.build(year, month, today=today, parameters=parameters)
    from meili.reports.builders import water

    return water.build(year, month, today=today)


def render_files(document: Document, pdf: bool = True, xlsx: bool = True) -> dict[str, bytes]:
    """``{"docx": …, "xlsx": …, "pdf": …}`` for *document*."""
    fonts = fontset()
    document.provenance.setdefault("fonts", fonts.as_dict())
    out = {"docx": render_docx.render(document, fonts)}
    if xlsx:
        out["xlsx"] = render_xlsx.render(document)
    if pdf:
        out["pdf"] = docx_to_pdf(out["docx"])
    return out


def request_report(
    actor,
    kind: str,
    period: str,
    parameters: dict | None = None,
    *,
    background: bool = True,
    regenerated_from: Report | None = None,
) -> Report:
    """Create a stored report and generate it (in a thread for the web page)."""
    require(actor, Action.GENERATE_REPORT)
    period = check_period(kind, period)
    parameters = dict(parameters or {})
    if kind == Kind.PROGRESS:
        parameters.setdefault("method", "escap")
        if parameters["method"] not in METHODS:
            raise ValidationError({"method": _("未知的评估方法 %(m)s") % {"m": parameters["method"]}})
    with transaction.atomic():
        report = Report.objects.create(
            kind=kind, period=period, parameters=parameters, created_by=actor, regenerated_from=regenerated_from
        )
        log.record(
            actor,
            "report.request",
            report,
            {"kind": [None, kind], "period": [None, period]},
            reason=f"regenerate #{regenerated_from.pk}" if regenerated_from else "",
        )
    if not background:
        _generate(report.pk)
        report.refresh_from_db()
        return report

    def target() -> None:
        close_old_connections()
        try:
            _generate(report.pk)
        finally:
            close_old_connections()

    threading.Thread(target=target, name=f"meili-report-{report.pk}", daemon=True).start()
    return report


def generate_for_demo(kind: str, period: str, parameters: dict | None = None, *, pdf: bool = True) -> Report:
    """Generate a report as the system (no user), for the demo dataset; synchronous. ``pdf=False`` leaves the PDF
    to be converted when it is first downloaded (:func:`convert_pdf`)."""
    with transaction.atomic():
        report = Report.objects.create(kind=kind, period=check_period(kind, period), parameters=parameters or {})
        log.record(None, "report.request", report, {"kind": [None, kind], "period": [None, period]}, reason="demo")
    _generate(report.pk, pdf=pdf)
    report.refresh_from_db()
    return report


def convert_pdf(actor, report: Report) -> Report:
    """The PDF of a report generated without it (:attr:`Report.pdf_on_download`), converted from its stored Word
    file and stored beside it; audited. Raises :class:`PdfUnavailable` or :class:`meili.slots.Busy`."""
    from meili import slots

    require(actor, Action.READ_REPORT)
    with report.docx.open("rb") as file:
        docx = file.read()
    with slots.slot("report"):
        pdf = docx_to_pdf(docx)
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.pdf:  # another first download stored it meanwhile
            return current
        current.pdf.save(f"{current.pk}-{current.kind}-{current.period}.pdf", ContentFile(pdf), save=False)
        current.save(update_fields=["pdf"])
        log.record(actor, "report.pdf", current, {"pdf": [None, current.pdf.name]}, reason="first download")
    return current


def regenerate(actor, report: Report, *, background: bool = True) -> Report:
    """A new report of the same kind, period and parameters; it records whether the data version is the same."""
    return request_report(
        actor, report.kind, report.period, report.parameters, background=background, regenerated_from=report
    )


#: the phases a generation goes through (stored as source text, shown translated on the page)
PHASES = {
    "data": gettext_noop("汇总数据"),
    "docx": gettext_noop("生成Word文件"),
    "xlsx": gettext_noop("生成Excel文件"),
    "pdf": gettext_noop("转换PDF"),
    "save": gettext_noop("保存文件"),
}


def _step(pk: int, progress: int, phase: str) -> None:
    Report.objects.filter(pk=pk).update(state=State.RUNNING, progress=progress, phase=phase[:80])


def _generate(pk: int, pdf: bool = True) -> None:
    from meili import slots

    try:
        with slots.slot("report"):  # at most MEILI_REPORT_CONCURRENCY generations (and LibreOffices) at once
            _generate_now(pk, pdf)
    except slots.Busy as exc:
        Report.objects.filter(pk=pk).update(state=State.FAILED, error=str(exc), finished_at=timezone.now())


def _generate_now(pk: int, with_pdf: bool = True) -> None:
    report = Report.objects.get(pk=pk)
    try:
        _step(pk, 5, PHASES["data"])
        document = build(report.kind, report.period, report.parameters)
        _step(pk, 30, PHASES["docx"])
        fonts = fontset()
        document.provenance["fonts"] = fonts.as_dict()
        docx = render_docx.render(document, fonts)
        _step(pk, 55, PHASES["xlsx"])
        xlsx = render_xlsx.render(document)
        pdf: bytes | None = None
        if with_pdf:
            _step(pk, 65, PHASES["pdf"])
            pdf = docx_to_pdf(docx)
        else:
            document.provenance["pdf_on_download"] = True
        _step(pk, 95, PHASES["save"])
        stem = f"{report.pk}-{report.kind}-{report.period}"
        report.refresh_from_db()
        report.title = document.title
        report.content = document.to_dict()
        report.provenance = document.provenance
        report.data_version = document.provenance.get("data_version", "")
        report.plan_version = document.provenance.get("plan_version", "")
        report.standards = document.provenance.get("standards", [])
        report.empty = document.empty
        report.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        if pdf is not None:
            report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.state, report.progress, report.phase, report.finished_at = State.DONE, 100, "", timezone.now()
        with transaction.atomic():
            report.save()
            log.record(
                report.created_by,
                "report.generate",
                report,
                {"data_version": [None, report.data_version], "state": [None, report.state]},
            )
    except Exception as exc:
        with transaction.atomic():
            Report.objects.filter(pk=pk).update(state=State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
            report.refresh_from_db()
            log.record(report.created_by, "report.fail", report, {"state": [None, State.FAILED]}, reason=str(exc)[:500])
        if not isinstance(exc, (ValidationError, LookupError, PdfUnavailable)):
            raise
