"""The case workflow in one place: the states, the table of allowed transitions, one service per transition.

Every transition function checks, in this order: the case's current state against :data:`TRANSITIONS`
(:class:`IllegalTransition` otherwise), the actor's permission (``PermissionDenied``), then its own
input (``ValidationError``). It then changes the case, appends a :class:`CaseEvent`, writes an audit
entry and sends the notifications — all in one transaction. It builds on :mod:`meili.governance.services`
(submission, clocks, attachments, notifications); services never imports the workflow.

The table (``TRANSITIONS``), read as a diagram (docs/cases.md has it drawn)::

    待受理   --accept-->    已受理      --assign-->  已转办  --start-->  核查中  --report--> 已反馈
    待受理   --decline-->   不予受理     已转办      --report--> 已反馈   已反馈  --send_back--> 核查中
    待受理/已受理 --merge--> 已合并      已受理/已反馈/重新办理 --close--> 已办结 --follow_up--> 已回访
    不予受理/已办结/已回访 --reopen--> 重新办理 --assign/close--> …
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meili.accounts.permissions import Action, can
from meili.audit import log
from meili.governance import clock
from meili.governance.models import Case, CaseEvent, OrgUnit, Satisfaction, State, Verdict
from meili.governance.services import finish_rule, notify_transition, save_attachments

S = State


class IllegalTransition(Exception):
    """A transition that the workflow does not allow from the case's current state."""

    def __init__(self, case: Case, name: str):
        self.case, self.name = case, name
        super().__init__(f"{name} is not allowed from {case.state}")


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    action: Action
    #: checked against the case's assigned unit (a unit reporter may act only on its own cases)
    scoped: bool = False


def _t(name, label, sources, target, action=Action.HANDLE_CASE, scoped=False):
    return Transition(name, label, frozenset(sources), target, action, scoped)


#: the allowed transitions: name -> (from which states, to which state, who)
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("accept", _("受理"), {S.SUBMITTED}, S.ACCEPTED),
        _t("decline", _("不予受理"), {S.SUBMITTED}, S.DECLINED),
        _t("merge", _("合并重复件"), {S.SUBMITTED, S.ACCEPTED}, S.MERGED),
        _t("assign", _("转办"), {S.ACCEPTED, S.REOPENED}, S.ASSIGNED),
        _t("start", _("签收核查"), {S.ASSIGNED}, S.INVESTIGATING, Action.UPDATE_ASSIGNED_CASE, scoped=True),
        _t(
            "report",
            _("反馈核查情况"),
            {S.ASSIGNED, S.INVESTIGATING},
            S.REPORTED,
            Action.UPDATE_ASSIGNED_CASE,
            scoped=True,
        ),
        _t("send_back", _("退回重办"), {S.REPORTED}, S.INVESTIGATING),
        _t("close", _("办结"), {S.ACCEPTED, S.REPORTED, S.REOPENED}, S.CLOSED),
        _t("follow_up", _("回访"), {S.CLOSED}, S.FOLLOWED_UP),
        _t("reopen", _("重新办理"), {S.DECLINED, S.CLOSED, S.FOLLOWED_UP}, S.REOPENED),
    )
}


def allowed(case: Case, name: str) -> bool:
    """True when transition *name* is allowed from *case*'s current state (whoever asks)."""
    return case.state in TRANSITIONS[name].sources


def permitted(user, case: Case, name: str) -> bool:
    """True when *user* may perform transition *name* on *case* (ignoring the state)."""
    t = TRANSITIONS[name]
    if t.scoped:
        return case.assigned_unit_id is not None and can(user, t.action, case.assigned_unit_id)
    return can(user, t.action)


def available(user, case: Case) -> list[Transition]:
    """The transitions *user* may perform on *case* now (for the buttons of the case page)."""
    return [t for t in TRANSITIONS.values() if allowed(case, t.name) and permitted(user, case, t.name)]


AUDITED = (
    "state",
    "accept_due",
    "finish_due",
    "assigned_unit",
    "unit_due",
    "verdict",
    "closed_on_time",
    "satisfaction",
    "merged_into",
    "decline_reason",
    "reopen_count",
)


#: transitions that review a unit's findings: not by the one who reported them
REVIEWS = ("close", "send_back")


class _Step:
    """Context of one transition: lock, check, then record event + audit + notifications on exit."""

    def __init__(self, user, case: Case, name: str):
        self.user, self.name, self.t = user, name, TRANSITIONS[name]
        self.case = Case.objects.select_for_update().get(pk=case.pk)
        if not allowed(self.case, name):
            raise IllegalTransition(self.case, name)
        if not permitted(user, self.case, name):
            raise PermissionDenied(name)
        if name in REVIEWS and self._reported_by(user):
            raise PermissionDenied(_("不能审核本人提交的核查结果"))
        self.before = log.snapshot(self.case, AUDITED)
        self.from_state = self.case.state
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)

    def _reported_by(self, user) -> bool:
        """Whether *user* submitted the findings now under review (separation of duties)."""
        last = self.case.events.filter(action="report").order_by("-time", "-id").values_list("actor_id", flat=True)
        return last.first() == getattr(user, "pk", None)

    def done(self, note: str = "") -> Case:
        case = self.case
        case.state = self.t.target
        case.save()
        CaseEvent.objects.create(
            case=case,
            time=self.now,
            actor=self.user,
            action=self.name,
            from_state=self.from_state,
            to_state=case.state,
            note=note,
        )
        log.record(
            self.user,
            f"case.{self.name}",
            case,
            changes=log.diff(self.before, log.snapshot(case, AUDITED)),
            reason=note,
        )
        notify_transition(case, self.name, self.user)
        return case


def _required(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def accept(user, case: Case, note: str = "") -> Case:
    """受理: start the finishing clock (``finish``, or ``inspection`` for 督察组转办件) from today."""
    step = _Step(user, case, "accept")
    c = step.case
    c.accepted_at = step.now
    c.finish_due = clock.due(finish_rule(c), step.today)
    return step.done(note)


@transaction.atomic
def decline(user, case: Case, reason: str) -> Case:
    """不予受理, with the reason told to the reporter (e.g. not within environmental jurisdiction)."""
    step = _Step(user, case, "decline")
    step.case.decline_reason = _required(reason, "reason", _("请填写不予受理的理由。"))
    step.case.reply = step.case.decline_reason
    return step.done(step.case.decline_reason)


@transaction.atomic
def merge(user, case: Case, into: Case, note: str = "") -> Case:
    """Merge a duplicate into another open case of the same kind; its reporter follows that case."""
    step = _Step(user, case, "merge")
    into = Case.objects.get(pk=into.pk)
    if into.pk == case.pk or into.state == S.MERGED or into.kind != step.case.kind:
        raise ValidationError({"into": _("只能合并到另一件同类型、未合并的案件。")})
    step.case.merged_into = into
    return step.done(note or f"→ {into.number}")


@transaction.atomic
def assign(user, case: Case, unit: OrgUnit, due: dt.date | None = None, note: str = "") -> Case:
    """转办 to a unit with a deadline for its findings (``unit`` rule, never after the finishing deadline)."""
    step = _Step(user, case, "assign")
    c = step.case
    if unit is None:
        raise ValidationError({"unit": _("请选择承办单位。")})
    default = clock.due("unit", step.today)
    if c.finish_due and default > c.finish_due:
        default = c.finish_due
    due = due or default
    if due < step.today:
        raise ValidationError({"due": _("反馈期限不能早于今天。")})
    if c.finish_due and due > c.finish_due:
        raise ValidationError({"due": _("反馈期限不能晚于办结期限 %(due)s。") % {"due": c.finish_due}})
    c.assigned_unit, c.assigned_at, c.unit_due = unit, step.now, due
    return step.done(note)


@transaction.atomic
def start(user, case: Case, note: str = "") -> Case:
    """签收: the assigned unit takes the case up."""
    return _Step(user, case, "start").done(note)


@transaction.atomic
def report(user, case: Case, findings: str, verdict: str, files=()) -> Case:
    """The assigned unit's findings (核查情况), verdict and evidence."""
    step = _Step(user, case, "report")
    c = step.case
    c.findings = _required(findings, "findings", _("请填写核查情况。"))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("请选择核查结论。")})
    c.verdict, c.reported_at = verdict, step.now

    save_attachments(c, files, "findings", user)
    return step.done(c.findings)


@transaction.atomic
def send_back(user, case: Case, reason: str) -> Case:
    """退回重办: the findings are not enough; the unit investigates again (same deadline)."""
    step = _Step(user, case, "send_back")
    return step.done(_required(reason, "reason", _("请填写退回理由。")))


@transaction.atomic
def close(user, case: Case, result: str, reply: str, files=()) -> Case:
    """办结: the result, and the reply the reporter sees with the tracking code."""
    step = _Step(user, case, "close")
    c = step.case
    c.result = _required(result, "result", _("请填写办理结果。"))
    c.reply = _required(reply, "reply", _("请填写给举报人的答复。"))
    c.closed_at = step.now
    c.closed_on_time = c.finish_due is None or step.today <= c.finish_due
    c.review_until = clock.due("review_request", step.today)
    c.followup_due = clock.due("followup", step.today)

    save_attachments(c, files, "result", user)
    return step.done(c.result)


@transaction.atomic
def follow_up(user, case: Case, satisfaction: str, note: str = "") -> Case:
    """回访: satisfaction (满意/基本满意/部分解决/不满意) and what the reporter said."""
    step = _Step(user, case, "follow_up")
    c = step.case
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度。")})
    c.satisfaction, c.followup_note, c.followed_up_at = satisfaction, (note or "").strip(), step.now
    return step.done(c.followup_note)


@transaction.atomic
def reopen(user, case: Case, reason: str) -> Case:
    """重新办理 (not fixed after all, or 复查): a new finishing clock from today."""
    step = _Step(user, case, "reopen")
    c = step.case
    reason = _required(reason, "reason", _("请填写重新办理的理由。"))
    c.reopen_count += 1
    c.finish_due = clock.due(finish_rule(c), step.today)
    c.closed_at = c.closed_on_time = c.review_until = c.followup_due = None
    c.unit_due = None
    if not c.accepted_at:
        c.accepted_at = step.now
    return step.done(reason)


#: the transition functions by name (the views and the API call through this)
FUNCTIONS = {
    "accept": accept,
    "decline": decline,
    "merge": merge,
    "assign": assign,
    "start": start,
    "report": report,
    "send_back": send_back,
    "close": close,
    "follow_up": follow_up,
    "reopen": reopen,
}
