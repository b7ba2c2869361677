"""The vocabularies of the intelligence domain (stored values never change)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalKind(models.TextChoices):
    """What a misuse signal says about a complaint's complainant (``MisuseSignal.kind``)."""

    ABUSIVE_LANGUAGE = "abusive_language", _("Abusive language")
    REPEATED_COMPLAINT = "repeated_complaint", _("Repeated near-identical complaint")


class SignalStatus(models.TextChoices):
    """Where a person's review of a signal stands: only a confirmed one counts in the index."""

    OPEN = "open", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
