from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "rabta.customs"
    label = "customs"
    verbose_name = "Customs"
    default_auto_field = "django.db.models.BigAutoField"
