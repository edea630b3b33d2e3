"""Enterprise environmental credit: violation/penalty records, rating periods with their rule set and the
bureau's configured figures, ratings per enterprise, disputes and repairs. Rules: :mod:`meili.standards.credit`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meili.sources.models import Enterprise


class Period(models.Model):
    """One rating year under one rule set. ``points`` and ``bands`` hold the bureau's figures for what the
    rule set leaves 待确认 (e.g. points of larger fines, the 2021 blue/yellow split)."""

    class State(models.TextChoices):
        OPEN = "open", _("评价中")
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已批准")
        PUBLISHED = "published", _("已公开")

    year = models.PositiveSmallIntegerField(_("评价年度"), unique=True)
    ruleset = models.CharField(_("评价规则"), max_length=30, default="shandong-2021")
    points = models.JSONField(_("记分配置"), default=dict, blank=True, help_text=_("条目代码 → 分值"))
    bands = models.JSONField(_("等级区间配置"), default=list, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信用评价年度")
        verbose_name_plural = _("信用评价年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class Violation(models.Model):
    """One administrative penalty or order, scored under the rule set's scoring standard."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("录入")
        IMPORT = "import", _("导入")
        CASE = "case", _("案件")
        ALARM = "alarm", _("在线监控超标报警")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="credit_violations"
    )
    rule = models.CharField(_("记分条目"), max_length=40)
    decision_no = models.CharField(_("决定书文号"), max_length=80)
    decided = models.DateField(_("决定日期"))
    facts = models.TextField(_("违法事实"), blank=True)
    fine_yuan = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    points = models.PositiveSmallIntegerField(_("记分"), null=True, blank=True, help_text=_("留空则按记分标准"))
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    case = models.ForeignKey(
        "governance.Case",
        verbose_name=_("关联案件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    alarm = models.OneToOneField(
        "online.Alarm",
        verbose_name=_("在线监控报警"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_violation",
    )
    published = models.DateField(_("公开日期"), null=True, blank=True)
    rectified = models.BooleanField(_("已整改"), default=False)
    written_off = models.BooleanField(_("已核销"), default=False)
    written_off_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("环境违法记录")
        verbose_name_plural = _("环境违法记录")
        ordering = ["-decided", "id"]
        constraints = [models.UniqueConstraint(fields=["decision_no", "rule"], name="credit_violation_key")]

    def __str__(self) -> str:
        return f"{self.decision_no} {self.rule}"


class Rating(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="ratings")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="credit_ratings")
    total = models.FloatField(_("总分"))
    grade = models.CharField(_("等级"), max_length=12)
    grade_name = models.CharField(_("等级名称"), max_length=40)
    colour = models.CharField(_("颜色"), max_length=12)
    reasons = models.JSONField(_("评价理由"), default=list)
    triggers = models.JSONField(_("监管措施"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        verbose_name = _("信用评价结果")
        verbose_name_plural = _("信用评价结果")
        ordering = ["period", "-total", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["period", "enterprise"], name="credit_rating_key")]

    def __str__(self) -> str:
        return f"{self.period} {self.enterprise} {self.grade_name}"


class Request(models.Model):
    """An objection (异议) to a record or rating, or a repair application (信用修复) for a record."""

    class Kind(models.TextChoices):
        OBJECTION = "objection", _("异议申请")
        REPAIR = "repair", _("信用修复申请")

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        ACCEPTED = "accepted", _("已同意")
        REJECTED = "rejected", _("不予同意")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    violation = models.ForeignKey(
        Violation, verbose_name=_("违法记录"), on_delete=models.CASCADE, related_name="requests"
    )
    text = models.TextField(_("申请内容"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("异议与修复申请")
        verbose_name_plural = _("异议与修复申请")
        ordering = ["-submitted_at"]
