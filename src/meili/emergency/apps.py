from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "meili.emergency"
    label = "emergency"
    verbose_name = _("重污染天气应急")
