from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "meili.monitoring"
    label = "monitoring"
    verbose_name = _("环境监测")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meili.monitoring import signals  # noqa: F401  (connects the receivers)
        from meili.monitoring.plan_source import monitoring_values
        from meili.progress.sources import register

        register("monitoring", monitoring_values)
