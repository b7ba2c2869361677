"""The outbox: every message to send is a row written in the same transaction as the change that
causes it, then delivered after commit. A crash between commit and delivery leaves the row
pending, and a crash between claiming a row and sending it leaves it claimed until its lease runs
out; either way the next delivery or the retry sweep sends it (at least once)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rabta.accounts.choices import Language
from rabta.core.fields import EncryptedTextField


class Outbox(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to = EncryptedTextField()
    template = models.CharField(max_length=60)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.EN)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not before this moment: now for a new row, later after a failed attempt (backing off).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a deliverer claimed the row; a row still 'sending' long after was claimed by one that died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # delivery: WHERE state = 'pending' AND next_attempt_at <= now
            models.Index(fields=["next_attempt_at"], name="ntf_outbox_ready_idx", condition=models.Q(state="pending")),
            # abandoned claims: WHERE state = 'sending' AND claimed_at < now - lease
            models.Index(fields=["claimed_at"], name="ntf_outbox_claimed_idx", condition=models.Q(state="sending")),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.channel} ({self.state})"
