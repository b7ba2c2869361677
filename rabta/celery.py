"""Celery app. With no broker configured, tasks run eagerly in-process (the embedded default)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING, Any

from celery import Celery

if TYPE_CHECKING:
    from django.apps import AppConfig

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rabta.settings")

app = Celery("rabta")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule_collect(app_configs: Iterable[AppConfig] | None = None) -> dict[str, dict[str, Any]]:
    """Every installed app's periodic entries: the ``BEAT_SCHEDULE`` its ``tasks.py`` declares
    (``{"entry-name": {"task": "rabta.<app>.tasks.<name>", "schedule": seconds}}``). An entry name
    declared by two apps is refused: beat would run only one of them."""
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import module_has_submodule

    schedule: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}
    for config in apps.get_app_configs() if app_configs is None else app_configs:
        if config.module is None or not module_has_submodule(config.module, "tasks"):
            continue
        declared: Mapping[str, dict[str, Any]] = getattr(import_module(f"{config.name}.tasks"), "BEAT_SCHEDULE", {})
        for name, entry in declared.items():
            if name in schedule:
                raise ImproperlyConfigured(f"beat entry {name!r} is declared by both {owner[name]} and {config.label}")
            schedule[name] = entry
            owner[name] = config.label
    return schedule


class DomainBeatSchedule(Mapping[str, dict[str, Any]]):
    """``beat_schedule``, collected from the domains on first read.

    Schedules live in code, each in its own domain's tasks.py. They can be found only through
    Django's app registry, which is not ready when this module is imported (Django's settings import
    it), so the collection waits for the first read: beat reads the schedule after its Django fix-up
    has run django.setup(), and a read before that fails loudly (AppRegistryNotReady)."""

    @cached_property
    def _entries(self) -> dict[str, dict[str, Any]]:
        return beat_schedule_collect()

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


app.conf.beat_schedule = DomainBeatSchedule()
