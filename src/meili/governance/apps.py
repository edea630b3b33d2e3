from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "meili.governance"
    label = "governance"
    verbose_name = _("信访举报与整改台账")
