"""Org units (威海市 → districts and departments) and users with a role and a unit."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    """A unit of the organisation the plan assigns work to: the city, a district or a department."""

    class Kind(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区市")
        DEPARTMENT = "department", _("部门")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name

    def subtree_ids(self) -> set[int]:
        """This unit's id and those of all units below it."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class Role(models.TextChoices):
    """The roles of the platform; what each may do is in :mod:`meili.accounts.permissions`."""

    ADMIN = "admin", _("系统管理员")
    ANALYST = "analyst", _("生态环境局分析员")
    REPORTER = "reporter", _("单位填报员")
    OFFICER = "officer", _("案件办理员")
    LEADER = "leader", _("领导")


class User(AbstractUser):
    """A person with exactly one role, and a unit that scopes what a reporter may see and write."""

    role = models.CharField(_("角色"), max_length=12, choices=Role.choices, default=Role.REPORTER)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    may_see_reporter_identity = models.BooleanField(
        _("可查看举报人身份"), default=False, help_text=_("仅经授权的案件办理员可查看举报人的姓名和联系方式。")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.is_staff = self.role == Role.ADMIN
        self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """A personal API token for a machine client (a provincial platform pulling data, a script pushing values).

    Only the SHA-256 digest of the token is stored; the token itself is shown once, when it is created. A token
    acts as its user, limited to its scopes (``read``: GET; ``write``: every method) and its expiry; revoking it
    ends it at once. See :mod:`meili.accounts.tokens`.
    """

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=80)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    digest = models.CharField(_("摘要"), max_length=64)
    scopes = models.JSONField(_("权限范围"), default=list)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires = models.DateTimeField(_("到期时间"))
    revoked = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
