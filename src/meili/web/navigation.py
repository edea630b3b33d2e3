"""The module navigation: each entry is shown when its URL exists and the user may use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from meili.accounts.permissions import Action, may_ever


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    action: Action | None


ENTRIES = (
    Entry(_("首页"), "home", Action.VIEW_INTERNAL),
    Entry(_("目标驾驶舱"), "progress:cockpit", Action.VIEW_INTERNAL),
    Entry(_("指标填报"), "progress:my_values", Action.SUBMIT_VALUE),
    Entry(_("审核"), "progress:review", Action.REVIEW_VALUE),
    Entry(_("环境监测"), "monitoring:air", Action.VIEW_INTERNAL),
    Entry(_("碳排放与碳汇"), "carbon:inventory", Action.VIEW_INTERNAL),
    Entry(_("信访举报"), "governance:cases", Action.HANDLE_CASE),
    Entry(_("整改台账"), "governance:ledger", Action.HANDLE_CASE),
    Entry(_("交办事项"), "governance:unit_tasks", Action.UPDATE_ASSIGNED_CASE),
    Entry(_("延期审批"), "governance:extensions", Action.APPROVE_CASE_EXTENSION),
    Entry(_("报告"), "reports:index", Action.READ_REPORT),
    Entry(_("污染源"), "sources:enterprises", Action.VIEW_SOURCES),
    Entry(_("排污口"), "sources:outfalls", Action.VIEW_SOURCES),
    Entry(_("重污染天气应急"), "emergency:dashboard", Action.VIEW_INTERNAL),
    Entry(_("企业环境信用"), "credit:index", Action.VIEW_INTERNAL),
    Entry(_("在线监控"), "online:alarms", Action.VIEW_SOURCES),
)


def entries_for(user) -> list[dict]:
    """The navigation entries *user* may see, with their URLs."""
    out = []
    for entry in ENTRIES:
        if not may_ever(user, entry.action):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": entry.label, "url": url, "name": entry.url_name})
    return out
