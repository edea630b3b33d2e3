"""Complaint cases, their history, supervision, extensions, notifications; the rectification ledger.

The reporter's identity lives in its own table (:class:`Reporter`) so that nothing that serialises a
case — pages, exports, the API — can carry it by accident; only
:func:`meili.governance.services.reporter_for` hands it out, after the permission check.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit


class HolidayOverride(models.Model):
    """A holiday or make-up workday entered by the administrator; wins over the package calendar."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("休息日（节假日）")
        WORKDAY = "workday", _("工作日（调休上班）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("说明"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class Kind(models.TextChoices):
    AIR = "air", _("大气")
    WATER = "water", _("水")
    NOISE = "noise", _("噪声")
    SOLID_WASTE = "solid_waste", _("固体废物")
    SOIL = "soil", _("土壤")
    ECOLOGY = "ecology", _("生态破坏")
    RADIATION = "radiation", _("辐射")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    WEB = "web", _("网上举报")
    PHONE = "phone", _("12369电话")
    LETTER = "letter", _("来信来访")
    TRANSFER_12345 = "12345", _("12345转办")
    INSPECTION = "inspection", _("督察组转办")
    OTHER = "other", _("其他")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    ASSIGNED = "assigned", _("已转办")
    INVESTIGATING = "investigating", _("核查中")
    REPORTED = "reported", _("已反馈")
    CLOSED = "closed", _("已办结")
    FOLLOWED_UP = "followed_up", _("已回访")
    REOPENED = "reopened", _("重新办理")
    MERGED = "merged", _("已合并")


#: states in which the case is still being handled (its clocks run)
OPEN_STATES = frozenset(
    {State.SUBMITTED, State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING, State.REPORTED, State.REOPENED}
)


class Verdict(models.TextChoices):
    TRUE = "true", _("属实")
    PARTLY = "partly", _("部分属实")
    FALSE = "false", _("不属实")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    PARTLY = "partly", _("部分解决")
    UNSATISFIED = "unsatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("无法联系（匿名）")


def new_tracking_code() -> str:
    """16 characters from an unambiguous alphabet: about 80 bits, not guessable, easy to read out."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


class Case(models.Model):
    """One complaint or report (信访件/举报件)."""

    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, default=new_tracking_code)
    channel = models.CharField(_("来源渠道"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    kind = models.CharField(_("问题类型"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("问题描述"))
    address = models.CharField(_("地点"), max_length=200, blank=True)
    district = models.ForeignKey(
        OrgUnit, verbose_name=_("所在区市"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    occurred = models.CharField(_("发生时间"), max_length=60, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=True)
    sensitive = models.BooleanField(_("敏感件"), default=False)

    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    accept_due = models.DateField(_("受理期限"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decline_reason = models.TextField(_("不予受理理由"), blank=True)
    finish_due = models.DateField(_("办结期限"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("已延期天数"), default=0)
    assigned_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    assigned_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    unit_due = models.DateField(_("承办单位反馈期限"), null=True, blank=True)
    findings = models.TextField(_("核查情况"), blank=True)
    verdict = models.CharField(_("核查结论"), max_length=8, choices=Verdict.choices, blank=True)
    reported_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    reply = models.TextField(_("答复意见"), blank=True, help_text=_("公开给举报人的答复，通过查询码可见。"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("按期办结"), null=True, blank=True)
    review_until = models.DateField(_("复查申请截止"), null=True, blank=True)
    followup_due = models.DateField(_("回访期限"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    followup_note = models.TextField(_("回访情况"), blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    reopen_count = models.PositiveIntegerField(_("重新办理次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信访举报件")
        verbose_name_plural = _("信访举报件")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def current_due(self) -> dt.date | None:
        """The deadline the bureau is working to now (acceptance, then finishing, then follow-up)."""
        if self.state == State.SUBMITTED:
            return self.accept_due
        if self.state in OPEN_STATES:
            return self.finish_due
        if self.state == State.CLOSED:
            return self.followup_due
        return None

    def unit_current_due(self) -> dt.date | None:
        """The assigned unit's deadline while the case is with the unit."""
        if self.state in (State.ASSIGNED, State.INVESTIGATING):
            return self.unit_due
        return None


class Reporter(models.Model):
    """Who reported: kept apart from the case and shown only to authorised officers."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="reporter")
    name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("举报人")
        verbose_name_plural = _("举报人")

    def __str__(self) -> str:
        return f"reporter of case {self.case_id}"


class CaseEvent(models.Model):
    """One step of a case's history: a transition, a note, a supervision, an extension decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    time = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=16, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["time", "id"]

    EXTRA_LABELS = {
        "submit": _("登记"),
        "supervise": _("督办"),
        "extension_request": _("申请延期"),
        "extension_approved": _("批准延期"),
        "extension_rejected": _("不批准延期"),
    }

    @property
    def label(self) -> str:
        from meili.governance.workflow import TRANSITIONS

        if self.action in TRANSITIONS:
            return TRANSITIONS[self.action].label
        return self.EXTRA_LABELS.get(self.action, self.action)

    @property
    def to_state_label(self) -> str:
        return State(self.to_state).label if self.to_state in State.values else self.to_state


def attachment_path(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"governance/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{suffix}"


class Attachment(models.Model):
    """A photo or document of a case (from the reporter, the unit or the officer)."""

    class Stage(models.TextChoices):
        SUBMISSION = "submission", _("举报材料")
        FINDINGS = "findings", _("核查证据")
        RESULT = "result", _("办理材料")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    stage = models.CharField(_("环节"), max_length=12, choices=Stage.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Supervision(models.Model):
    """督办: who pressed whom, when, how, by when, and with what result."""

    class Method(models.TextChoices):
        PHONE = "phone", _("电话督办")
        WRITTEN = "written", _("书面督办")
        ONSITE = "onsite", _("现场督办")
        INTERVIEW = "interview", _("约谈")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions")
    time = models.DateTimeField(_("督办时间"), default=timezone.now)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("被督办单位"), on_delete=models.PROTECT, related_name="+")
    person = models.CharField(_("被督办人"), max_length=60, blank=True)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    requirement = models.TextField(_("督办要求"))
    due = models.DateField(_("要求完成时间"), null=True, blank=True)
    result = models.TextField(_("督办结果"), blank=True)
    result_at = models.DateTimeField(_("结果记录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["time", "id"]


class Extension(models.Model):
    """A request to extend a case's finishing deadline, decided by a leader."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField(_("延期天数"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    old_due = models.DateField(_("原办结期限"), null=True, blank=True)
    new_due = models.DateField(_("新办结期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]


class Notification(models.Model):
    """An in-platform message to one user (the bell)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    time = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(_("去重键"), max_length=80, blank=True, db_index=True)
    read = models.BooleanField(_("已读"), default=False)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-time", "-id"]


# --- rectification ledger (督察反馈问题整改台账) -------------------------------------------------


class LedgerBatch(models.Model):
    """One inspection's feedback list (e.g. 第三轮中央生态环境保护督察反馈问题)."""

    name = models.CharField(_("批次"), max_length=120, unique=True)
    source = models.CharField(_("来源"), max_length=60, blank=True)
    created = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("整改批次")
        verbose_name_plural = _("整改批次")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.name


class LedgerItem(models.Model):
    """One problem to rectify, its responsible unit, measures and deadline, and its closing (销号)."""

    class State(models.TextChoices):
        RECTIFYING = "rectifying", _("整改中")
        APPLIED = "applied", _("申请销号")
        CLOSED = "closed", _("已销号")

    batch = models.ForeignKey(LedgerBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="items")
    seq = models.CharField(_("序号"), max_length=20)
    problem = models.TextField(_("问题"))
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="ledger_items"
    )
    measures = models.TextField(_("整改措施"), blank=True)
    deadline = models.DateField(_("完成时限"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.RECTIFYING, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    applied_at = models.DateTimeField(_("申请销号时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    public_summary = models.TextField(_("公开整改情况"), blank=True)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["batch", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "seq"], name="ledger_item_unique_seq")]

    def __str__(self) -> str:
        return f"{self.batch.name} {self.seq}"


class LedgerUpdate(models.Model):
    """A progress report, a closing application, a verification or a send-back, with evidence."""

    class Kind(models.TextChoices):
        CREATED = "created", _("登记")
        PROGRESS = "progress", _("进展报告")
        APPLY = "apply", _("申请销号")
        VERIFY = "verify", _("验收销号")
        SEND_BACK = "send_back", _("退回整改")

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    time = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("说明"), blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), null=True, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=attachment_path, blank=True)
    evidence_name = models.CharField(_("佐证文件名"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["time", "id"]
