from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TariffConfig(AppConfig):
    name = "rabta.tariff"
    label = "tariff"
    verbose_name = _("Integrated tariff")
