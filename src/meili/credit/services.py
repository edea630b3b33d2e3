"""Credit workflows: records (entered, imported, from cases), the yearly rating, approval by someone other
than the rater, publication, objections and repairs, history per enterprise. Rules: :mod:`meili.standards.credit`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meili import xlsx
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.credit.models import Period, Rating, Request, Violation
from meili.sources.models import Enterprise
from meili.standards import credit as rules
from meili.tabular import ROW, InputError, parse_date, parse_number, read_table, require_columns

IMPORT_COLUMNS = ("统一社会信用代码", "决定书文号", "决定日期", "记分条目")
OPTIONAL_COLUMNS = ("罚款金额(元)", "记分", "违法事实")


def ruleset_of(period: Period) -> rules.RuleSet:
    """The period's rule set with the bureau's configured figures applied; overlapping or gapped bands are refused
    (naming the rule set and bands)."""
    if period.ruleset not in rules.RULE_SETS:
        raise ValidationError(_("未知的评价规则 %(r)s") % {"r": period.ruleset})
    base = rules.RULE_SETS[period.ruleset]
    rule_list = tuple(
        dataclasses.replace(r, points=int(period.points[r.code]), verified=True, note=r.note + _("（本局配置）"))
        if r.code in period.points
        else r
        for r in base.rules
    )
    bands = base.bands
    if period.bands:
        bands = tuple(
            rules.Band(
                b["code"],
                b["name"],
                b.get("colour", b["code"]),
                float(b["low"]),
                None if b.get("high") in (None, "") else float(b["high"]),
                True,
                _("本局配置"),
            )
            for b in period.bands
        )
    ruleset = dataclasses.replace(base, rules=rule_list, bands=bands)
    try:
        rules.validate_bands(ruleset, 1.0 if ruleset.method == "points" else 0.01)
    except rules.RuleError as exc:
        raise ValidationError(str(exc)) from exc
    return ruleset


@transaction.atomic
def configure(user, period: Period, points: dict[str, int] | None = None, bands: list[dict] | None = None) -> Period:
    """Set the bureau's figures for a period (only while it is open); validated before saving."""
    require(user, Action.MANAGE_CREDIT)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.OPEN:
        raise ValidationError(_("该年度评价已报审，不能修改规则配置。"))
    before = {"points": period.points, "bands": period.bands}
    base = rules.RULE_SETS[period.ruleset]
    known = {r.code for r in base.rules}
    for code in points or {}:
        if code not in known:
            raise ValidationError(_("记分标准中没有条目 %(c)s") % {"c": code})
    if points is not None:
        period.points = {k: int(v) for k, v in points.items()}
    if bands is not None:
        period.bands = bands
    ruleset_of(period)
    period.save()
    log.record(
        user,
        "credit.period.configure",
        period,
        changes=log.diff(before, {"points": period.points, "bands": period.bands}),
    )
    return period


def _points(ruleset: rules.RuleSet, violation: Violation) -> int:
    try:
        return rules.points_of(ruleset, _as_rule_violation(violation))
    except rules.RuleError as exc:
        raise ValidationError(f"{violation.decision_no}：{exc}") from exc


def _as_rule_violation(v: Violation) -> rules.Violation:
    return rules.Violation(v.rule, v.decided, v.written_off, v.points)


def _period_for(day: dt.date) -> Period:
    return Period.objects.get_or_create(year=day.year)[0]


@transaction.atomic
def add_violation(
    user,
    enterprise: Enterprise,
    *,
    rule: str,
    decision_no: str,
    decided: dt.date,
    facts: str = "",
    fine_yuan: Decimal | None = None,
    points: int | None = None,
    source: str = Violation.Source.MANUAL,
    case=None,
    alarm=None,
) -> Violation:
    """Enter one record; its category must be in the rule set and scorable (configured points if 待确认)."""
    require(user, Action.MANAGE_CREDIT)
    period = _period_for(decided)
    if period.state != Period.State.OPEN:
        raise ValidationError(_("%(y)s 年度评价已报审或批准，不能再录入该年度记录。") % {"y": decided.year})
    ruleset = ruleset_of(period)
    try:
        ruleset.rule(rule)
    except KeyError as exc:
        raise ValidationError(str(exc.args[0])) from exc
    if Violation.objects.filter(decision_no=decision_no.strip(), rule=rule).exists():
        raise ValidationError(_("决定书 %(d)s 的该条目已登记。") % {"d": decision_no})
    violation = Violation(
        enterprise=enterprise,
        rule=rule,
        decision_no=decision_no.strip(),
        decided=decided,
        facts=facts,
        fine_yuan=fine_yuan,
        points=points,
        source=source,
        case=case,
        alarm=alarm,
        created_by=user,
    )
    _points(ruleset, violation)
    violation.save()
    log.record(user, "credit.violation.add", violation, changes={"rule": [None, rule], "decided": [None, decided]})
    return violation


#: the "决定书文号" of a record made from an online alarm (not translated: it is the record's key)
ALARM_NUMBER = "ALARM-{pk}"


@transaction.atomic
def record_alarm(user, alarm) -> Violation | None:
    """The credit record of a confirmed exceedance alarm (:func:`meili.online.evaluation.acknowledge` calls this in
    its transaction), under the row the year's rule set names for 超标排放 (``exceedance_rule``, 待确认), dated the
    day of confirmation, entered by the officer who confirmed. One record per alarm: calling it again returns the
    record already made. ``None`` for an outage alarm, an alarm of a device without a port, or a rule set that
    scores no records (national 2013)."""
    from meili.online.evaluation import describe
    from meili.online.models import Alarm

    if alarm.kind != Alarm.Kind.EXCEEDANCE or alarm.port_id is None or alarm.acknowledged_at is None:
        return None
    existing = Violation.objects.filter(alarm=alarm).first()
    if existing is not None:
        return existing
    day = timezone.localdate(alarm.acknowledged_at)
    ruleset = ruleset_of(_period_for(day))
    if ruleset.exceedance_rule is None:
        return None
    return add_violation(
        user,
        alarm.port.enterprise,
        rule=ruleset.exceedance_rule,
        decision_no=ALARM_NUMBER.format(pk=alarm.pk),
        decided=day,
        facts=_("在线监控确认超标：%(a)s（排放口 %(p)s）。%(n)s")
        % {"a": describe(alarm), "p": alarm.port, "n": rules.EXCEEDANCE_TO_CONFIRM},
        source=Violation.Source.ALARM,
        alarm=alarm,
    )


def _rule_code(ruleset: rules.RuleSet, text: str) -> str | None:
    text = text.strip()
    for r in ruleset.rules:
        if text in (r.code, r.category):
            return r.code
    return None


@transaction.atomic
def import_violations(user, path: str | Path) -> dict:
    """Import records from Excel/CSV (columns 统一社会信用代码, 决定书文号, 决定日期, 记分条目 [code or category
    name], optional 罚款金额(元), 记分, 违法事实). All or nothing; a row already stored (same 决定书文号 and 条目)
    is left as it is, so importing the same file twice adds nothing."""
    require(user, Action.MANAGE_CREDIT)
    frame = read_table(path)
    require_columns(frame, path, IMPORT_COLUMNS)
    frame = parse_date(frame, path, "决定日期")
    for column in ("罚款金额(元)", "记分"):
        if column in frame.columns:
            frame = parse_number(frame, path, column)
    codes = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=frame["统一社会信用代码"].str.strip_chars().to_list())
    }
    added = unchanged = 0
    for row in frame.iter_rows(named=True):
        r = row[ROW]
        enterprise = codes.get((row["统一社会信用代码"] or "").strip())
        if enterprise is None:
            raise InputError(
                path,
                _("企业登记中没有统一社会信用代码 %(c)s") % {"c": row["统一社会信用代码"]},
                row=r,
                column="统一社会信用代码",
            )
        period = _period_for(row["决定日期"])
        try:
            ruleset = ruleset_of(period)
        except ValidationError as exc:
            raise InputError(path, exc.messages[0], row=r, column="决定日期") from exc
        code = _rule_code(ruleset, row["记分条目"] or "")
        if code is None:
            raise InputError(
                path,
                _("记分标准 %(s)s 中没有条目“%(v)s”") % {"s": ruleset.code, "v": row["记分条目"]},
                row=r,
                column="记分条目",
            )
        number = (row["决定书文号"] or "").strip()
        if not number:
            raise InputError(path, _("决定书文号不能为空"), row=r, column="决定书文号")
        if Violation.objects.filter(decision_no=number, rule=code).exists():
            unchanged += 1
            continue
        points = row.get("记分")
        fine = row.get("罚款金额(元)")
        try:
            add_violation(
                user,
                enterprise,
                rule=code,
                decision_no=number,
                decided=row["决定日期"],
                facts=(row.get("违法事实") or "").strip(),
                fine_yuan=None if fine is None else Decimal(str(fine)),
                points=None if points is None else int(points),
                source=Violation.Source.IMPORT,
            )
        except ValidationError as exc:
            raise InputError(path, exc.messages[0], row=r, column="记分条目") from exc
        added += 1
    return {"added": added, "unchanged": unchanged}


def template_bytes() -> bytes:
    book, _sheet = xlsx.workbook("环境违法记录", (*IMPORT_COLUMNS, *OPTIONAL_COLUMNS))
    return xlsx.to_bytes(book)


@transaction.atomic
def compute(user, period: Period) -> list[Rating]:
    """Rate every enterprise with a record in the period's year (and keep a green rating for the others already
    rated), storing the total, grade, reasons and triggers (山东 2021 arts. 6–7)."""
    require(user, Action.MANAGE_CREDIT)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.OPEN:
        raise ValidationError(_("该年度评价已报审，不能重新计算。"))
    ruleset = ruleset_of(period)
    if ruleset.method != "points":
        raise ValidationError(_("评分制规则需逐项录入指标得分，不能按违法记录自动计算。"))
    enterprises = Enterprise.objects.filter(credit_violations__decided__year=period.year).distinct()
    ids = set(enterprises.values_list("pk", flat=True)) | set(period.ratings.values_list("enterprise_id", flat=True))
    ratings = []
    for enterprise in Enterprise.objects.filter(pk__in=ids):
        records = [_as_rule_violation(v) for v in enterprise.credit_violations.filter(decided__year=period.year)]
        try:
            result = rules.rate_points(ruleset, records, period.year)
        except rules.RuleError as exc:
            raise ValidationError(f"{enterprise.name}：{exc}") from exc
        rating, _created = Rating.objects.update_or_create(
            period=period,
            enterprise=enterprise,
            defaults={
                "total": result.total,
                "grade": result.band.code,
                "grade_name": result.band.name,
                "colour": result.band.colour,
                "reasons": list(result.reasons),
                "triggers": rules.triggers(result.band.code),
                "computed_at": timezone.now(),
            },
        )
        ratings.append(rating)
    period.computed_at, period.computed_by = timezone.now(), user
    period.save()
    log.record(user, "credit.period.compute", period, changes={"ratings": [None, len(ratings)]})
    return ratings


@transaction.atomic
def submit(user, period: Period) -> Period:
    require(user, Action.MANAGE_CREDIT)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.OPEN or period.computed_by_id is None:
        raise ValidationError(_("请先计算评价结果再报审。"))
    if Request.objects.filter(violation__decided__year=period.year, state=Request.State.OPEN).exists():
        raise ValidationError(_("尚有未处理的异议或修复申请，请处理后再报审。"))
    period.state = Period.State.SUBMITTED
    period.save()
    log.record(user, "credit.period.submit", period, changes={"state": ["open", "submitted"]})
    return period


@transaction.atomic
def decide(user, period: Period, approve: bool, note: str = "") -> Period:
    """Approve the yearly result or return it. The approver may not be the one who computed it."""
    require(user, Action.APPROVE_RESULT)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.SUBMITTED:
        raise ValidationError(_("只有待审批的评价结果可以审批。"))
    if period.computed_by_id == user.pk or log.acted(user, period, ("credit.period.compute", "credit.period.submit")):
        raise PermissionDenied(_("评价人不能审批自己的评价结果。"))
    if Violation.objects.filter(decided__year=period.year, created_by=user).exists():
        raise PermissionDenied(_("录入或确认了本年度违法记录的人不能审批该年度评价结果。"))
    if approve:
        period.state, period.approved_by, period.approved_at = Period.State.APPROVED, user, timezone.now()
    else:
        if not note.strip():
            raise ValidationError(_("退回须说明理由。"))
        period.state = Period.State.OPEN
    period.save()
    log.record(user, "credit.period.decide", period, changes={"state": ["submitted", period.state]}, reason=note)
    return period


@transaction.atomic
def publish(user, period: Period) -> Period:
    """Publish an approved result: the ratings appear on the public list, each record's publication date is set."""
    require(user, Action.APPROVE_RESULT)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.APPROVED:
        raise ValidationError(_("只有已批准的评价结果可以公开。"))
    period.state, period.published_at = Period.State.PUBLISHED, timezone.now()
    period.save()
    Violation.objects.filter(decided__year=period.year, published__isnull=True).update(published=timezone.localdate())
    log.record(user, "credit.period.publish", period, changes={"state": ["approved", "published"]})
    return period


def public_list(year: int | None = None):
    """Ratings of published periods (newest first), for the public pages."""
    ratings = Rating.objects.filter(period__state=Period.State.PUBLISHED).select_related("enterprise", "period")
    if year is not None:
        ratings = ratings.filter(period__year=year)
    return ratings.order_by("-period__year", "enterprise__name")


def public_violations(today: dt.date | None = None):
    """Records still shown to the public: published, and not archived (1 year / 3 years, rectified and written off)."""
    today = today or timezone.localdate()
    out = []
    for v in Violation.objects.filter(published__isnull=False).select_related("enterprise"):
        ruleset = rules.RULE_SETS.get(_period_for(v.decided).ruleset, rules.SHANDONG_2021)
        check = rules.repair_check(
            ruleset,
            serious=_serious(ruleset, v),
            published=v.published,
            rectified=v.rectified,
            written_off=v.written_off,
            today=today,
        )
        if not check.may_archive:
            out.append((v, check))
    return out


def _serious(ruleset: rules.RuleSet, v: Violation) -> bool:
    try:
        return ruleset.rule(v.rule).serious
    except KeyError:
        return False


@transaction.atomic
def file_request(user, violation: Violation, kind: str, text: str) -> Request:
    """Register an enterprise's objection or repair application (entered by the bureau on its behalf)."""
    require(user, Action.MANAGE_CREDIT)
    if not text.strip():
        raise ValidationError(_("请填写申请内容。"))
    if violation.requests.filter(kind=kind, state=Request.State.OPEN).exists():
        raise ValidationError(_("该记录已有待处理的同类申请。"))
    if kind == Request.Kind.REPAIR and not violation.rectified:
        raise ValidationError(_("违法行为尚未整改完成，不能申请信用修复。"))
    request = Request.objects.create(kind=kind, violation=violation, text=text.strip(), submitted_by=user)
    log.record(user, f"credit.request.{kind}", request, changes={"state": [None, "open"]})
    return request


@transaction.atomic
def decide_request(user, request: Request, accept: bool, decision: str) -> Request:
    """Decide an objection (accepted: the record is withdrawn — its points no longer count) or a repair (accepted:
    the record is written off (核销) and the rating recomputed while the period is open)."""
    require(user, Action.MANAGE_CREDIT)
    request = Request.objects.select_for_update().select_related("violation").get(pk=request.pk)
    if request.state != Request.State.OPEN:
        raise ValidationError(_("该申请已处理。"))
    if request.submitted_by_id == user.pk:
        raise PermissionDenied(_("登记人不能处理自己登记的申请。"))
    if not decision.strip():
        raise ValidationError(_("请填写处理意见。"))
    violation = request.violation
    if accept:
        if request.kind == Request.Kind.REPAIR:
            period = _period_for(violation.decided)
            ruleset = rules.RULE_SETS[period.ruleset]
            check = rules.repair_check(
                ruleset,
                serious=_serious(ruleset, violation),
                published=violation.published or timezone.localdate(),
                rectified=violation.rectified,
                written_off=True,
                today=timezone.localdate(),
            )
            if not check.may_repair:
                raise ValidationError(" ".join(check.reasons))
        violation.written_off, violation.written_off_at = True, timezone.now()
        violation.save()
        log.record(
            user, "credit.violation.write_off", violation, changes={"written_off": [False, True]}, reason=decision
        )
    request.state = Request.State.ACCEPTED if accept else Request.State.REJECTED
    request.decided_by, request.decided_at, request.decision = user, timezone.now(), decision.strip()
    request.save()
    log.record(
        user, f"credit.request.{request.state}", request, changes={"state": ["open", request.state]}, reason=decision
    )
    return request


@transaction.atomic
def mark_rectified(user, violation: Violation, note: str) -> Violation:
    require(user, Action.MANAGE_CREDIT)
    if violation.rectified:
        return violation
    violation.rectified = True
    violation.save(update_fields=["rectified"])
    log.record(user, "credit.violation.rectified", violation, changes={"rectified": [False, True]}, reason=note)
    return violation


def history(enterprise: Enterprise) -> dict:
    """Every rating and record of an enterprise, newest first."""
    return {
        "ratings": list(enterprise.credit_ratings.select_related("period").order_by("-period__year")),
        "violations": list(enterprise.credit_violations.order_by("-decided")),
    }


def emergency_grade_allowed(enterprise: Enterprise, year: int) -> tuple[bool, str]:
    """Whether the enterprise's latest rating (the year before *year*) bars it from applying for A, B, 引领性 or
    保障类 in the emergency list ([S19] local rule, 待确认)."""
    rating = enterprise.credit_ratings.filter(period__year=year - 1).first()
    if rating is None:
        return True, _("上一年度无信用评价结果。")
    allowed = bool(rating.triggers.get("may_apply_high_emergency_grade", True))
    return allowed, _("%(y)s 年度信用等级：%(g)s。") % {"y": year - 1, "g": rating.grade_name}
