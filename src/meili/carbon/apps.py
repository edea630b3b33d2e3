from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarbonConfig(AppConfig):
    name = "meili.carbon"
    label = "carbon"
    verbose_name = _("碳排放与碳汇")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meili.carbon.plan_source import carbon_values
        from meili.progress.sources import register

        register("carbon", carbon_values)

        from django.db.models.signals import post_delete, post_save

        from meili.carbon.models import KeyEmitter
        from meili.carbon.panels import enterprise_panel
        from meili.carbon.signals import emitter_deleted, enterprise_saved
        from meili.sources.models import Enterprise
        from meili.sources.panels import register_enterprise_panel

        post_save.connect(enterprise_saved, sender=Enterprise, dispatch_uid="carbon.enterprise_saved")
        post_delete.connect(emitter_deleted, sender=KeyEmitter, dispatch_uid="carbon.emitter_deleted")
        register_enterprise_panel(enterprise_panel)
