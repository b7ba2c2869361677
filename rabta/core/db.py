"""Per-connection set-up: the switch behind the append-only trigger on core_event.

In production the trigger always refuses UPDATE, DELETE and TRUNCATE. The test suite must empty
tables between transactional tests, so the `test` profile turns on a maintenance switch on its own
connections (RABTA_EVENTS_APPEND_ONLY = False); the trigger test turns enforcement back on with
:func:`events_append_only`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from rabta.core.config import sqlite_files_secure

_local = threading.local()

M = TypeVar("M", bound=models.Model)


def locked(instance: M) -> M:
    """``instance`` read again under a row lock (SELECT ... FOR UPDATE), inside the caller's
    transaction: a service decides on the row as it is now, not as the caller read it, and a
    concurrent writer waits until this transaction ends."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def _enforced() -> bool:
    override = getattr(_local, "enforced", None)
    return settings.RABTA_EVENTS_APPEND_ONLY if override is None else bool(override)


@receiver(connection_created)
def _configure_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        if not connection.is_in_memory_db():
            sqlite_files_secure(str(connection.settings_dict["NAME"]))
        # The trigger calls this function; a client without it (the sqlite3 shell) gets "no such
        # function" and the write fails: closed by default.
        connection.connection.create_function("rabta_events_locked", 0, lambda: 1 if _enforced() else 0)
    elif connection.vendor == "postgresql" and not settings.RABTA_EVENTS_APPEND_ONLY:
        with connection.cursor() as cursor:
            cursor.execute("SET rabta.events_maintenance = 'on'")


@contextmanager
def events_append_only() -> Iterator[None]:
    """Enforce the trigger inside this block even where the profile relaxes it (tests)."""
    previous = getattr(_local, "enforced", None)
    _local.enforced = True
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL rabta.events_maintenance = 'off'")
        yield
    finally:
        _local.enforced = previous


@contextmanager
def events_maintenance(connection: Any) -> Iterator[None]:
    """Let this block rewrite event rows on ``connection``, where the trigger would refuse it: for
    the data migrations that re-point events at a subject whose model moved to another app (its
    ``subject_type`` label changes, the history does not), never for changing what happened.

    The two paths the trigger reads: on SQLite the function this module registers answers "not
    locked" inside the block; on PostgreSQL ``rabta.events_maintenance`` is switched on for the
    current transaction only (migrations run in one) and put back as it was afterwards. If the
    block fails, the transaction rolls back and takes the switch with it."""
    previous = getattr(_local, "enforced", None)
    _local.enforced = False
    before = ""
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT coalesce(current_setting('rabta.events_maintenance', true), '')")
                (before,) = cursor.fetchone()
                cursor.execute("SELECT set_config('rabta.events_maintenance', 'on', true)")
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('rabta.events_maintenance', %s, true)", [before])
    finally:
        _local.enforced = previous
