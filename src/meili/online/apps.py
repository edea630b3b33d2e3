from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlineConfig(AppConfig):
    name = "meili.online"
    label = "online"
    verbose_name = _("污染源自动监控")
