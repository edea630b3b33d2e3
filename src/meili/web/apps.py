from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "meili.web"
    label = "web"
    verbose_name = _("网页界面")

    def ready(self) -> None:
        from meili.web import pagecache

        pagecache.connect()
