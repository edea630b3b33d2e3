"""The 待办 (work to do) of the home page: what each role has to do now, with counts and deadlines.

Each item says how many things wait, the nearest deadline and where the work is done; the lists are read
from the apps' own queries (values owed, the review queue, failed imports, the cases' clocks, the ledger's
deadlines, the assessed targets), so the home page and the pages it links to always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.accounts.models import Role
from meili.web.templatetags.meili_format import localized_text

#: how many days before a deadline an item is "due soon" (the reminder command uses the same default)
SOON_DAYS = 7


@dataclass
class Todo:
    """One line of the 待办 list: *count* things of one kind, the nearest *due* date, the page to open."""

    label: str
    count: int
    url: str
    due: dt.date | None = None
    tone: str = ""  # "overdue", "soon" or ""
    details: list[str] = field(default_factory=list)


def _tone(due: dt.date | None, today: dt.date, soon_days: int = SOON_DAYS) -> str:
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "soon" if due <= today + dt.timedelta(days=soon_days) else ""


def _nearest(dates: Iterable[dt.date | None]) -> dt.date | None:
    return min((d for d in dates if d is not None), default=None)


def reporting_year(today: dt.date) -> int:
    """The year whose values are being reported: the last full year (its deadline is in the next year)."""
    return today.year - 1


def values_due(unit, today: dt.date) -> dict:
    """What *unit* still owes for the reporting year: indicators without a submitted or approved value,
    the values returned to it and its drafts not yet submitted, with the reporting deadline."""
    from meili.progress.models import IndicatorValue, ValueState
    from meili.progress.plans import current_plan
    from meili.progress.values import due_date, owed_indicators

    plan = current_plan()  # LookupError while no plan is loaded
    year = reporting_year(today)
    rows = {
        v.indicator_code: v
        for v in IndicatorValue.objects.filter(plan_code=plan.code, unit=unit, year=year)
        .exclude(state=ValueState.SUPERSEDED)
        .order_by("id")
    }
    done = {ValueState.SUBMITTED, ValueState.APPROVED}
    owed = [i for i in owed_indicators(plan, unit) if i.code not in rows or rows[i.code].state not in done]
    returned = [v for v in rows.values() if v.state == ValueState.RETURNED]
    drafts = [v for v in rows.values() if v.state == ValueState.DRAFT]
    return {"year": year, "due": due_date(year), "owed": owed, "returned": returned, "drafts": drafts, "plan": plan}


def _reporter(user, today: dt.date) -> list[Todo]:
    items: list[Todo] = []
    if user.unit is None:
        return items
    try:
        due = values_due(user.unit, today)
    except LookupError:  # no plan loaded yet: nothing to report
        due = None
    if due is not None:
        items += _values(due, today)
    items += _unit_cases_and_ledger(user, today)
    return items


def _values(due: dict, today: dt.date) -> list[Todo]:
    items: list[Todo] = []
    values_url = reverse("progress:my_values") + f"?year={due['year']}"
    names = {i.code: localized_text(i, "name") for i in due["plan"].indicators}
    if due["owed"]:
        items.append(
            Todo(
                _("%(year)s年度待填报指标") % {"year": due["year"]},
                len(due["owed"]),
                values_url,
                due["due"],
                _tone(due["due"], today),
                [localized_text(i, "name") for i in due["owed"][:5]],
            )
        )
    if due["returned"]:
        items.append(
            Todo(
                _("被退回待修改的数值"),
                len(due["returned"]),
                values_url,
                due["due"],
                "overdue",
                [
                    _("%(indicator)s：%(reason)s")
                    % {"indicator": names.get(v.indicator_code, v.indicator_code), "reason": v.return_reason}
                    for v in due["returned"][:5]
                ],
            )
        )
    if due["drafts"]:
        items.append(
            Todo(
                _("已保存未提交的草稿"),
                len(due["drafts"]),
                values_url,
                due["due"],
                _tone(due["due"], today),
                [names.get(v.indicator_code, v.indicator_code) for v in due["drafts"][:5]],
            )
        )
    return items


def _unit_cases_and_ledger(user, today: dt.date) -> list[Todo]:
    from meili.governance import ledger, services
    from meili.governance.models import LedgerItem, State

    items: list[Todo] = []
    cases = list(
        services.visible_cases(user)
        .filter(state__in=[State.ASSIGNED, State.INVESTIGATING], assigned_unit_id__in=user.unit.subtree_ids())
        .order_by("unit_due")
    )
    if cases:
        nearest = _nearest(c.unit_current_due() for c in cases)
        items.append(
            Todo(
                _("交办案件待反馈核查情况"),
                len(cases),
                reverse("governance:unit_tasks"),
                nearest,
                _tone(nearest, today, 3),
                [c.number for c in cases[:5]],
            )
        )
    ledger_items = list(
        ledger.visible_items(user)
        .filter(responsible_unit_id__in=user.unit.subtree_ids())
        .exclude(state=LedgerItem.State.CLOSED)
        .order_by("deadline")
    )
    items += _ledger(ledger_items, today)
    return items


def _ledger(ledger_items, today: dt.date) -> list[Todo]:
    from meili.governance import conf

    horizon = today + dt.timedelta(days=conf.get("ledger_risk_days"))
    overdue = [i for i in ledger_items if i.deadline < today]
    soon = [i for i in ledger_items if today <= i.deadline <= horizon]
    out = []
    if overdue:
        out.append(
            Todo(
                _("整改台账已逾期事项"),
                len(overdue),
                reverse("governance:ledger"),
                overdue[0].deadline,
                "overdue",
                [f"{i.batch.name} {i.seq}" for i in overdue[:5]],
            )
        )
    if soon:
        out.append(
            Todo(
                _("整改台账临近时限事项"),
                len(soon),
                reverse("governance:ledger"),
                soon[0].deadline,
                "soon",
                [f"{i.batch.name} {i.seq}" for i in soon[:5]],
            )
        )
    return out


def _analyst(user, today: dt.date) -> list[Todo]:
    from meili.monitoring.models import ImportJob
    from meili.progress.models import IndicatorValue, ValueState

    items = []
    waiting = IndicatorValue.objects.filter(state=ValueState.SUBMITTED).order_by("submitted_at")
    n = waiting.count()
    if n:
        oldest = waiting.first()
        items.append(
            Todo(
                _("待审核的填报数值"),
                n,
                reverse("progress:review"),
                oldest.submitted_at.date() if oldest and oldest.submitted_at else None,
                "",
            )
        )
    since = timezone.now() - dt.timedelta(days=30)
    failed = []
    for job in ImportJob.objects.filter(created__gte=since).order_by("-created"):
        later_done = ImportJob.objects.filter(
            medium=job.medium, created__gt=job.created, state=ImportJob.State.DONE
        ).exists()
        if job.state == ImportJob.State.FAILED and not later_done:
            failed.append(job)
    if failed:
        items.append(
            Todo(
                _("导入失败待处理"),
                len(failed),
                reverse("monitoring:job", args=[failed[0].pk]) if len(failed) == 1 else reverse("monitoring:imports"),
                None,
                "overdue",
                [f"{j.get_medium_display()} {timezone.localtime(j.created):%Y-%m-%d %H:%M}" for j in failed[:5]],
            )
        )
    return items


def _officer(user, today: dt.date) -> list[Todo]:
    from meili.governance import ledger, services
    from meili.governance.models import Case, State

    items = []
    cases = reverse("governance:cases")
    for state, label in (
        (State.SUBMITTED, _("新举报待受理")),
        (State.ACCEPTED, _("已受理待转办或办结")),
        (State.REOPENED, _("重新办理待转办")),
        (State.REPORTED, _("承办单位已反馈待办结答复")),
    ):
        qs = list(Case.objects.filter(state=state))
        if qs:
            nearest = _nearest(c.current_due() for c in qs)
            items.append(
                Todo(
                    label,
                    len(qs),
                    f"{cases}?state={state}",
                    nearest,
                    _tone(nearest, today, 3),
                    [c.number for c in qs[:5]],
                )
            )
    lists = services.due_lists(user, today=today)
    overdue = sorted(
        {r["case"].pk: r for r in lists["rows"] if r["status"] == "overdue"}.values(), key=lambda r: r["due"]
    )
    if overdue:
        items.append(
            Todo(
                _("办理已逾期的案件"),
                len(overdue),
                reverse("governance:due"),
                overdue[0]["due"],
                "overdue",
                [r["case"].number for r in overdue[:5]],
            )
        )
    open_items = list(ledger.visible_items(user).exclude(state="closed").select_related("batch").order_by("deadline"))
    items += _ledger(open_items, today)
    return items


def _leader(user, today: dt.date) -> list[Todo]:
    from meili.progress.assessment import plan_progress
    from meili.progress.plans import current_plan

    year = reporting_year(today)
    try:
        plan = current_plan()
    except LookupError:  # no plan loaded yet: no targets to lag
        return []
    rows = plan_progress(plan, year)
    items = []
    for status, label in (("off_track", _("滞后或倒退的目标")), ("needs_acceleration", _("需加快推进的目标"))):
        lagging = [r for r in rows if r.assessment.status == status]
        if lagging:
            items.append(
                Todo(
                    label,
                    len(lagging),
                    reverse("progress:cockpit") + f"?year={year}&status={status}",
                    None,
                    "overdue" if status == "off_track" else "soon",
                    [localized_text(r.indicator, "name") for r in lagging[:5]],
                )
            )
    return items


def todo_for(user, today: dt.date | None = None) -> list[Todo]:
    """The 待办 of *user* as of *today*: overdue first, then due soon, then the rest by deadline."""
    today = today or timezone.localdate()
    builders = {
        Role.REPORTER: [_reporter],
        Role.ANALYST: [_analyst],
        Role.OFFICER: [_officer],
        Role.LEADER: [_leader],
        Role.ADMIN: [_analyst],
    }.get(user.role, [])
    items = [item for build in builders for item in build(user, today)]
    order = {"overdue": 0, "soon": 1, "": 2}
    return sorted(items, key=lambda t: (order[t.tone], t.due or dt.date.max))


def unread(user) -> int:
    from meili.governance.models import Notification

    return Notification.objects.filter(user=user, read=False).count()
