"""Statistics of cases and the ledger (no identity anywhere), and the export rows."""

from __future__ import annotations

import csv
import io

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.cells import append_row, csv_row
from meili.governance.ledger import completion_by_unit
from meili.governance.models import Kind, Satisfaction, State


def case_statistics(cases) -> dict:
    """Counts by kind, district and month; on-time rate; satisfaction; map points."""
    kinds = dict(Kind.choices)
    by_kind = [
        {"name": str(kinds.get(r["kind"], r["kind"])), "value": r["n"]}
        for r in cases.values("kind").annotate(n=Count("id")).order_by("-n")
    ]
    by_district = [
        {"name": r["district__name"] or _("未定位"), "value": r["n"]}
        for r in cases.values("district__name").annotate(n=Count("id")).order_by("-n")
    ]
    by_month = [
        {"month": f"{timezone.localtime(r['m']):%Y-%m}" if r["m"] else "", "value": r["n"]}
        for r in cases.annotate(m=TruncMonth("submitted_at")).values("m").annotate(n=Count("id")).order_by("m")
    ]
    closed = cases.filter(closed_on_time__isnull=False)
    on_time = closed.filter(closed_on_time=True).count()
    accepted = cases.exclude(accepted_at=None).exclude(accept_due=None)
    accepted_on_time = sum(
        1 for a, d in accepted.values_list("accepted_at", "accept_due") if timezone.localdate(a) <= d
    )
    labels = dict(Satisfaction.choices)
    satisfaction = [
        {"name": str(labels[r["satisfaction"]]), "value": r["n"]}
        for r in cases.exclude(satisfaction="").values("satisfaction").annotate(n=Count("id")).order_by("satisfaction")
    ]
    rated = list(cases.exclude(satisfaction__in=["", Satisfaction.UNREACHABLE]).values_list("satisfaction", flat=True))
    satisfied = sum(1 for s in rated if s in (Satisfaction.SATISFIED, Satisfaction.BASICALLY))
    points = [
        {"value": [float(lon), float(lat)], "name": str(kinds.get(k, k))}
        for lat, lon, k in cases.exclude(latitude=None)
        .exclude(longitude=None)
        .values_list("latitude", "longitude", "kind")
    ]
    return {
        "total": cases.count(),
        "open": cases.filter(
            state__in=[
                State.SUBMITTED,
                State.ACCEPTED,
                State.ASSIGNED,
                State.INVESTIGATING,
                State.REPORTED,
                State.REOPENED,
            ]
        ).count(),
        "by_kind": by_kind,
        "by_district": by_district,
        "by_month": by_month,
        "closed": closed.count(),
        "on_time": on_time,
        "on_time_rate": round(100 * on_time / closed.count(), 1) if closed.count() else None,
        "accepted": accepted.count(),
        "accept_on_time_rate": round(100 * accepted_on_time / accepted.count(), 1) if accepted.count() else None,
        "satisfaction": satisfaction,
        "satisfaction_rate": round(100 * satisfied / len(rated), 1) if rated else None,
        "points": points,
        "ledger": completion_by_unit(),
    }


#: export columns: (header, function of the case) — the reporter's identity is deliberately absent
EXPORT_COLUMNS = (
    ("案件编号", lambda c: c.number),
    ("来源渠道", lambda c: c.get_channel_display()),
    ("问题类型", lambda c: c.get_kind_display()),
    ("问题描述", lambda c: c.description),
    ("地点", lambda c: c.address),
    ("所在区市", lambda c: c.district.name if c.district else ""),
    ("状态", lambda c: c.get_state_display()),
    ("登记时间", lambda c: f"{timezone.localtime(c.submitted_at):%Y-%m-%d %H:%M}"),
    ("受理期限", lambda c: c.accept_due or ""),
    ("受理时间", lambda c: f"{timezone.localtime(c.accepted_at):%Y-%m-%d %H:%M}" if c.accepted_at else ""),
    ("办结期限", lambda c: c.finish_due or ""),
    ("延期天数", lambda c: c.extension_days),
    ("承办单位", lambda c: c.assigned_unit.name if c.assigned_unit else ""),
    ("转办时间", lambda c: f"{timezone.localtime(c.assigned_at):%Y-%m-%d %H:%M}" if c.assigned_at else ""),
    ("核查结论", lambda c: c.get_verdict_display()),
    ("办结时间", lambda c: f"{timezone.localtime(c.closed_at):%Y-%m-%d %H:%M}" if c.closed_at else ""),
    ("按期办结", lambda c: "" if c.closed_on_time is None else ("是" if c.closed_on_time else "否")),
    ("满意度", lambda c: c.get_satisfaction_display()),
)


def export_rows(cases):
    yield [h for h, _f in EXPORT_COLUMNS]
    for case in cases.select_related("district", "assigned_unit"):
        yield [str(f(case)) if not isinstance(f(case), int) else f(case) for _h, f in EXPORT_COLUMNS]


def export_csv(cases) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in export_rows(cases):
        writer.writerow(csv_row(row))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def export_xlsx(cases) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "信访举报件"
    for row in export_rows(cases):
        append_row(ws, row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
