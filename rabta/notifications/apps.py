from django.apps import AppConfig, apps


class NotificationsConfig(AppConfig):
    name = "rabta.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from rabta.notifications.checks import refuse_development_senders
        from rabta.notifications.notices import notices_collect, notices_install

        refuse_development_senders()
        # Every domain's notices (its notices.py), collected once all apps are loaded, so that a name
        # declared twice stops start-up instead of surfacing at the first message.
        notices_install(notices_collect(apps.get_app_configs()))
