"""Carbon state: factor sets, inventory editions and their activity data, key emitters, mariculture harvests,
GDP and targets, and the stored results every page, report and API reads.

The numbers are computed by :mod:`meili.standards.carbon` in :mod:`meili.carbon.services`; every stored
result names the factor set it was computed with.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit
from meili.progress.models import ValueState

#: the sectors of the provincial guideline's energy chapter (能源活动), plus 本地发电 for generated electricity
SECTORS = (
    "能源生产与加工转换",
    "农林牧渔业",
    "工业",
    "建筑业",
    "交通运输",
    "服务业",
    "居民生活",
    "本地发电",
)


class FactorSet(models.Model):
    """A named, dated set of emission factors; shipped ones are loaded from the package, local ones added."""

    class GWP(models.TextChoices):
        """The 100-year GWP values a set converts CH4 and N2O with (values: ``standards.carbon.nonenergy.GWP``)."""

        SAR = "SAR", _("IPCC 第二次评估报告（SAR）")
        AR5 = "AR5", _("IPCC 第五次评估报告（AR5）")
        AR6 = "AR6", _("IPCC 第六次评估报告（AR6）")

    name = models.CharField(_("名称"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("年份"))
    source = models.TextField(_("来源"))
    gwp = models.CharField(_("全球增温潜势（GWP）"), max_length=4, choices=GWP.choices, default=GWP.AR5)
    shipped = models.BooleanField(_("内置"), default=False)
    base = models.ForeignKey(
        "self", verbose_name=_("基于"), null=True, blank=True, on_delete=models.PROTECT, related_name="derived"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("排放因子集")
        verbose_name_plural = _("排放因子集")
        ordering = ["-shipped", "name"]

    def __str__(self) -> str:
        return self.name


class Factor(models.Model):
    """One value of a factor set: a fuel's NCV/CC/OF triple or a grid factor, with source and confidence."""

    class Kind(models.TextChoices):
        FUEL = "fuel", _("燃料")
        GRID = "grid", _("电网")
        OTHER = "other", _("非能源排放源")

    factor_set = models.ForeignKey(FactorSet, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("燃料或电网"), max_length=60)
    label = models.CharField(_("原表名称"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    grid_kind = models.CharField(_("电网因子类型"), max_length=16, blank=True)
    gas = models.CharField(_("温室气体"), max_length=4, blank=True)
    unit = models.CharField(_("单位"), max_length=16)
    ncv = models.FloatField(_("低位发热量"), null=True, blank=True)
    carbon_content = models.FloatField(_("单位热值含碳量"), null=True, blank=True)
    oxidation = models.FloatField(_("碳氧化率"), null=True, blank=True)
    value = models.FloatField(_("排放因子"))
    source = models.TextField(_("来源"))
    confidence = models.CharField(_("可信度"), max_length=20)
    unverified = models.BooleanField(_("待确认"), default=False)

    class Meta:
        verbose_name = _("排放因子")
        verbose_name_plural = _("排放因子")
        ordering = ["factor_set", "kind", "key", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["factor_set", "kind", "key", "year", "grid_kind"], name="carbon_factor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.factor_set} {self.key} {self.year or ''}".strip()


class Edition(models.Model):
    """An inventory edition (2020, 2022, 2024 …): its activity data and the results computed from them."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("编制中")
        PUBLISHED = "published", _("已发布")

    year = models.PositiveSmallIntegerField(_("清单年份"), unique=True)
    title = models.CharField(_("标题"), max_length=120)
    factor_set = models.ForeignKey(FactorSet, verbose_name=_("排放因子集"), on_delete=models.PROTECT)
    grid_factor = models.FloatField(_("指定电网排放因子（tCO2/MWh）"), null=True, blank=True)
    heat_factor = models.FloatField(_("指定热力排放因子（tCO2/GJ）"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("说明"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("温室气体清单")
        verbose_name_plural = _("温室气体清单")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """One activity-data row of an edition and its stored result (provincial guideline 2011, 能源活动)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="activities")
    line = models.PositiveIntegerField(_("行号"))
    year = models.PositiveSmallIntegerField(_("年份"))
    region = models.ForeignKey(OrgUnit, verbose_name=_("区市"), on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(_("部门"), max_length=30)
    fuel = models.CharField(_("能源品种"), max_length=30)
    unit = models.CharField(_("单位"), max_length=16)
    amount = models.FloatField(_("活动水平"), null=True, blank=True)
    notation = models.CharField(_("注释键"), max_length=2, blank=True)
    uncertainty = models.FloatField(
        _("不确定性（±%）"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    energy_tj = models.FloatField(_("能量（TJ）"), null=True, blank=True)
    co2_t = models.FloatField(_("二氧化碳（t）"), null=True, blank=True)
    factor = models.TextField(_("所用因子"), blank=True)

    class Meta:
        verbose_name = _("活动水平")
        verbose_name_plural = _("活动水平")
        ordering = ["edition", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "year", "region", "sector", "fuel"], name="carbon_activity_once_per_cell"
            )
        ]


class OtherActivity(models.Model):
    """One non-energy activity row of an edition (工业生产过程, 农业, 土地利用变化和林业, 废弃物处理) and its
    stored result per gas (removals negative) and in CO2e at the factor set's GWP."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="other_activities")
    line = models.PositiveIntegerField(_("行号"))
    year = models.PositiveSmallIntegerField(_("年份"))
    region = models.ForeignKey(OrgUnit, verbose_name=_("区市"), on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(_("部门"), max_length=30)
    category = models.CharField(_("排放源类别"), max_length=30)
    unit = models.CharField(_("单位"), max_length=16)
    amount = models.FloatField(_("活动水平"), null=True, blank=True)
    notation = models.CharField(_("注释键"), max_length=2, blank=True)
    uncertainty = models.FloatField(
        _("不确定性（±%）"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    gas = models.CharField(_("温室气体"), max_length=4, blank=True)
    gas_t = models.FloatField(_("排放量（t，吸收为负）"), null=True, blank=True)
    co2e_t = models.FloatField(_("二氧化碳当量（t）"), null=True, blank=True)
    gwp = models.CharField(_("GWP"), max_length=4, blank=True)
    factor = models.TextField(_("所用因子"), blank=True)

    class Meta:
        verbose_name = _("非能源活动水平")
        verbose_name_plural = _("非能源活动水平")
        ordering = ["edition", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "year", "region", "category"], name="carbon_other_activity_once_per_cell"
            )
        ]


class ChangeReason(models.Model):
    """Why an edition's figure differs from an earlier edition's (清单更新的变化原因)."""

    class Category(models.TextChoices):
        ACTIVITY = "activity", _("活动水平变化")
        FACTOR = "factor", _("排放因子更新")
        METHOD = "method", _("方法改进")
        SOURCE = "source", _("数据来源变化")
        SCOPE = "scope", _("范围变化")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="reasons")
    previous = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(_("部门"), max_length=30, blank=True)
    fuel = models.CharField(_("能源品种"), max_length=30, blank=True)
    category = models.CharField(_("原因类别"), max_length=12, choices=Category.choices)
    reason = models.TextField(_("变化原因"))

    class Meta:
        verbose_name = _("清单变化原因")
        verbose_name_plural = _("清单变化原因")


class KeyEmitter(models.Model):
    """A key carbon-emitting unit (重点碳排放单位): the one home of that status.

    Linked to the enterprise registry (``sources.Enterprise``, matched by 统一社会信用代码) when the unit is
    there; the enterprise's ``key_carbon`` flag is derived from this registry, never edited on its own.
    """

    name = models.CharField(_("单位名称"), max_length=120)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[
            RegexValidator(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", _("统一社会信用代码格式不正确"))
        ],
    )
    region = models.ForeignKey(OrgUnit, verbose_name=_("区市"), on_delete=models.PROTECT, related_name="+")
    industry = models.CharField(_("行业"), max_length=60)
    active = models.BooleanField(_("在册"), default=True)
    enterprise = models.OneToOneField(
        "sources.Enterprise",
        verbose_name=_("排污单位档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_emitter",
    )

    class Meta:
        verbose_name = _("重点碳排放单位")
        verbose_name_plural = _("重点碳排放单位")
        ordering = ["region", "name"]

    def __str__(self) -> str:
        return self.name


class EmitterReport(models.Model):
    """A key emitter's yearly reported emissions and their verification (核查)."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("已报告")
        VERIFYING = "verifying", _("核查中")
        VERIFIED = "verified", _("已核查")
        DISCREPANCY = "discrepancy", _("核查有差异")

    emitter = models.ForeignKey(KeyEmitter, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("年份"))
    reported_co2_t = models.FloatField(_("报告排放量（tCO2）"), validators=[MinValueValidator(0)])
    verified_co2_t = models.FloatField(_("核查排放量（tCO2）"), null=True, blank=True)
    status = models.CharField(_("核查状态"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    verifier = models.CharField(_("核查机构"), max_length=120, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("重点单位年度排放")
        verbose_name_plural = _("重点单位年度排放")
        ordering = ["-year", "emitter"]
        constraints = [models.UniqueConstraint(fields=["emitter", "year"], name="carbon_emitter_report_once")]


class Basis(models.TextChoices):
    """Whether a harvest figure is fresh or dry mass (HY/T 0305-2021 §3.2); there is no default."""

    WET = "wet", _("鲜重")
    DRY = "dry", _("干重")


class SinkCoefficient(models.Model):
    """Locally measured coefficients of a species; they replace the literature defaults (HY/T 0305-2021 §5)."""

    species = models.CharField(_("品种"), max_length=20)
    region = models.ForeignKey(
        OrgUnit, verbose_name=_("区市（空为全市）"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dry_wet_ratio = models.FloatField(_("干湿比"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    soft_fraction = models.FloatField(_("软组织质量比"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    shell_fraction = models.FloatField(_("贝壳质量比"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    carbon_soft = models.FloatField(_("软组织（藻体）含碳率"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    carbon_shell = models.FloatField(_("贝壳含碳率"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    source = models.CharField(_("测定来源"), max_length=200)
    measured_year = models.PositiveSmallIntegerField(_("测定年份"))

    class Meta:
        verbose_name = _("本地碳汇系数")
        verbose_name_plural = _("本地碳汇系数")
        constraints = [models.UniqueConstraint(fields=["species", "region"], name="carbon_sink_coefficient_once")]


class Harvest(models.Model):
    """Farmed harvest of one species in a district and year (渔业统计) and its removable carbon."""

    year = models.PositiveSmallIntegerField(_("年份"))
    region = models.ForeignKey(OrgUnit, verbose_name=_("区市"), on_delete=models.PROTECT, related_name="+")
    species = models.CharField(_("品种"), max_length=20)
    harvest_t = models.FloatField(_("产量（t）"), validators=[MinValueValidator(0)])
    basis = models.CharField(_("重量基准"), max_length=3, choices=Basis.choices)
    source = models.CharField(_("数据来源"), max_length=200)
    dry_mass_t = models.FloatField(_("干重（t）"))
    soft_carbon_t = models.FloatField(_("软组织碳（tC）"))
    shell_carbon_t = models.FloatField(_("贝壳碳（tC）"))
    carbon_t = models.FloatField(_("可移出碳（tC）"))
    co2_t = models.FloatField(_("折合二氧化碳（t）"))
    coefficients = models.TextField(_("所用系数"))
    factor_set = models.CharField(_("排放因子集"), max_length=60)

    class Meta:
        verbose_name = _("养殖碳汇")
        verbose_name_plural = _("养殖碳汇")
        ordering = ["-year", "region", "species"]
        constraints = [models.UniqueConstraint(fields=["year", "region", "species"], name="carbon_harvest_once")]


class Economy(models.Model):
    """GDP at constant prices of a region and year (统计局), the denominator of CO2 intensity."""

    year = models.PositiveSmallIntegerField(_("年份"))
    region = models.ForeignKey(OrgUnit, verbose_name=_("区市"), on_delete=models.PROTECT, related_name="+")
    gdp_1e4_yuan = models.FloatField(_("地区生产总值（万元，可比价）"), validators=[MinValueValidator(0)])
    price_year = models.PositiveSmallIntegerField(_("可比价基年"))
    budget_t = models.FloatField(_("碳排放预算（tCO2）"), null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=200)

    class Meta:
        verbose_name = _("地区生产总值与碳预算")
        verbose_name_plural = _("地区生产总值与碳预算")
        ordering = ["region", "year"]
        constraints = [models.UniqueConstraint(fields=["year", "region"], name="carbon_economy_once")]


class Target(models.Model):
    """A CO2-intensity reduction target (省下达目标) of a region: base year, target year, reduction."""

    region = models.ForeignKey(OrgUnit, verbose_name=_("区市"), on_delete=models.PROTECT, related_name="+")
    base_year = models.PositiveSmallIntegerField(_("基准年"))
    target_year = models.PositiveSmallIntegerField(_("目标年"))
    reduction = models.FloatField(_("强度降低目标（比例）"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    source = models.CharField(_("目标来源"), max_length=200)
    confirmed = models.BooleanField(_("已确认"), default=False)

    class Meta:
        verbose_name = _("碳强度目标")
        verbose_name_plural = _("碳强度目标")
        constraints = [models.UniqueConstraint(fields=["region", "target_year"], name="carbon_target_once")]


class IntensityResult(models.Model):
    """A region's stored energy-CO2 total and intensity of a year, against its target path and budget."""

    region = models.ForeignKey(OrgUnit, verbose_name=_("区市"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    edition = models.ForeignKey(Edition, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="+")
    factor_set = models.CharField(_("排放因子集"), max_length=60)
    co2_t = models.FloatField(_("能源活动二氧化碳（t，净调入法）"))
    co2_consumption_t = models.FloatField(_("能源活动二氧化碳（t，消费法）"))
    gdp_1e4_yuan = models.FloatField(_("地区生产总值（万元）"), null=True)
    intensity = models.FloatField(_("碳排放强度（tCO2/万元）"), null=True)
    reduction = models.FloatField(_("较基准年降低"), null=True)
    path_reduction = models.FloatField(_("目标路径降低"), null=True)
    on_track = models.BooleanField(_("符合目标路径"), null=True)
    allowed_co2_t = models.FloatField(_("目标路径允许排放（t）"), null=True)
    budget_t = models.FloatField(_("碳排放预算（t）"), null=True)

    class Meta:
        verbose_name = _("碳排放强度结果")
        verbose_name_plural = _("碳排放强度结果")
        ordering = ["region", "year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="carbon_intensity_once")]

    def _scaled(self, name: str, factor: float) -> float | None:
        value = getattr(self, name)
        return None if value is None else value * factor

    @property
    def display(self) -> dict[str, float | None]:
        """Values as the pages print them: 万吨 and percent."""
        return {
            "co2": self._scaled("co2_t", 1e-4),
            "co2_consumption": self._scaled("co2_consumption_t", 1e-4),
            "reduction": self._scaled("reduction", 100),
            "path_reduction": self._scaled("path_reduction", 100),
            "allowed": self._scaled("allowed_co2_t", 1e-4),
            "budget": self._scaled("budget_t", 1e-4),
        }


class Submission(models.Model):
    """Activity data a responsible department (统计局, 发改委, 农业农村局, 住建局 …) uploads for an edition.

    It goes through the reporting flow of the plan's indicator values (``progress.ValueState``: 草稿 → 已提交 →
    已审核 or 已退回), reviewed by someone other than who uploaded or submitted it; only on approval are its
    rows written into the edition (:mod:`meili.carbon.submissions`).
    """

    edition = models.ForeignKey(Edition, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=12, choices=ValueState.choices, default=ValueState.DRAFT)
    filename = models.CharField(_("文件名"), max_length=200)
    energy_rows = models.JSONField(_("能源活动水平"), default=list)
    other_rows = models.JSONField(_("非能源活动水平"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    applied = models.PositiveIntegerField(_("写入行数"), default=0)

    class Meta:
        verbose_name = _("活动水平报送")
        verbose_name_plural = _("活动水平报送")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.unit} {self.filename}"

    @property
    def row_count(self) -> int:
        return len(self.energy_rows) + len(self.other_rows)
