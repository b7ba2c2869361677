from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    label = "bench"
    verbose_name = "Benchmarks (never installed in production)"
    default_auto_field = "django.db.models.BigAutoField"
