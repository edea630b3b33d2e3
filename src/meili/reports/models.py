"""Stored reports: what was asked for, from which data version and standard editions, and the files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PROGRESS = "progress", _("美丽威海建设进程评估")
    AIR_MONTHLY = "air_monthly", _("空气质量月报")
    WATER_MONTHLY = "water_monthly", _("水环境质量月报")
    CARBON_INVENTORY = "carbon_inventory", _("温室气体排放清单报告")


class State(models.TextChoices):
    QUEUED = "queued", _("排队")
    RUNNING = "running", _("生成中")
    DONE = "done", _("完成")
    FAILED = "failed", _("失败")


def report_path(instance: Report, filename: str) -> str:
    return f"reports/{instance.period[:4]}/{filename}"


class Report(models.Model):
    """One generated report. ``content`` is the document as built (every figure with unit and period), so the
    numbers of a stored report never change; ``data_version`` fingerprints the inputs it read, so a
    regeneration tells whether the data has changed since."""

    kind = models.CharField(_("报告类型"), max_length=20, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=7, help_text=_("年度 2025 或月份 2025-10"))
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    phase = models.CharField(_("阶段"), max_length=80, blank=True)
    data_version = models.CharField(_("数据版本"), max_length=64, blank=True)
    plan_version = models.CharField(_("规划版本"), max_length=64, blank=True)
    standards = models.JSONField(_("标准版本"), default=list, blank=True)
    provenance = models.JSONField(_("来源信息"), default=dict, blank=True)
    content = models.JSONField(_("报告内容"), default=dict, blank=True)
    empty = models.BooleanField(_("无数据"), default=False)
    docx = models.FileField(_("Word文件"), upload_to=report_path, blank=True)
    pdf = models.FileField(_("PDF文件"), upload_to=report_path, blank=True)
    xlsx = models.FileField(_("Excel文件"), upload_to=report_path, blank=True)
    regenerated_from = models.ForeignKey(
        "self",
        verbose_name=_("重新生成自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regenerations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "period"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"

    @property
    def finished(self) -> bool:
        return self.state in (State.DONE, State.FAILED)

    @property
    def same_data_as_source(self) -> bool | None:
        """For a regeneration: whether it read the same data version as the report it regenerates."""
        if self.regenerated_from is None or not self.data_version:
            return None
        return self.data_version == self.regenerated_from.data_version

    @property
    def method_label(self) -> str:
        """The progress assessment method by its name for people (empty for other kinds)."""
        from meili.progress.assessment import METHOD_LABELS

        method = (self.parameters or {}).get("method", "")
        return str(METHOD_LABELS.get(method, method))

    @property
    def pdf_on_download(self) -> bool:
        """Generated without its PDF (the demo's report), which is converted when first downloaded."""
        return (
            self.state == State.DONE
            and bool(self.docx)
            and not self.pdf
            and bool((self.provenance or {}).get("pdf_on_download"))
        )

    def files(self) -> list[tuple[str, models.fields.files.FieldFile]]:
        """The files to download: those stored, and the PDF to be converted on download."""
        return [
            (name, getattr(self, name))
            for name in ("docx", "pdf", "xlsx")
            if getattr(self, name) or (name == "pdf" and self.pdf_on_download)
        ]


class RankingSpan(models.TextChoices):
    MONTH = "month", _("当月")
    YEAR_TO_DATE = "ytd", _("1月至当月累计")


class ProvincialRanking(models.Model):
    """A ranking of the province's cities as the province published it for one month or one year-to-date
    (e.g. 山东省生态环境厅's monthly notice of the 16 cities), imported so that the monthly air bulletin can
    cite the city's place. Meili never computes a provincial rank: the rows are the published ones, ties and
    all. Importing the same period and span again replaces the rows (audited)."""

    period = models.CharField(_("月份"), max_length=7, help_text=_("如 2019-08"))
    span = models.CharField(_("统计区间"), max_length=5, choices=RankingSpan.choices, default=RankingSpan.MONTH)
    source = models.CharField(_("来源文件"), max_length=200, help_text=_("发布排名的文件或通报名称"))
    file_name = models.CharField(_("导入文件"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        verbose_name = _("全省城市排名")
        verbose_name_plural = _("全省城市排名")
        ordering = ["-period", "span"]
        constraints = [models.UniqueConstraint(fields=["period", "span"], name="provincial_ranking_once_per_period")]

    def __str__(self) -> str:
        return f"{self.period} {self.get_span_display()}"


class ProvincialRankingRow(models.Model):
    """One city's row of a published provincial ranking, as printed."""

    ranking = models.ForeignKey(ProvincialRanking, on_delete=models.CASCADE, related_name="rows")
    city = models.CharField(_("城市"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("排名"))
    composite_index = models.FloatField(_("综合指数"), null=True, blank=True)
    pm25 = models.FloatField(_("PM2.5平均浓度"), null=True, blank=True)
    good_days_ratio = models.FloatField(_("优良天数比例(%)"), null=True, blank=True)

    class Meta:
        verbose_name = _("全省城市排名行")
        verbose_name_plural = _("全省城市排名行")
        ordering = ["ranking", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["ranking", "city"], name="provincial_ranking_city_once")]

    def __str__(self) -> str:
        return f"{self.city} {self.rank}"
