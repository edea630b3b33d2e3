"""Monitoring data: the site registry, observations with their versions, imports and stored results.

Observations keep what the file said (``raw`` text and ``flag``) next to the parsed ``value``; a corrected
value is a new row with ``version + 1`` and the previous row's ``current`` set to false, so nothing is lost.
Results are written by :mod:`meili.monitoring.evaluation` only; pages and the API read them and never run
the engines on a request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit


class Medium(models.TextChoices):
    AIR = "air", _("环境空气")
    WATER = "water", _("地表水")
    SEA = "sea", _("近岸海域")
    GROUNDWATER = "groundwater", _("地下水")
    SOIL = "soil", _("土壤")
    NOISE = "noise", _("声环境")


class ControlLevel(models.TextChoices):
    NATIONAL = "national", _("国控")
    PROVINCIAL = "provincial", _("省控")
    CITY = "city", _("市控")


class WaterType(models.TextChoices):
    RIVER = "river", _("河流")
    LAKE = "lake", _("湖泊")
    RESERVOIR = "reservoir", _("水库")


class SoilKind(models.TextChoices):
    FARMLAND = "farmland", _("农用地")
    CONSTRUCTION = "construction", _("建设用地")


class Site(models.Model):
    """A monitoring site of any medium: air station, water section, sea station, well, soil or noise point."""

    medium = models.CharField(_("要素"), max_length=12, choices=Medium.choices, db_index=True)
    code = models.CharField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=120)
    district = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属区市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitoring_sites",
    )
    control_level = models.CharField(
        _("控制级别"), max_length=12, choices=ControlLevel.choices, default=ControlLevel.NATIONAL
    )
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    active_from = models.DateField(_("启用日期"), null=True, blank=True)
    active_to = models.DateField(_("停用日期"), null=True, blank=True)
    # air
    zone_class = models.CharField(
        _("功能区类别"),
        max_length=4,
        blank=True,
        help_text=_("空气：1或2（GB 3095）；声环境：0、1、2、3、4a、4b（GB 3096）"),
    )
    in_city_assessment = models.BooleanField(
        _("参与城市评价"), default=False, help_text=_("空气：城市点位，参与全市均值（HJ 663）")
    )
    # surface water
    water_body = models.CharField(_("所在河流/湖库"), max_length=60, blank=True)
    water_type = models.CharField(_("水体类型"), max_length=10, choices=WaterType.choices, blank=True)
    target_class = models.PositiveSmallIntegerField(_("目标类别"), null=True, blank=True, help_text=_("1–5 表示Ⅰ–Ⅴ类"))
    estuary = models.BooleanField(_("入海断面"), default=False)
    provincial_key_river = models.BooleanField(_("省控重点河流"), default=False)
    # sea
    sea_area = models.CharField(_("海域"), max_length=60, blank=True)
    area_weight = models.FloatField(_("代表面积(km²)"), null=True, blank=True)
    # soil
    soil_kind = models.CharField(_("用地类型"), max_length=12, choices=SoilKind.choices, blank=True)
    land_use = models.CharField(
        _("利用方式"), max_length=20, blank=True, help_text=_("农用地：水田、旱地、果园…；建设用地：第一类或第二类用地")
    )
    ph = models.FloatField(_("pH"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("监测点位")
        verbose_name_plural = _("监测点位")
        ordering = ["medium", "code"]
        constraints = [models.UniqueConstraint(fields=["medium", "code"], name="monitoring_site_medium_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ImportJob(models.Model):
    """One import of one or more files: its state, progress and report (added, changed, skipped and why)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队")
        RUNNING = "running", _("进行中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    class Kind(models.TextChoices):
        IMPORT = "import", _("数据导入")
        EVALUATE = "evaluate", _("全量重新评价")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.IMPORT)
    medium = models.CharField(_("要素"), max_length=12, choices=Medium.choices)
    files = models.JSONField(_("文件"), default=list)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    phase = models.CharField(_("阶段"), max_length=80, blank=True)
    added = models.PositiveIntegerField(_("新增"), default=0)
    changed = models.PositiveIntegerField(_("更正"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    skipped = models.PositiveIntegerField(_("跳过"), default=0)
    report = models.JSONField(_("导入报告"), default=dict)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_medium_display()} {self.get_state_display()}"


class Observation(models.Model):
    """One value of one parameter at one site and time (hour end for hourly data), in one data version."""

    # No per-row foreign-key trigger and no separate index (see the Meta comment): the importer checks its sites
    # and job once per import under the lock such a trigger takes (``importing.hold_references``), and Django's
    # PROTECT / CASCADE guard deletions.
    site = models.ForeignKey(
        Site,
        verbose_name=_("点位"),
        on_delete=models.PROTECT,
        related_name="observations",
        db_index=False,
        db_constraint=False,
    )
    time = models.DateTimeField(_("时间"))
    parameter = models.CharField(_("项目"), max_length=24)
    value = models.FloatField(_("数值"), null=True)
    raw = models.CharField(_("原始值"), max_length=40, blank=True)
    flag = models.CharField(_("标识"), max_length=40, blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    current = models.BooleanField(_("现行"), default=True)
    #: deleting an import (only the demo removal does) deletes the values it brought
    job = models.ForeignKey(
        ImportJob,
        verbose_name=_("导入任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")
        # one index serves uniqueness, the (site, time range) reads of the evaluation, the site's PROTECT check
        # and the bulk loads (rows arrive in this order, so every insert appends to the B-tree). On PostgreSQL
        # the deferred foreign-key triggers of the two references took 22 s of a 40 s import of 4.5 M values
        # (one key lookup per row at commit); see docs/benchmarks.md.
        constraints = [
            models.UniqueConstraint(
                fields=["site", "time", "parameter", "version"], name="monitoring_observation_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.parameter} {self.time:%Y-%m-%d %H:%M} = {self.raw}"


class Scope(models.TextChoices):
    SITE = "site", _("点位")
    DISTRICT = "district", _("区市")
    CITY = "city", _("全市")


class AirHourly(models.Model):
    """The real-time (hourly) AQI report of a site, a district or the city (HJ 633)."""

    scope = models.CharField(max_length=8, choices=Scope.choices)
    code = models.CharField(max_length=40)
    time = models.DateTimeField()
    so2 = models.FloatField(null=True)
    no2 = models.FloatField(null=True)
    co = models.FloatField(null=True)
    o3 = models.FloatField(null=True)
    pm10 = models.FloatField(null=True)
    pm25 = models.FloatField(null=True)
    aqi = models.IntegerField(null=True)
    level = models.SmallIntegerField(null=True)
    primary = models.CharField(max_length=40, blank=True)
    valid = models.BooleanField(default=False)
    standard = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "code", "time"], name="monitoring_airhourly_key")]


class AirDaily(models.Model):
    """The daily values (unrounded, as the engine computed them) and daily AQI report (HJ 633, GB 3095)."""

    scope = models.CharField(max_length=8, choices=Scope.choices)
    code = models.CharField(max_length=40)
    date = models.DateField()
    so2 = models.FloatField(null=True)
    no2 = models.FloatField(null=True)
    co = models.FloatField(null=True)
    pm10 = models.FloatField(null=True)
    pm25 = models.FloatField(null=True)
    o3_1h_max = models.FloatField(null=True)
    o3_8h_max = models.FloatField(null=True)
    aqi = models.IntegerField(null=True)
    level = models.SmallIntegerField(null=True)
    category = models.CharField(max_length=12, blank=True)
    primary = models.CharField(max_length=40, blank=True)
    valid = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)
    standard = models.CharField(max_length=20)
    evaluated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "code", "date"], name="monitoring_airdaily_key")]


class Unranked(models.TextChoices):
    """Why a district's period is not ranked (only valid composite indexes are ranked)."""

    NO_INDEX = "no_index", _("无综合指数")
    INVALID = "invalid", _("综合指数无效（有效数据不足）")


class AirPeriod(models.Model):
    """HJ 663 statistics of a site, district or the city for a month (``2019-03``) or a year (``2019``)."""

    scope = models.CharField(max_length=8, choices=Scope.choices)
    code = models.CharField(max_length=40)
    period = models.CharField(max_length=7)
    start = models.DateField()
    end = models.DateField()
    pm25 = models.FloatField(null=True)
    good_days_ratio = models.FloatField(null=True)
    valid_days = models.IntegerField(default=0)
    complies = models.BooleanField(null=True)
    composite_index = models.FloatField(null=True)
    #: place among the districts by composite index (城市环境空气质量排名技术规定: ties share a place), from
    #: :func:`meili.standards.air.rank` at evaluation; null when not ranked, ``unranked`` says why
    rank = models.IntegerField(null=True)
    unranked = models.CharField(max_length=12, blank=True, choices=Unranked.choices)
    stats = models.JSONField(default=dict)
    standard = models.CharField(max_length=60)
    evaluated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "code", "period"], name="monitoring_airperiod_key")]


class MediaResult(models.Model):
    """The class (or category / compliance) of a water, sea, groundwater, soil or noise site for a period."""

    medium = models.CharField(max_length=12, choices=Medium.choices)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="results")
    period = models.CharField(max_length=10)
    klass = models.SmallIntegerField(null=True)
    label = models.CharField(max_length=20, blank=True)
    target_met = models.BooleanField(null=True)
    deciding = models.CharField(max_length=200, blank=True)
    main_pollutants = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict)
    standard = models.CharField(max_length=60)
    evaluated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "period"], name="monitoring_mediaresult_key")]


class WaterBodyStatus(models.Model):
    """The level of a river, lake or basin for a period, as :func:`meili.standards.water.water_body_status`
    computed it at evaluation (环办〔2011〕22号: ≥ 5 sections by shares, fewer by the sections' mean
    concentrations); pages, reports, the API and the CLI read it."""

    water_body = models.CharField(max_length=60)
    period = models.CharField(max_length=10)
    n_sections = models.IntegerField()
    share_good = models.FloatField()
    share_worse_v = models.FloatField()
    method = models.CharField(max_length=12)
    klass = models.SmallIntegerField(null=True)
    label = models.CharField(max_length=20, blank=True)
    level = models.CharField(max_length=20, blank=True)
    main_pollutants = models.CharField(max_length=200, blank=True)
    standard = models.CharField(max_length=60)
    evaluated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["water_body", "period"], name="monitoring_waterbodystatus_key")]
