from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelligenceConfig(AppConfig):
    name = "rabta.intelligence"
    label = "intelligence"
    verbose_name = _("Complaint intelligence")
