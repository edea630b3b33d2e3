from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "meili.progress"
    label = "progress"
    verbose_name = _("规划目标与进展")
