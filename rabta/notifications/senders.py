"""Outgoing SMS senders behind one interface. Email goes through Django's email backends.

The SMS gateway is a true system edge: production plugs in a gateway's sender by dotted path in
RABTA_SMS_BACKEND; development prints to the console; tests collect messages in memory.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    body: str


class SmsSender:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleSmsSender(SmsSender):
    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"[sms to {message.to}] {message.body}\n")
        sys.stdout.flush()


class LocmemSmsSender(SmsSender):
    """Keeps sent messages in ``outbox`` for tests (like Django's locmem email backend)."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, message: SmsMessage) -> None:
        LocmemSmsSender.outbox.append(message)


def sms_sender() -> SmsSender:
    sender: SmsSender = import_string(settings.RABTA_SMS_BACKEND)()
    return sender
