"""Reference data kept in each process's memory, dropped everywhere when it changes.

Intake reads the same few rows on every submission (the category, the place and its parents, the
category's routing rules, the deadline policy). Building those queries costs more CPU than the
rest of the request, so each process keeps what it has read in a :class:`VersionedMemo`.

Correctness comes from a version token in the default cache, which every process of a deployment
shares (Redis; files under the data folder in the embedded shape; see rabta.settings.CACHES).
A change to the underlying rows replaces the token (:meth:`VersionedMemo.changed`, wired to the
models' ``post_save``/``post_delete`` by the memo's owner), and each process compares its token
with the shared one before reading from memory (:meth:`VersionedMemo.data`): one cache read, no
query. The token is replaced twice, when the row is written (so that this process and any process
that reads it sees it at once) and again after the transaction commits: a process that reloaded
between the two read the old rows, and the second replacement makes it read again.

Writes that send no signal (``QuerySet.update``, ``bulk_create``, SQL) must call ``changed()``
themselves; ``MAX_AGE_S`` bounds what a forgotten one can cost. When the cache cannot be reached
the memo is not trusted: every read goes to the database, as it did before the memo existed.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

MAX_AGE_S = 300.0  # a safety net for writes that bypass signals; signals make changes visible at once


class VersionedMemo:
    """A dictionary of derived values, valid while the shared version token is unchanged."""

    def __init__(self, name: str, *, max_age_s: float = MAX_AGE_S) -> None:
        self.name = name
        self.key = f"rabta:memo:{name}:version"
        self.max_age_s = max_age_s
        self._version: str | None = None
        self._since = 0.0
        self._data: dict[Any, Any] = {}

    def data(self) -> dict[Any, Any]:
        """The memo's dictionary, emptied first if anything changed since it was filled. Callers
        read and fill it; what they store must have been read *after* this call (the version is
        taken before the rows, so a change in between is caught by the next call)."""
        version = self._shared_version()
        now = time.monotonic()
        if version is None:  # the cache is unreachable: trust nothing kept in memory
            self._version, self._data = None, {}
            return {}
        if version != self._version or now - self._since > self.max_age_s:
            self._version, self._since, self._data = version, now, {}
        return self._data

    def changed(self, using: str | None = None) -> None:
        """Forget the memo in every process: now, and again once the current transaction commits."""
        self.forget()
        transaction.on_commit(self.forget, using=using)

    def forget(self) -> None:
        """Drop this process's copy and replace the shared token (which every process checks)."""
        self._version, self._data = None, {}
        try:
            cache.set(self.key, uuid.uuid4().hex, timeout=None)
        except Exception:  # the next data() finds the cache unreachable too and reads the database
            log.warning("memo %s: cannot replace the version token", self.name, exc_info=True)

    def forget_locally(self) -> None:
        """Drop this process's copy only (tests: the database they filled it from was rolled back)."""
        self._version, self._data = None, {}

    def _shared_version(self) -> str | None:
        try:
            version = cache.get(self.key)
            if version is None:
                # First use, or the cache lost the token (eviction, restart): a new random token,
                # never a counter that could come back to a value some process still holds.
                cache.add(self.key, uuid.uuid4().hex, timeout=None)
                version = cache.get(self.key)
        except Exception:
            log.warning("memo %s: cache unreachable, reading the database", self.name, exc_info=True)
            return None
        return None if version is None else str(version)
