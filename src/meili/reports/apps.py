from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "meili.reports"
    label = "reports"
    verbose_name = _("报告")

    def ready(self) -> None:
        from meili.reports import signals  # noqa: F401
