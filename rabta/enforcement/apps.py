from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "rabta.enforcement"
    label = "enforcement"
    verbose_name = "Customs enforcement"
