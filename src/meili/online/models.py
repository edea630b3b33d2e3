"""Devices (数采仪) speaking HJ 212, every packet received from them, and the values they carried.

A value is stored once: :class:`Reading` is unique on (device, kind, data time, code, field), and a packet with a
QN is unique on (device, CN, QN), so a packet re-sent after a lost answer inserts nothing. Rejected packets are
kept too (raw text, reason) so that they can be counted and shown; they never produce readings.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from meili.standards import hj212


class Device(models.Model):
    """A data logger (数采仪) identified by its MN, sending for one discharge port."""

    class Edition(models.IntegerChoices):
        HJT212_2005 = int(hj212.Edition.HJT212_2005), "HJ/T 212-2005"
        HJ212_2017 = int(hj212.Edition.HJ212_2017), "HJ 212-2017"
        HJ212_2025 = int(hj212.Edition.HJ212_2025), "HJ 212-2025"

    class Crc(models.TextChoices):
        HJ212 = hj212.CrcVariant.HJ212.value, _("HJ 212-2017 附录A")
        MODBUS = hj212.CrcVariant.MODBUS.value, _("CRC-16/MODBUS")

    mn = models.CharField(_("设备唯一标识（MN）"), max_length=24, unique=True)
    password = models.CharField(_("访问密码（PW）"), max_length=6)
    edition = models.PositiveSmallIntegerField(_("协议版本"), choices=Edition.choices, default=Edition.HJ212_2017)
    crc = models.CharField(_("校验算法"), max_length=8, choices=Crc.choices, default=Crc.HJ212)
    port = models.ForeignKey(
        "sources.DischargePort",
        verbose_name=_("排放口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
        help_text=_("未关联排放口的设备照常接收数据，但不参与超标评价"),
    )
    name = models.CharField(_("名称"), max_length=120, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    last_seen = models.DateTimeField(_("最近通讯时间"), null=True, blank=True)
    created = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监控设备")
        verbose_name_plural = _("监控设备")
        ordering = ["mn"]

    def __str__(self) -> str:
        return self.mn


class Packet(models.Model):
    """One received packet, byte-exact text kept, with what became of it."""

    class Status(models.TextChoices):
        STORED = "stored", _("已入库")
        LOGGED = "logged", _("已记录")
        REJECTED = "rejected", _("已拒收")

    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.CASCADE, related_name="packets")
    received = models.DateTimeField(_("接收时间"), db_index=True)
    peer = models.CharField(_("来源地址"), max_length=64, blank=True)
    raw = models.TextField(_("原始报文"))
    mn = models.CharField(_("MN"), max_length=32, blank=True)
    cn = models.CharField(_("命令编码（CN）"), max_length=8, blank=True)
    qn = models.CharField(_("请求编码（QN）"), max_length=20, blank=True)
    data_time = models.DateTimeField(_("数据时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    reason = models.CharField(_("拒收原因代码"), max_length=20, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("报文")
        verbose_name_plural = _("报文")
        ordering = ["-received"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "cn", "qn"],
                condition=~models.Q(qn="") & models.Q(device__isnull=False) & ~models.Q(status="rejected"),
                name="online_packet_once",
            )
        ]
        indexes = [models.Index(fields=["status", "reason"], name="online_packet_status")]

    def __str__(self) -> str:
        return f"{self.mn} {self.cn} {self.qn}"


class Reading(models.Model):
    """One value of one parameter at one time from one device (HJ 212-2017 表4 fields, 表8 flag)."""

    class Kind(models.TextChoices):
        REALTIME = "rtd", _("实时数据")
        MINUTE = "minute", _("分钟数据")
        HOUR = "hour", _("小时数据")
        DAY = "day", _("日数据")

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="readings", db_constraint=False, db_index=False
    )
    kind = models.CharField(_("数据类型"), max_length=6, choices=Kind.choices)
    data_time = models.DateTimeField(_("数据时间"))
    code = models.CharField(_("污染物编码"), max_length=12)
    field = models.CharField(_("字段"), max_length=12)
    value = models.FloatField(_("数值"), null=True, blank=True)
    text = models.CharField(_("文本值"), max_length=40, blank=True)
    flag = models.CharField(_("数据标记"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("监测值")
        verbose_name_plural = _("监测值")
        constraints = [
            models.UniqueConstraint(fields=["device", "kind", "data_time", "code", "field"], name="online_reading_once")
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.code}-{self.field}@{self.data_time}"


class Alarm(models.Model):
    """An exceedance or an outage found by the evaluation, and how it was handled (new → acknowledged → closed)."""

    class Kind(models.TextChoices):
        EXCEEDANCE = "exceedance", _("超标")
        OFFLINE = "offline", _("设备离线")

    class State(models.TextChoices):
        NEW = "new", _("新报警")
        ACKNOWLEDGED = "acknowledged", _("已确认")
        CLOSED = "closed", _("已说明/关闭")

    device = models.ForeignKey(Device, verbose_name=_("监控设备"), on_delete=models.CASCADE, related_name="alarms")
    port = models.ForeignKey(
        "sources.DischargePort", verbose_name=_("排放口"), null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("污染物编码"), max_length=12, blank=True)
    averaging = models.CharField(_("判定时段"), max_length=6, blank=True)
    period_start = models.DateTimeField(_("时段起点"))
    value = models.FloatField(_("监测值"), null=True, blank=True)
    limit = models.FloatField(_("限值"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.NEW)
    raised = models.DateTimeField(_("报警时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    explanation = models.TextField(_("情况说明"), blank=True)
    ledger_item = models.ForeignKey(
        "governance.LedgerItem", verbose_name=_("整改台账"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["-period_start", "device"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "kind", "code", "averaging", "period_start"], name="online_alarm_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.get_kind_display()} {self.code} {self.period_start:%Y-%m-%d %H:%M}"


class DailyStatistic(models.Model):
    """One device's figures for one pollutant with a limit at its port on one local day: the stored result of the
    statistics (:func:`meili.standards.cems_statistics.daily_figures`), written by the evaluation; a month or a
    year is the sum of its days."""

    device = models.ForeignKey(Device, verbose_name=_("监控设备"), on_delete=models.CASCADE, related_name="+")
    port = models.ForeignKey(
        "sources.DischargePort", verbose_name=_("排放口"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    code = models.CharField(_("污染物编码"), max_length=12)
    name = models.CharField(_("污染物名称"), max_length=60, blank=True)
    valid_hours = models.PositiveSmallIntegerField(_("有效小时数"))
    expected_hours = models.PositiveSmallIntegerField(_("应有小时数"))
    exceed_hours = models.PositiveSmallIntegerField(_("超标小时数"))
    exceed_day = models.BooleanField(_("日均值超标"))
    kg = models.FloatField(_("排放量（kg）"), null=True, blank=True)
    emission_hours = models.PositiveSmallIntegerField(_("计入排放量的小时数"))
    permitted_t = models.FloatField(_("许可年排放量（t/a）"), null=True, blank=True)
    permitted_source = models.CharField(_("许可排放量来源"), max_length=200, blank=True)
    computed = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("在线监控日统计")
        verbose_name_plural = _("在线监控日统计")
        ordering = ["day", "device", "code"]
        constraints = [models.UniqueConstraint(fields=["device", "day", "code"], name="online_daily_statistic_once")]
        indexes = [models.Index(fields=["day"], name="online_daily_statistic_day")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.code} {self.day}"
