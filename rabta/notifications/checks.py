"""Start-up refusals of the notifications app: a production process must deliver its SMS."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from rabta.notifications.senders import HttpSmsSender, SmsSender


def refuse_development_senders() -> None:
    """Stop start-up when RABTA_ENV=production is configured with an SMS sender that only suits a
    laptop. Raised from NotificationsConfig.ready(), so every entry point (gunicorn, celery, every
    command) refuses, not only `rabta check`: a console sender in production would print citizens'
    phone numbers and verification codes into the service's log instead of delivering them. (The
    mail backend, debug and host checks are core's: rabta.core.checks.refuse_development_parts.)
    """
    if not settings.PRODUCTION:
        return
    sms_backend = import_string(settings.RABTA_SMS_BACKEND)
    if not (isinstance(sms_backend, type) and issubclass(sms_backend, SmsSender)) or sms_backend.development_only:
        raise ImproperlyConfigured(
            f"RABTA_SMS_BACKEND: {settings.RABTA_SMS_BACKEND} delivers no SMS; production needs a gateway "
            "(rabta.notifications.senders.HttpSmsSender with RABTA_SMS_GATEWAY_*)"
        )
    if issubclass(sms_backend, HttpSmsSender):
        sender = sms_backend()  # validates the gateway's settings now rather than at the first message
        if not sender.config.url.startswith("https://"):
            raise ImproperlyConfigured("RABTA_SMS_GATEWAY_URL: production sends codes to the gateway over https only")
