from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rabta.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from rabta.core import checks, db  # noqa: F401  (registers system checks and connection set-up)

        checks.refuse_development_parts()
