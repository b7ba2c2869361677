"""Shared model pieces: timestamps, the append-only event (audit) table, the key canary."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Events are append-only; they cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Events are append-only; they cannot be deleted.")

    def for_subject(self, subject: models.Model) -> EventQuerySet:
        return self.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))


class Event(models.Model):
    """One immutable row per state change, written in the same transaction as the change.

    The table is append-only at three levels: this model refuses updates and deletes, its queryset
    refuses bulk ones, and a database trigger (migration 0002) refuses both from any client.
    """

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the actor acted as (role name), kept because a user's roles change over time.
    actor_role = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=80)  # "<domain>.<what>", e.g. "accounts.identity_added"
    subject_type = models.CharField(max_length=80)  # app_label.model
    subject_id = models.CharField(max_length=64)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            # The timeline of one item: WHERE subject_type=%s AND subject_id=%s ORDER BY occurred_at
            models.Index(fields=["subject_type", "subject_id", "occurred_at"], name="core_event_subject_idx"),
            # Events of one kind (audit queries, roll-ups). A plain index: db_index=True would add a
            # second, LIKE-only index on PostgreSQL that every append would pay for.
            models.Index(fields=["kind"], name="core_event_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}#{self.subject_id} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Events are append-only; they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Events are append-only; they cannot be deleted.")


class KeyCanary(models.Model):
    """A known value encrypted with the current field key when the database was first set up.

    At start-up (`rabta check`, `/readyz`) it is decrypted: if the configured keys cannot read it,
    the process stops instead of serving garbage or failing later on a citizen's record.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "encryption key canary"
