"""Everything about cases that is not a state transition: submission, identity, duplicates,
supervision (督办), extensions, notifications, due lists, statistics."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit, Role, User
from meili.accounts.permissions import Action, can, require
from meili.audit import log
from meili.governance import clock, conf
from meili.governance.models import (
    OPEN_STATES,
    Attachment,
    Case,
    CaseEvent,
    Channel,
    Extension,
    Notification,
    Reporter,
    State,
    Supervision,
)
from meili.plans.model import localized

# --- visibility and identity -----------------------------------------------------------------------


def may_view_cases(user) -> bool:
    return can(user, Action.HANDLE_CASE) or can(user, Action.APPROVE_CASE_EXTENSION)


def visible_cases(user) -> QuerySet[Case]:
    """The cases *user* may read: all for officers and leaders, its own unit's for a unit reporter."""
    if may_view_cases(user):
        return Case.objects.all()
    if (
        user.is_authenticated
        and user.role == Role.REPORTER
        and user.unit_id
        and can(user, Action.UPDATE_ASSIGNED_CASE, user.unit_id)
    ):
        return Case.objects.filter(assigned_unit_id__in=user.unit.subtree_ids())
    return Case.objects.none()


def get_visible_case(user, pk: int) -> Case:
    case = visible_cases(user).filter(pk=pk).select_related("assigned_unit", "district").first()
    if case is None:
        raise PermissionDenied("case")
    return case


def may_see_identity(user, case: Case) -> bool:
    """Only officers with the identity permission, and never anyone in the unit complained about.

    That unit is the one the case is assigned to, and — before and after assignment — the district
    where the problem is: its officers are never told who reported it.
    """
    if not (user.is_authenticated and user.may_see_reporter_identity and can(user, Action.HANDLE_CASE)):
        return False
    if user.unit_id:
        mine = user.unit.subtree_ids()
        if case.assigned_unit_id in mine or case.district_id in mine:
            return False
    return True


def reporter_for(user, case: Case) -> Reporter | None:
    """The reporter's identity for *user*, or ``None`` when *user* may not see it (or there is none).

    Each disclosure is written to the audit trail.
    """
    if not may_see_identity(user, case):
        return None
    with transaction.atomic():
        reporter = Reporter.objects.filter(case=case).first()
        if reporter is not None:
            log.record(user, "case.view_identity", case)
    return reporter


# --- submission ------------------------------------------------------------------------------------

SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
EXTENSIONS = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def check_upload(upload) -> str:
    """The content type of an uploaded photo or document; ``ValidationError`` for a wrong type or size."""
    name = upload.name or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in EXTENSIONS:
        raise ValidationError(_("%(name)s：只接受 JPG、PNG 照片或 PDF 文件。") % {"name": name})
    limit = conf.get("upload_max_bytes")
    if upload.size > limit:
        raise ValidationError(_("%(name)s：文件超过 %(mb)s MB。") % {"name": name, "mb": limit // (1024 * 1024)})
    if upload.size == 0:
        raise ValidationError(_("%(name)s：文件是空的。") % {"name": name})
    content_type = EXTENSIONS[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[content_type]):
        raise ValidationError(_("%(name)s：文件内容与扩展名不符。") % {"name": name})
    return content_type


def check_uploads(files) -> list[tuple[object, str]]:
    files = [f for f in files if f]
    if len(files) > conf.get("upload_max_files"):
        raise ValidationError(_("最多上传 %(n)s 个文件。") % {"n": conf.get("upload_max_files")})
    return [(f, check_upload(f)) for f in files]


def save_attachments(case: Case, files, stage: str, user=None) -> list[Attachment]:
    out = []
    for upload, content_type in check_uploads(files):
        out.append(
            Attachment.objects.create(
                case=case,
                stage=stage,
                file=upload,
                original_name=(upload.name or "")[:200],
                content_type=content_type,
                size=upload.size,
                uploaded_by=user if getattr(user, "pk", None) else None,
            )
        )
    return out


def finish_rule(case: Case) -> str:
    """The clock rule of a case's finishing deadline: ``inspection`` for inspection transfers, else ``finish``."""
    return "inspection" if case.channel == Channel.INSPECTION else "finish"


def next_number(today: dt.date) -> str:
    prefix = f"JB{today:%Y%m%d}"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


@transaction.atomic
def submit(
    *,
    kind: str,
    description: str,
    address: str = "",
    district: OrgUnit | None = None,
    latitude=None,
    longitude=None,
    occurred: str = "",
    name: str = "",
    phone: str = "",
    email: str = "",
    anonymous: bool = True,
    files=(),
    channel: str = Channel.WEB,
    user=None,
    submitted_at: dt.datetime | None = None,
    sensitive: bool = False,
) -> Case:
    """Register a case (from the public form, or entered by an officer for a phone call or letter)."""
    if user is not None or channel != Channel.WEB or sensitive:
        require(user, Action.HANDLE_CASE)
    if not (description or "").strip():
        raise ValidationError({"description": _("请描述问题。")})
    if not (address or "").strip() and (latitude is None or longitude is None):
        raise ValidationError({"address": _("请填写地点，或在地图上选点。")})
    uploads = check_uploads(files)
    now = submitted_at or timezone.now()
    today = timezone.localdate(now)
    name, phone, email = (name or "").strip(), (phone or "").strip(), (email or "").strip()
    anonymous = anonymous or not (name or phone or email)
    case = Case.objects.create(
        number=next_number(today),
        channel=channel,
        kind=kind,
        description=description.strip(),
        address=(address or "").strip(),
        district=district,
        latitude=latitude,
        longitude=longitude,
        occurred=(occurred or "").strip(),
        anonymous=anonymous,
        submitted_at=now,
        sensitive=sensitive,
        accept_due=clock.due("accept", today),
    )
    if not anonymous:
        Reporter.objects.create(case=case, name=name, phone=phone, email=email)
    for upload, content_type in uploads:
        Attachment.objects.create(
            case=case,
            stage=Attachment.Stage.SUBMISSION,
            file=upload,
            original_name=(upload.name or "")[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=user if getattr(user, "pk", None) else None,
        )
    CaseEvent.objects.create(
        case=case,
        time=now,
        actor=user if getattr(user, "pk", None) else None,
        action="submit",
        to_state=case.state,
        note=case.get_channel_display(),
    )
    log.record(user, "case.submit", case, changes={"state": [None, case.state]})
    officers = User.objects.filter(role=Role.OFFICER, is_active=True)
    notify(
        officers,
        gettext("新的举报件 %(n)s 待受理（期限 %(d)s）") % {"n": case.number, "d": case.accept_due},
        case_url(case),
        key=f"submit:{case.pk}",
    )
    return case


def public_status(code: str) -> Case | None:
    """The case behind a tracking code (following a merge to the case it was merged into)."""
    case = Case.objects.filter(tracking_code=(code or "").strip().upper()).first()
    return case


# --- duplicates ------------------------------------------------------------------------------------


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(a))


def _norm(address: str) -> str:
    return "".join(ch for ch in (address or "") if not ch.isspace() and ch not in "，,。.、-—()（）")


def duplicates_of(case: Case) -> list[Case]:
    """Suggested duplicates: same kind, within the window, at the same place (point radius or address)."""
    window = dt.timedelta(days=conf.get("duplicate_window_days"))
    radius = conf.get("duplicate_radius_m")
    candidates = (
        Case.objects.exclude(pk=case.pk)
        .exclude(state=State.MERGED)
        .filter(
            kind=case.kind, submitted_at__gte=case.submitted_at - window, submitted_at__lte=case.submitted_at + window
        )
    )
    out = []
    mine = _norm(case.address)
    for other in candidates:
        near = (
            case.latitude is not None
            and other.latitude is not None
            and distance_m(case.latitude, case.longitude, other.latitude, other.longitude) <= radius
        )
        theirs = _norm(other.address)
        same_address = bool(mine and theirs and (mine in theirs or theirs in mine))
        if near or same_address:
            out.append(other)
    return out


# --- supervision and extensions ------------------------------------------------------------------


@transaction.atomic
def supervise(
    user, case: Case, *, unit: OrgUnit, method: str, requirement: str, person: str = "", due: dt.date | None = None
) -> Supervision:
    """督办: record who pressed whom, how and by when."""
    require(user, Action.HANDLE_CASE)
    if case.state not in OPEN_STATES:
        raise ValidationError(_("只能督办尚未办结的案件。"))
    if not (requirement or "").strip():
        raise ValidationError({"requirement": _("请填写督办要求。")})
    if method not in Supervision.Method.values:
        raise ValidationError({"method": _("请选择督办方式。")})
    s = Supervision.objects.create(
        case=case,
        supervisor=user,
        unit=unit,
        person=(person or "").strip(),
        method=method,
        requirement=requirement.strip(),
        due=due,
    )
    CaseEvent.objects.create(case=case, actor=user, action="supervise", note=f"{unit}：{requirement.strip()}")
    log.record(user, "case.supervise", case, changes={"supervision": [None, s.pk]}, reason=requirement.strip())
    notify(
        unit_users(unit),
        gettext("%(n)s 被督办：%(r)s") % {"n": case.number, "r": requirement.strip()[:100]},
        case_url(case),
        key=f"supervise:{s.pk}",
    )
    return s


@transaction.atomic
def supervision_result(user, supervision: Supervision, result: str) -> Supervision:
    require(user, Action.HANDLE_CASE)
    if not (result or "").strip():
        raise ValidationError({"result": _("请填写督办结果。")})
    old = supervision.result
    supervision.result, supervision.result_at = result.strip(), timezone.now()
    supervision.save()
    log.record(
        user, "case.supervision_result", supervision.case, changes={"supervision_result": [old, supervision.result]}
    )
    return supervision


@transaction.atomic
def request_extension(user, case: Case, days: int, reason: str) -> Extension:
    """Ask to extend the finishing deadline; total extensions may not exceed the rule (30 days)."""
    require(user, Action.HANDLE_CASE)
    if case.state not in OPEN_STATES or case.state == State.SUBMITTED or case.finish_due is None:
        raise ValidationError(_("只有已受理、尚未办结的案件可以申请延期。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写延期理由。")})
    pending = sum(e.days for e in case.extensions.filter(status=Extension.Status.PENDING))
    limit = conf.get("extension_max_days")
    if days < 1 or case.extension_days + pending + days > limit:
        raise ValidationError(
            {
                "days": _("延期累计不得超过 %(n)s 日（已延期 %(done)s 日，待审批 %(p)s 日）。")
                % {"n": limit, "done": case.extension_days, "p": pending}
            }
        )
    ext = Extension.objects.create(case=case, days=days, reason=reason.strip(), requested_by=user)
    CaseEvent.objects.create(case=case, actor=user, action="extension_request", note=f"+{days}: {reason.strip()}")
    log.record(user, "case.extension_request", case, changes={"extension": [None, days]}, reason=reason.strip())
    approvers = [
        u
        for u in User.objects.filter(is_active=True, role__in=[Role.LEADER, Role.ADMIN])
        if can(u, Action.APPROVE_CASE_EXTENSION)
    ]
    notify(
        approvers,
        gettext("%(n)s 申请延期 %(d)s 日，待审批") % {"n": case.number, "d": days},
        reverse("governance:extensions"),
        key=f"extension:{ext.pk}",
    )
    return ext


@transaction.atomic
def decide_extension(user, extension: Extension, approve: bool, note: str = "") -> Extension:
    """Approve (the finishing deadline moves by the days, counted as the rule counts) or reject."""
    require(user, Action.APPROVE_CASE_EXTENSION)
    ext = Extension.objects.select_for_update().get(pk=extension.pk)
    if ext.status != Extension.Status.PENDING:
        raise ValidationError(_("该申请已审批。"))
    if ext.requested_by_id == user.pk:
        raise PermissionDenied("own extension")
    case = Case.objects.select_for_update().get(pk=ext.case_id)
    ext.decided_by, ext.decided_at, ext.decision_note = user, timezone.now(), (note or "").strip()
    if approve:
        if case.state not in OPEN_STATES or case.finish_due is None:
            raise ValidationError(_("案件已不在办理中，无法延期。"))
        working = clock.rule(finish_rule(case))[1]
        ext.old_due = case.finish_due
        ext.new_due = clock.Calendar().add(case.finish_due, ext.days, working)
        case.finish_due = ext.new_due
        case.extension_days += ext.days
        case.save()
        ext.status = Extension.Status.APPROVED
    else:
        ext.status = Extension.Status.REJECTED
    ext.save()
    CaseEvent.objects.create(
        case=case, actor=user, action=f"extension_{ext.status}", note=f"+{ext.days} {ext.decision_note}".strip()
    )
    log.record(
        user,
        f"case.extension_{ext.status}",
        case,
        changes={"finish_due": [ext.old_due, ext.new_due]} if approve else {},
        reason=ext.decision_note,
    )
    if ext.requested_by:
        notify(
            [ext.requested_by],
            gettext("%(n)s 的延期申请%(s)s") % {"n": case.number, "s": ext.get_status_display()},
            case_url(case),
            key=f"extension-decided:{ext.pk}",
        )
    return ext


# --- notifications ---------------------------------------------------------------------------------


def case_url(case: Case) -> str:
    return reverse("governance:case", args=[case.pk])


def unit_users(unit: OrgUnit | None) -> QuerySet[User]:
    if unit is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, unit=unit, role=Role.REPORTER)


def notify(users, text: str, url: str = "", key: str = "") -> int:
    """One in-platform message per user (once per *key*), and an e-mail when SMTP is configured."""
    sent = 0
    recipients = []
    for user in users:
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        Notification.objects.create(user=user, text=str(text)[:300], url=url, key=key)
        sent += 1
        if user.email:
            recipients.append(user.email)
    if recipients and settings.EMAIL_HOST:
        subject = f"[{settings.PLATFORM_NAME}] {str(text)[:60]}"
        body = f"{text}\n\n{url}"
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))
    return sent


def notify_transition(case: Case, name: str, actor) -> None:
    url = case_url(case)
    if name == "assign":
        notify(
            unit_users(case.assigned_unit),
            gettext("%(n)s 已转办给本单位，请于 %(d)s 前反馈核查情况") % {"n": case.number, "d": case.unit_due},
            url,
            key=f"assign:{case.pk}:{case.unit_due}",
        )
    elif name == "report":
        officers = [
            e.actor
            for e in case.events.filter(action__in=["assign", "accept"]).select_related("actor")
            if e.actor is not None
        ]
        notify(
            set(officers) or User.objects.filter(role=Role.OFFICER, is_active=True),
            gettext("%(n)s 承办单位已反馈核查情况") % {"n": case.number},
            url,
            key=f"report:{case.pk}:{case.reported_at}",
        )
    elif name == "send_back":
        notify(
            unit_users(case.assigned_unit),
            gettext("%(n)s 被退回重办") % {"n": case.number},
            url,
            key=f"send_back:{case.pk}:{timezone.now():%Y%m%d%H%M%S}",
        )


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read=False).count() if user.is_authenticated else 0


# --- due lists -------------------------------------------------------------------------------------


def due_lists(user=None, today: dt.date | None = None, unit_ids: set[int] | None = None) -> dict:
    """Overdue and due-soon cases by responsible unit (named in the reader's language): the unit while it holds the
    case, else the bureau."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=conf.get("due_soon_days"))
    qs = Case.objects.filter(state__in=OPEN_STATES).select_related("assigned_unit")
    if user is not None:
        qs = qs & visible_cases(user)
    rows = []
    for case in qs:
        bureau_due = case.current_due()
        unit_due = case.unit_current_due()
        for who, due in (("unit", unit_due), ("bureau", bureau_due)):
            if due is None:
                continue
            unit = case.assigned_unit if who == "unit" else None
            if unit_ids is not None and (unit is None or unit.pk not in unit_ids):
                continue
            status = "overdue" if due < today else "soon" if due <= soon else None
            if status:
                rows.append(
                    {"case": case, "unit": unit, "due": due, "status": status, "who": who, "days": (due - today).days}
                )
    by_unit: dict = defaultdict(lambda: {"overdue": [], "soon": []})
    for row in sorted(rows, key=lambda r: r["due"]):
        name = localized(row["unit"], "name", get_language()) if row["unit"] else gettext("市生态环境局（案件办理）")
        by_unit[name][row["status"]].append(row)
    return {"today": today, "soon_until": soon, "rows": rows, "by_unit": dict(by_unit)}


def due_table(lists: dict) -> tuple[list[str], list[list]]:
    """The rows of :func:`due_lists` as a table to download (one row per case and clock)."""
    headers = [
        gettext("责任单位"),
        gettext("案件编号"),
        gettext("状态"),
        gettext("办理期限"),
        gettext("情况"),
        gettext("剩余天数（负数为逾期天数）"),
    ]
    rows = [
        [
            unit,
            row["case"].number,
            row["case"].get_state_display(),
            row["due"].isoformat(),
            gettext("已逾期") if row["status"] == "overdue" else gettext("即将到期"),
            row["days"],
        ]
        for unit, groups in lists["by_unit"].items()
        for status in ("overdue", "soon")
        for row in groups[status]
    ]
    return headers, rows


def notify_due(today: dt.date | None = None) -> int:
    """Daily: tell each unit about its overdue and due-soon cases, and officers about the bureau's."""
    lists = due_lists(today=today)
    sent = 0
    for row in lists["rows"]:
        case = row["case"]
        label = gettext("已逾期") if row["status"] == "overdue" else gettext("即将到期")
        text = gettext("%(n)s %(l)s（期限 %(d)s）") % {"n": case.number, "l": label, "d": row["due"]}
        users = (
            unit_users(row["unit"]) if row["who"] == "unit" else User.objects.filter(role=Role.OFFICER, is_active=True)
        )
        sent += notify(users, text, case_url(case), key=f"due:{case.pk}:{row['who']}:{row['status']}:{lists['today']}")
    return sent


def case_q(text: str) -> Q:
    return Q(number__icontains=text) | Q(description__icontains=text) | Q(address__icontains=text)
