from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "rabta.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from rabta.complaints import reference, tasks  # noqa: F401  (reference: signals; tasks: periodic schedules)
