"""Outgoing SMS senders behind one interface. Email goes through Django's email backends.

The SMS gateway is a true system edge: production uses :class:`HttpSmsSender`, configured from the
environment (``RABTA_SMS_GATEWAY_*``, see ``.env.example``), or any other sender by dotted path in
RABTA_SMS_BACKEND; development prints to the console; tests collect messages in memory. The
development senders are marked ``development_only`` and refused when RABTA_ENV=production
(rabta.core.checks.refuse_development_parts).
"""

from __future__ import annotations

import base64
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from string import Template
from typing import Any, ClassVar

import structlog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    body: str

    def __repr__(self) -> str:
        # A message's repr ends up in tracebacks and task arguments: never the number or the code.
        return f"SmsMessage(to=<{len(self.to)} chars>, body=<{len(self.body)} chars>)"


class SmsSender:
    # True for senders that deliver nothing to a phone: production refuses to start with them.
    development_only: ClassVar[bool] = False

    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleSmsSender(SmsSender):
    development_only = True

    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"[sms to {message.to}] {message.body}\n")
        sys.stdout.flush()


class LocmemSmsSender(SmsSender):
    """Keeps sent messages in ``outbox`` for tests (like Django's locmem email backend)."""

    development_only = True
    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, message: SmsMessage) -> None:
        LocmemSmsSender.outbox.append(message)


class SmsGatewayError(Exception):
    """The gateway did not take the message. The text names the failure only (status, timeout),
    never the number, the body or the gateway's answer, because it is logged and stored in
    ``Outbox.last_error``."""


# What a body template may use. Values are escaped for the body's content type.
TEMPLATE_FIELDS = ("to", "to_digits", "body", "sender_id", "username", "password", "token")


@dataclass(frozen=True)
class GatewayConfig:
    url: str
    body_template: str
    content_type: str = "application/json"
    method: str = "POST"
    username: str = ""
    password: str = ""
    token: str = ""  # sent as "Authorization: Bearer <token>" when set
    sender_id: str = ""
    timeout: float = 10.0
    retries: int = 2  # further attempts after the first, for timeouts, connection errors, 429 and 5xx
    backoff: float = 0.5  # seconds before the first retry, doubled for each further one

    @classmethod
    def from_settings(cls, raw: dict[str, Any]) -> GatewayConfig:
        config = cls(**{key: value for key, value in raw.items() if value not in (None, "")})
        config.validate()
        return config

    def validate(self) -> None:
        parsed = urllib.parse.urlsplit(self.url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ImproperlyConfigured("RABTA_SMS_GATEWAY_URL: an http(s) URL of the gateway is required")
        if self.method not in {"POST", "PUT"}:
            raise ImproperlyConfigured("RABTA_SMS_GATEWAY_METHOD: POST or PUT")
        try:
            Template(self.body_template).substitute(dict.fromkeys(TEMPLATE_FIELDS, ""))
        except (KeyError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"RABTA_SMS_GATEWAY_BODY: unknown or malformed placeholder {exc}; use ${', $'.join(TEMPLATE_FIELDS)}"
            ) from None
        used = set(Template(self.body_template).get_identifiers())  # $name and ${name} alike
        if "body" not in used or not ({"to", "to_digits"} & used):
            raise ImproperlyConfigured("RABTA_SMS_GATEWAY_BODY: must contain $body and $to (or $to_digits)")
        if self.timeout <= 0 or self.retries < 0 or self.backoff < 0:
            raise ImproperlyConfigured("RABTA_SMS_GATEWAY_TIMEOUT/RETRIES/BACKOFF: must not be negative")


def _escape(value: str, content_type: str) -> str:
    if "json" in content_type:
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if "x-www-form-urlencoded" in content_type:
        return urllib.parse.quote_plus(value)
    return value


class HttpSmsSender(SmsSender):
    """Posts each message to an HTTP gateway, with a body built from RABTA_SMS_GATEWAY_BODY.

    A timeout, a refused connection, 429 or a 5xx answer is tried again (``retries`` times, with
    doubling back-off); any other answer outside 2xx fails at once, since sending the same request
    again cannot help. The outbox retries a failed message later on its own schedule.
    """

    def __init__(self, config: GatewayConfig | None = None) -> None:
        self.config = config or GatewayConfig.from_settings(settings.RABTA_SMS_GATEWAY)

    def _request(self, message: SmsMessage) -> urllib.request.Request:
        config = self.config
        values = {
            "to": message.to,
            "to_digits": message.to.lstrip("+"),
            "body": message.body,
            "sender_id": config.sender_id,
            "username": config.username,
            "password": config.password,
            "token": config.token,
        }
        body = Template(config.body_template).substitute(
            {key: _escape(value, config.content_type) for key, value in values.items()}
        )
        headers = {"Content-Type": config.content_type, "User-Agent": "Rabta-SMS/1"}
        if config.token:
            headers["Authorization"] = f"Bearer {config.token}"
        elif config.username:
            pair = base64.b64encode(f"{config.username}:{config.password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {pair}"
        return urllib.request.Request(config.url, data=body.encode("utf-8"), headers=headers, method=config.method)  # noqa: S310 - scheme checked in validate()

    def send(self, message: SmsMessage) -> None:
        request = self._request(message)
        attempts = self.config.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.config.timeout) as response:  # noqa: S310
                    response.read(4096)  # drain, unread: a gateway's answer may echo the number
                    log.info("sms.sent", status=response.status, attempt=attempt)
                    return
            except urllib.error.HTTPError as exc:
                failure = f"SMS gateway answered HTTP {exc.code}"
                retry = exc.code == 429 or exc.code >= 500
            except TimeoutError:
                failure, retry = "SMS gateway timed out", True
            except urllib.error.URLError as exc:
                # The reason of a URLError can hold the URL, which a template may have filled with the
                # number: name only the kind of failure.
                reason = exc.reason
                kind = "timed out" if isinstance(reason, TimeoutError) else f"unreachable ({type(reason).__name__})"
                failure, retry = f"SMS gateway {kind}", True
            except OSError as exc:
                failure, retry = f"SMS gateway connection failed ({type(exc).__name__})", True
            log.warning("sms.gateway_failed", failure=failure, attempt=attempt, will_retry=retry and attempt < attempts)
            if not retry or attempt == attempts:
                raise SmsGatewayError(failure)
            time.sleep(self.config.backoff * 2 ** (attempt - 1))


def sms_sender() -> SmsSender:
    sender: SmsSender = import_string(settings.RABTA_SMS_BACKEND)()
    return sender
