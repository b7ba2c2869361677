"""Production refuses an SMS sender that only suits a laptop: a console or in-memory sender would
print phone numbers and verification codes into the log instead of delivering them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from rabta.notifications.checks import refuse_development_senders
from rabta.notifications.senders import SmsSender

HTTP_SMS = "rabta.notifications.senders.HttpSmsSender"
GATEWAY = {"url": "https://sms.example.pk/send", "body_template": '{"to": "$to", "text": "$body"}'}
DEVELOPMENT_SMS_SENDERS = [
    "rabta.notifications.senders.ConsoleSmsSender",
    "rabta.notifications.senders.LocmemSmsSender",
]


@pytest.mark.parametrize("sender", [*DEVELOPMENT_SMS_SENDERS, "rabta.notifications.tests.test_checks.PrintingSender"])
def test_production_refuses_an_sms_sender_that_delivers_nothing(sender):
    with (
        override_settings(PRODUCTION=True, RABTA_SMS_BACKEND=sender),
        pytest.raises(ImproperlyConfigured, match="RABTA_SMS_BACKEND"),
    ):
        refuse_development_senders()


def test_production_refuses_a_gateway_reached_over_plain_http():
    gateway = {**GATEWAY, "url": "http://sms.example.pk/send"}
    with (
        override_settings(PRODUCTION=True, RABTA_SMS_BACKEND=HTTP_SMS, RABTA_SMS_GATEWAY=gateway),
        pytest.raises(ImproperlyConfigured, match="RABTA_SMS_GATEWAY_URL"),
    ):
        refuse_development_senders()


def test_production_with_a_gateway_starts():
    with override_settings(PRODUCTION=True, RABTA_SMS_BACKEND=HTTP_SMS, RABTA_SMS_GATEWAY=GATEWAY):
        refuse_development_senders()


def test_development_profiles_keep_the_console():
    with override_settings(PRODUCTION=False, RABTA_SMS_BACKEND=DEVELOPMENT_SMS_SENDERS[0]):
        refuse_development_senders()


# A stand-in for the subclass case above (imported by dotted path).
class PrintingSender(SmsSender):
    development_only = True

    def send(self, message):
        pass
