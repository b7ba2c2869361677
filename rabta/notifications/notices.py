"""What a notification says, declared by the domain that sends it.

The notifications app knows how to write, render and deliver a message, and nothing of what any
domain has to say. A domain declares its messages in an optional ``notices.py`` module::

    from django.utils.translation import gettext_lazy as _

    from rabta.notifications.notices import Notice

    NOTICES = {
        "complaint_submitted": Notice(
            subject=_("Complaint %(tracking_number)s received"),
            body=_("Your complaint %(tracking_number)s has been sent to %(office)s. ..."),
        ),
    }

and sends one by its name (``notification_enqueue(user=..., template="complaint_submitted", ...)``).
The names are stored in every outbox row, so a name never changes once used. The registry is
collected from every installed app when the notifications app starts (``NotificationsConfig.ready``):
two apps declaring one name stop start-up, and an undeclared name fails at enqueue time, in the
transaction of the change it would have reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule

MODULE = "notices"  # the module an app declares its notices in


@dataclass(frozen=True)
class Notice:
    """One message's subject (email only) and body (email and SMS): lazy gettext texts with
    ``%(name)s`` placeholders filled from the context the sender passes."""

    subject: str | Promise
    body: str | Promise


class UnknownNotice(LookupError):
    """A notification was asked for by a name no installed app declares: a programming error, so
    it fails the transaction that asked rather than writing a message nobody can render."""


_registry: dict[str, Notice] | None = None


def notices_collect(app_configs: Iterable[AppConfig]) -> dict[str, Notice]:
    """Every app's ``NOTICES``, merged. A name declared by two apps is refused: the outbox row
    would not say whose message it is."""
    collected: dict[str, Notice] = {}
    owner: dict[str, str] = {}
    for config in app_configs:
        if config.module is None or not module_has_submodule(config.module, MODULE):
            continue
        declared: Mapping[str, Notice] = getattr(import_module(f"{config.name}.{MODULE}"), "NOTICES", {})
        for name, notice in declared.items():
            if name in collected:
                raise ImproperlyConfigured(
                    f"notification template {name!r} is declared by both {owner[name]} and {config.label}"
                )
            if not isinstance(notice, Notice):
                raise ImproperlyConfigured(f"{config.name}.{MODULE}.NOTICES[{name!r}] is not a Notice")
            collected[name] = notice
            owner[name] = config.label
    return collected


def notices_install(notices: dict[str, Notice]) -> None:
    """Make ``notices`` the registry (at start-up; tests that swap it restore it)."""
    global _registry
    _registry = notices


def notice_get(name: str) -> Notice:
    """The notice declared under ``name``; :class:`UnknownNotice` if no app declares it."""
    if _registry is None:
        raise ImproperlyConfigured("notifications are read before the notifications app is ready")
    try:
        return _registry[name]
    except KeyError:
        raise UnknownNotice(f"no installed app declares the notification template {name!r}") from None


def notice_names() -> frozenset[str]:
    """Every declared template name."""
    return frozenset(_registry or ())
