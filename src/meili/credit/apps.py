from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "meili.credit"
    label = "credit"
    verbose_name = _("企业环境信用评价")
