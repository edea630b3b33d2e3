"""Plan versions and the values units report against them.

Values refer to an indicator by plan code and indicator code, not by a row of one plan version: when the
plan file changes, a new version is loaded and every value reported before is still found by its code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit


class PlanVersion(models.Model):
    """One loaded version of a plan file; ``version`` is the content hash, the text is kept."""

    code = models.SlugField(_("规划代码"), max_length=60)
    version = models.CharField(_("版本（内容哈希）"), max_length=64)
    title = models.CharField(_("规划名称"), max_length=200)
    title_en = models.CharField(_("规划英文名称"), max_length=200, blank=True)
    text = models.TextField(_("规划文件内容"))
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    loaded_by = models.CharField(_("载入人"), max_length=150, blank=True)
    is_current = models.BooleanField(_("当前版本"), default=True)

    class Meta:
        verbose_name = _("规划版本")
        verbose_name_plural = _("规划版本")
        unique_together = [("code", "version")]
        ordering = ["code", "-loaded_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version[:8]})"


class ValueState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已更正")


class ManualStatusChoice(models.TextChoices):
    ACHIEVED = "achieved", _("已达成")
    ON_TRACK = "on_track", _("进展顺利")
    NEEDS_ACCELERATION = "needs_acceleration", _("需加快")
    OFF_TRACK = "off_track", _("滞后或倒退")


class IndicatorValue(models.Model):
    """A unit's value of an indicator for a year (or, for milestones, a status with evidence).

    Life: draft → submitted → approved (locked) or returned (with the reason) → … A correction of an
    approved value is a new row pointing at it (``corrects``); when approved, the old row becomes
    ``superseded``. At most one approved row exists per plan, indicator, unit and year.
    """

    plan_code = models.SlugField(_("规划代码"), max_length=60)
    indicator_code = models.CharField(_("指标代码"), max_length=80)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=6, null=True, blank=True)
    manual_status = models.CharField(
        _("进展状态（人工）"), max_length=24, choices=ManualStatusChoice.choices, blank=True
    )
    weight = models.DecimalField(
        _("权重"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("加权平均汇总时使用（如人口、面积）。"),
    )
    note = models.TextField(_("说明/佐证"), blank=True)
    source_document = models.CharField(_("数据来源文件"), max_length=200)
    source_number = models.CharField(_("文号"), max_length=100, blank=True)
    attachment = models.FileField(_("附件"), upload_to="evidence/%Y/", blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=ValueState.choices, default=ValueState.DRAFT)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的原值"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标填报值")
        verbose_name_plural = _("指标填报值")
        ordering = ["plan_code", "indicator_code", "year", "unit_id", "id"]
        indexes = [
            models.Index(fields=["plan_code", "year", "state"]),
            models.Index(fields=["plan_code", "indicator_code", "unit"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_code", "indicator_code", "unit", "year"],
                condition=models.Q(state="approved"),
                name="one_approved_value",
            ),
        ]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else self.get_manual_status_display()
        return f"{self.indicator_code} {self.unit} {self.year}: {shown}"

    @property
    def locked(self) -> bool:
        return self.state in (ValueState.APPROVED, ValueState.SUBMITTED, ValueState.SUPERSEDED)


class SuperiorTarget(models.Model):
    """A target value set for a year by a superior's document (完成省下达的目标任务)."""

    plan_code = models.SlugField(_("规划代码"), max_length=60)
    indicator_code = models.CharField(_("指标代码"), max_length=80)
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=6)
    document = models.CharField(_("下达文件"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("上级下达目标")
        verbose_name_plural = _("上级下达目标")
        unique_together = [("plan_code", "indicator_code", "year")]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.year}: {self.value}"
