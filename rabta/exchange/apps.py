from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "rabta.exchange"
    label = "exchange"
    verbose_name = "Customs data exchange"
