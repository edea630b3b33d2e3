from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlineConfig(AppConfig):
    name = "meili.online"
    label = "online"
    verbose_name = _("污染源自动监控")

    def ready(self) -> None:
        from meili.emergency.compliance import register_reader
        from meili.online.emissions import enterprise_hourly_emissions
        from meili.online.panels import enterprise_panel
        from meili.sources.panels import register_enterprise_panel

        register_enterprise_panel(enterprise_panel)
        register_reader(enterprise_hourly_emissions)
