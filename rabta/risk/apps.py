from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "rabta.risk"
    label = "risk"
    verbose_name = "Risk management"
