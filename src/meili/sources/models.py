"""The pollution-source registry: enterprises (一企一档), permits, discharge ports with their limits, and
入河/入海排污口 (一口一档).

Rules live elsewhere and are only applied here: the credit-code and permit-number checks in
:mod:`meili.standards.uscc`, the outfall classification and code in :mod:`meili.standards.outfalls`.
Every change goes through :mod:`meili.sources.services`, which writes the audit entry (with the
field diffs shown as the record's history) in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit
from meili.standards import outfalls as outfall_rules


class Enterprise(models.Model):
    """一企一档: one discharging unit (排污单位) identified by its 统一社会信用代码."""

    class Status(models.TextChoices):
        OPERATING = "operating", _("在产")
        STOPPED = "stopped", _("停产")
        CLOSED = "closed", _("关闭")

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    district = models.ForeignKey(
        OrgUnit, verbose_name=_("所属区市"), null=True, blank=True, on_delete=models.PROTECT, related_name="enterprises"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    industry_code = models.CharField(
        _("行业代码"), max_length=5, blank=True, help_text=_("GB/T 4754 国民经济行业分类代码")
    )
    industry_name = models.CharField(_("行业名称"), max_length=80, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=60, blank=True)
    contact_person = models.CharField(_("环保联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    key_discharger = models.BooleanField(_("重点排污单位"), default=False)
    key_hazardous_waste = models.BooleanField(_("危险废物重点监管单位"), default=False)
    key_carbon = models.BooleanField(_("重点碳排放单位"), default=False)
    risk_source = models.BooleanField(_("环境风险源"), default=False)
    status = models.CharField(_("生产状态"), max_length=10, choices=Status.choices, default=Status.OPERATING)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("建档时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("排污单位")
        verbose_name_plural = _("排污单位")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Permit(models.Model):
    """排污许可证 (or 排污登记): number = credit code + 3-digit site sequence + P (HJ 608-2017)."""

    class Kind(models.TextChoices):
        KEY = "key", _("重点管理")
        SIMPLIFIED = "simplified", _("简化管理")
        REGISTRATION = "registration", _("登记管理")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("排污单位"), on_delete=models.CASCADE, related_name="permits"
    )
    number = models.CharField(_("许可证编号"), max_length=22, unique=True)
    kind = models.CharField(_("管理类别"), max_length=14, choices=Kind.choices)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    issuer = models.CharField(_("发证机关"), max_length=80, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("排污许可证")
        verbose_name_plural = _("排污许可证")
        ordering = ["enterprise", "number"]

    def __str__(self) -> str:
        return self.number


class DischargePort(models.Model):
    """A permitted discharge port (排放口) of an enterprise: DA001 for flue gas, DW001 for wastewater."""

    class Medium(models.TextChoices):
        AIR = "air", _("废气")
        WATER = "water", _("废水")

    class Category(models.TextChoices):
        MAIN = "main", _("主要排放口")
        GENERAL = "general", _("一般排放口")
        OTHER = "other", _("其他排放口")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("排污单位"), on_delete=models.CASCADE, related_name="ports"
    )
    permit = models.ForeignKey(
        Permit, verbose_name=_("许可证"), null=True, blank=True, on_delete=models.SET_NULL, related_name="ports"
    )
    medium = models.CharField(_("类别"), max_length=6, choices=Medium.choices)
    code = models.CharField(_("排放口编号"), max_length=10, help_text=_("HJ 608-2017：DA001（废气）、DW001（废水）"))
    name = models.CharField(_("排放口名称"), max_length=120)
    category = models.CharField(_("排放口类型"), max_length=8, choices=Category.choices, default=Category.MAIN)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    reference_o2 = models.FloatField(
        _("基准氧含量（%）"), null=True, blank=True, help_text=_("废气排放口折算用的基准氧含量，取自适用的排放标准")
    )
    height_m = models.FloatField(_("排气筒高度（m）"), null=True, blank=True)
    destination = models.CharField(_("排放去向"), max_length=120, blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("排放口")
        verbose_name_plural = _("排放口")
        ordering = ["enterprise", "code"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="sources_port_unique_code")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.code}"


class PortLimit(models.Model):
    """One pollutant's permitted limit at one port: data from the permit, never written in code."""

    class Averaging(models.TextChoices):
        HOUR = "hour", _("小时均值")
        DAY = "day", _("日均值")

    port = models.ForeignKey(DischargePort, verbose_name=_("排放口"), on_delete=models.CASCADE, related_name="limits")
    parameter = models.CharField(_("污染物编码"), max_length=8, help_text=_("HJ 212-2017 附录B 污染物编码"))
    parameter_name = models.CharField(_("污染物名称"), max_length=60)
    limit = models.FloatField(_("浓度限值"))
    lower_limit = models.FloatField(_("下限"), null=True, blank=True, help_text=_("有范围的指标（如pH）的下限"))
    unit = models.CharField(_("单位"), max_length=20)
    averaging = models.CharField(_("判定时段"), max_length=6, choices=Averaging.choices)
    standard = models.CharField(_("限值依据"), max_length=120, help_text=_("如 GB 13223-2011 表1"))
    annual_amount_t = models.FloatField(_("许可年排放量（t/a）"), null=True, blank=True)

    class Meta:
        verbose_name = _("许可限值")
        verbose_name_plural = _("许可限值")
        ordering = ["port", "parameter"]
        constraints = [
            models.UniqueConstraint(fields=["port", "parameter", "averaging"], name="sources_limit_unique_parameter")
        ]

    def __str__(self) -> str:
        return f"{self.port} {self.parameter} ≤ {self.limit} {self.unit}"


class Outfall(models.Model):
    """一口一档: an 入河 or 入海排污口, its type (HJ 1312-2023), setting procedure and remediation."""

    class Water(models.TextChoices):
        RIVER = outfall_rules.RIVER, _("入河排污口")
        SEA = outfall_rules.SEA, _("入海排污口")

    class Procedure(models.TextChoices):
        APPROVAL = outfall_rules.PROCEDURE_APPROVAL, _("审批")
        REGISTRATION = outfall_rules.PROCEDURE_REGISTRATION, _("登记")
        FILING = outfall_rules.PROCEDURE_FILING, _("备案")

    class ProcedureState(models.TextChoices):
        NONE = "none", _("未办理")
        PENDING = "pending", _("办理中")
        DONE = "done", _("已办结")

    class Remediation(models.TextChoices):
        NONE = "", _("无需整治")
        BAN = "ban", _("取缔")
        MERGE = "merge", _("合并")
        REGULATE = "regulate", _("规范")

    class Status(models.TextChoices):
        IN_USE = "in_use", _("在用")
        CLOSED = "closed", _("已注销")

    code = models.CharField(_("排污口编码"), max_length=40, unique=True)
    name = models.CharField(_("排污口名称"), max_length=120)
    water = models.CharField(_("入河/入海"), max_length=6, choices=Water.choices)
    type_code = models.CharField(_("排污口类型"), max_length=8, help_text=_("HJ 1312-2023 分类"))
    district = models.ForeignKey(
        OrgUnit, verbose_name=_("所属区市"), null=True, blank=True, on_delete=models.PROTECT, related_name="outfalls"
    )
    address = models.CharField(_("位置"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    receiving_water = models.CharField(_("受纳水体"), max_length=80, blank=True)
    receiving_site = models.ForeignKey(
        "monitoring.Site",
        verbose_name=_("关联监测断面/点位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outfalls",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("责任单位（企业）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outfalls",
    )
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("责任单位（机关）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_outfalls",
    )
    ports = models.ManyToManyField(DischargePort, verbose_name=_("对应许可排放口"), blank=True, related_name="outfalls")
    discharge_mode = models.CharField(_("排放方式"), max_length=60, blank=True)
    design_capacity_m3d = models.FloatField(_("设计排放能力（m³/d）"), null=True, blank=True)
    main_pollutants = models.CharField(_("主要污染物"), max_length=120, blank=True)
    procedure = models.CharField(_("设置手续"), max_length=14, choices=Procedure.choices)
    procedure_state = models.CharField(
        _("手续状态"), max_length=8, choices=ProcedureState.choices, default=ProcedureState.NONE
    )
    procedure_number = models.CharField(_("批复/登记/备案文号"), max_length=80, blank=True)
    procedure_date = models.DateField(_("办理日期"), null=True, blank=True)
    remediation = models.CharField(_("整治类型"), max_length=10, choices=Remediation.choices, blank=True, default="")
    remediation_deadline = models.DateField(_("整治时限"), null=True, blank=True)
    ledger_item = models.ForeignKey(
        "governance.LedgerItem",
        verbose_name=_("整改台账事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outfalls",
    )
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.IN_USE)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("入河入海排污口")
        verbose_name_plural = _("入河入海排污口")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def type_label(self) -> str:
        try:
            return outfall_rules.type_info(self.type_code).label
        except KeyError:
            return self.type_code


def outfall_attachment_path(instance, filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"sources/outfalls/{instance.outfall_id}/{stamp}-{filename[-80:]}"


class OutfallAttachment(models.Model):
    """A photo (signboard, outlet) or a document (approval, filing receipt) of an outfall."""

    outfall = models.ForeignKey(Outfall, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=outfall_attachment_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    caption = models.CharField(_("说明"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("排污口附件")
        verbose_name_plural = _("排污口附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
