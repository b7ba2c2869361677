from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "rabta.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from rabta.complaints import tasks  # noqa: F401  (registers periodic schedules)
