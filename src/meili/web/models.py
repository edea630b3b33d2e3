"""The data versions the pages' cache is keyed by (:mod:`meili.web.pagecache`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A counter per area of data, raised in the same transaction as every change to that area's data.

    A page's computed content is cached under the versions of the areas it reads; a change raises the
    version, so the next request computes afresh. The counter is one row updated in place: concurrent writers
    take turns on it and a reader never sees a version before the data it stands for is committed.
    """

    area = models.CharField(_("数据范围"), max_length=32, primary_key=True)
    version = models.BigIntegerField(_("版本"), default=0)
    changed = models.DateTimeField(_("变更时间"), auto_now=True)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.area} v{self.version}"
