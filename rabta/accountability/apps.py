from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "rabta.accountability"
    label = "accountability"
    verbose_name = "Accountability"
