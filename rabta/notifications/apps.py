from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rabta.notifications"
    label = "notifications"
    verbose_name = "Notifications"
