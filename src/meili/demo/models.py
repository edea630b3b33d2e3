"""A register of every record the demo created, so that ``meili demo remove`` takes exactly those away."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoRecord(models.Model):
    model = models.CharField(_("模型"), max_length=80)
    object_id = models.CharField(_("对象编号"), max_length=64)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("演示数据记录")
        verbose_name_plural = _("演示数据记录")
        unique_together = [("model", "object_id")]
