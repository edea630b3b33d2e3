"""Heavy-pollution weather emergency: forecasts, alerts and their actions, the emission-reduction list
(一厂一策) by year and version, and compliance findings during alerts. The rules live in
:mod:`meili.standards.emergency`; these models hold the state and the stored results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meili.sources.models import Enterprise


class Level(models.TextChoices):
    YELLOW = "yellow", _("黄色")
    ORANGE = "orange", _("橙色")
    RED = "red", _("红色")


class ForecastBatch(models.Model):
    """One imported forecast file for one city: daily AQI for the coming days, as issued on ``issued_at``."""

    city = models.CharField(_("城市"), max_length=40)
    issued_at = models.DateTimeField(_("预报发布时间"))
    source = models.CharField(_("来源文件"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("空气质量预报")
        verbose_name_plural = _("空气质量预报")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["city", "issued_at"], name="emergency_forecast_key")]

    def __str__(self) -> str:
        return f"{self.city} {timezone.localtime(self.issued_at):%Y-%m-%d %H:%M}"


class ForecastDay(models.Model):
    batch = models.ForeignKey(ForecastBatch, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"))
    aqi = models.PositiveIntegerField(_("AQI"))
    primary = models.CharField(_("首要污染物"), max_length=20, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["batch", "date"], name="emergency_forecastday_key")]


class Alert(models.Model):
    """An alert from proposal to lifting. ``level`` is the level in force (or proposed)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("建议")
        ISSUED = "issued", _("已发布")
        LIFTED = "lifted", _("已解除")
        DISMISSED = "dismissed", _("未采纳")

    number = models.CharField(_("预警编号"), max_length=20, unique=True)
    city = models.CharField(_("城市"), max_length=40)
    level = models.CharField(_("预警级别"), max_length=8, choices=Level.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PROPOSED, db_index=True)
    rule_version = models.CharField(_("规则版本"), max_length=30)
    forecast = models.ForeignKey(
        ForecastBatch,
        verbose_name=_("依据预报"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    reasoning = models.TextField(_("研判理由"))
    episode_start = models.DateTimeField(_("预计过程开始"))
    episode_end = models.DateTimeField(_("预计过程结束"))
    proposed_at = models.DateTimeField(_("建议时间"), default=timezone.now)
    issued_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_check = models.TextField(_("提前发布核查"), blank=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lift_check = models.TextField(_("解除条件核查"), blank=True)
    measures = models.TextField(_("应急措施"), blank=True)
    assessment = models.JSONField(_("过程评估"), default=dict, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-episode_start"]

    def __str__(self) -> str:
        return f"{self.number} {self.get_level_display()}"

    @property
    def end(self):
        """When the alert stopped (lifted) or is expected to stop."""
        return self.lifted_at or self.episode_end


class AlertAction(models.Model):
    """Every decision on an alert with its time and officer (the alert calendar: time, action, level)."""

    class Kind(models.TextChoices):
        PROPOSE = "propose", _("提出建议")
        ISSUE = "issue", _("发布")
        UPGRADE = "upgrade", _("升级")
        DOWNGRADE = "downgrade", _("降级")
        LIFT = "lift", _("解除")
        DISMISS = "dismiss", _("不予采纳")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("操作"), max_length=10, choices=Kind.choices)
    time = models.DateTimeField(_("时间"), default=timezone.now)
    level_from = models.CharField(_("原级别"), max_length=8, choices=Level.choices, blank=True)
    level_to = models.CharField(_("新级别"), max_length=8, choices=Level.choices, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["time", "id"]


class ReductionList(models.Model):
    """The city's emission-reduction list for one year, in versions; one approved version per year is in force."""

    class State(models.TextChoices):
        DRAFT = "draft", _("编制中")
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已批准")
        SUPERSEDED = "superseded", _("已替代")

    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    so2_t_per_year = models.FloatField(_("全市SO2排放量（t/a）"), null=True, blank=True)
    nox_t_per_year = models.FloatField(_("全市NOx排放量（t/a）"), null=True, blank=True)
    pm_t_per_year = models.FloatField(_("全市PM排放量（t/a）"), null=True, blank=True)
    vocs_t_per_year = models.FloatField(_("全市VOCs排放量（t/a）"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("应急减排清单")
        verbose_name_plural = _("应急减排清单")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="emergency_list_version")]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"

    def city_totals(self) -> dict[str, float]:
        values = {
            "SO2": self.so2_t_per_year,
            "NOx": self.nox_t_per_year,
            "PM": self.pm_t_per_year,
            "VOCs": self.vocs_t_per_year,
        }
        return {k: v for k, v in values.items() if v}


class Entry(models.Model):
    """One row of the list (一厂一策): an enterprise and industry, or a 扬尘 / mobile-source entry."""

    class Kind(models.TextChoices):
        INDUSTRIAL = "industrial", _("工业源")
        DUST = "dust", _("扬尘源")
        MOBILE = "mobile", _("移动源")

    reduction_list = models.ForeignKey(ReductionList, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.INDUSTRIAL)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_entries",
    )
    name = models.CharField(_("企业或项目名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    district = models.CharField(_("区市"), max_length=40, blank=True)
    industry = models.CharField(_("行业"), max_length=60, blank=True)
    grade = models.CharField(_("绩效等级"), max_length=10, blank=True)
    production_lines = models.TextField(_("生产线及工序"), blank=True)
    baseline = models.JSONField(_("排放基准（t/d）"), default=dict, blank=True)
    measures = models.JSONField(_("各级别减排措施"), default=dict, blank=True)
    reductions = models.JSONField(_("各级别减排量（t/d）"), default=dict, blank=True)
    transport = models.TextField(_("运输管控措施"), blank=True)
    evidence = models.CharField(_("监控手段"), max_length=200, blank=True)
    warnings = models.JSONField(_("核查提示"), default=list, blank=True)

    class Meta:
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")
        ordering = ["reduction_list", "seq"]
        constraints = [models.UniqueConstraint(fields=["reduction_list", "seq"], name="emergency_entry_seq")]

    def __str__(self) -> str:
        return f"{self.seq} {self.name}"


class Finding(models.Model):
    """Whether a listed enterprise cut during an alert, from hourly emission data where it exists."""

    class Verdict(models.TextChoices):
        CUT = "cut", _("已落实减排")
        NOT_CUT = "not_cut", _("未落实减排")
        NO_DATA = "no_data", _("无在线数据")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="findings")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="findings")
    verdict = models.CharField(_("结论"), max_length=8, choices=Verdict.choices)
    hours = models.PositiveIntegerField(_("有数据小时数"), default=0)
    detail = models.JSONField(_("比对明细"), default=dict)
    text = models.TextField(_("说明"))
    checked_at = models.DateTimeField(_("核查时间"), default=timezone.now)
    ledger_item = models.ForeignKey(
        "governance.LedgerItem",
        verbose_name=_("整改台账"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("减排落实核查")
        verbose_name_plural = _("减排落实核查")
        constraints = [models.UniqueConstraint(fields=["alert", "entry"], name="emergency_finding_key")]
