"""Reminders before deadlines: the daily run that tells each person what falls due (``meili remind``).

Values owed for the reporting year, values returned for correction, cases held by a unit or the bureau and
rectification items: each recipient gets one in-platform message per thing and day (and an e-mail where SMTP
is configured, through :func:`meili.governance.services.notify`), *days* before the deadline and every day
once it has passed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.accounts.models import OrgUnit, Role, User
from meili.governance import services
from meili.governance.models import LedgerItem


def _reporters(unit: OrgUnit):
    return User.objects.filter(is_active=True, role=Role.REPORTER, unit=unit)


def remind_values(today: dt.date, days: int) -> int:
    """Tell each unit's reporters what they still owe when the reporting deadline is *days* away or past,
    and about every value returned to them (once per return)."""
    from meili.web.todo import values_due

    sent = 0
    for unit in OrgUnit.objects.exclude(kind=OrgUnit.Kind.CITY).order_by("code"):
        users = _reporters(unit)
        if not users.exists():
            continue
        try:
            due = values_due(unit, today)
        except LookupError:  # no plan loaded: nothing is owed
            return sent
        url = reverse("progress:my_values") + f"?year={due['year']}"
        left = (due["due"] - today).days
        if due["owed"] and left <= days:
            if left < 0:
                text = _("%(year)s年度尚有 %(n)s 项指标未提交，已超过填报期限 %(d)s") % {
                    "year": due["year"],
                    "n": len(due["owed"]),
                    "d": due["due"],
                }
            else:
                text = _("%(year)s年度尚有 %(n)s 项指标未提交，请于 %(d)s 前完成填报（还有 %(left)s 天）") % {
                    "year": due["year"],
                    "n": len(due["owed"]),
                    "d": due["due"],
                    "left": left,
                }
            sent += services.notify(users, text, url, key=f"values-due:{unit.pk}:{due['year']}:{today}")
        for row in due["returned"]:
            text = _("%(year)s年度指标 %(name)s 的数值被退回：%(reason)s") % {
                "year": row.year,
                "name": next((i.name for i in due["plan"].indicators if i.code == row.indicator_code), ""),
                "reason": row.return_reason,
            }
            stamp = f"{row.reviewed_at:%Y%m%d%H%M%S}" if row.reviewed_at else ""
            sent += services.notify(
                users,
                text,
                reverse("progress:value_edit", args=[row.year, row.indicator_code]),
                key=f"value-returned:{row.pk}:{stamp}",
            )
    return sent


def remind_ledger(today: dt.date, days: int) -> int:
    """Tell the responsible unit's reporters about rectification items due within *days* or overdue."""
    sent = 0
    horizon = today + dt.timedelta(days=days)
    items = (
        LedgerItem.objects.exclude(state=LedgerItem.State.CLOSED)
        .filter(deadline__lte=horizon)
        .select_related("batch", "responsible_unit")
    )
    for item in items:
        if item.deadline < today:
            text = _("整改事项 %(batch)s %(seq)s 已超过完成时限 %(d)s") % {
                "batch": item.batch.name,
                "seq": item.seq,
                "d": item.deadline,
            }
        else:
            text = _("整改事项 %(batch)s %(seq)s 将于 %(d)s 到期（当前进度 %(p)s%%）") % {
                "batch": item.batch.name,
                "seq": item.seq,
                "d": item.deadline,
                "p": item.progress,
            }
        url = reverse("governance:ledger_item", args=[item.pk])
        sent += services.notify(_reporters(item.responsible_unit), text, url, key=f"ledger-due:{item.pk}:{today}")
    return sent


def remind(today: dt.date | None = None, days: int = 7) -> dict[str, int]:
    """The daily reminder run: values, cases (:func:`services.notify_due`) and the ledger; messages sent each."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return {
            "values": remind_values(today, days),
            "cases": services.notify_due(today=today),
            "ledger": remind_ledger(today, days),
        }
