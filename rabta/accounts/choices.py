from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The languages the interface speaks (settings.LANGUAGES), each named in itself."""

    EN = "en", "English"
    UR = "ur", "اردو"


class ComplainantType(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    OVERSEAS = "overseas", _("Overseas citizen")
    FOREIGNER = "foreigner", _("Foreigner")
    BUSINESS = "business", _("Business (trader or clearing agent)")


class BusinessRole(models.TextChoices):
    TRADER = "trader", _("Trader")
    CLEARING_AGENT = "clearing_agent", _("Clearing agent")


class DocumentType(models.TextChoices):
    CNIC = "cnic", _("CNIC (Computerised National Identity Card)")
    NICOP = "nicop", _("NICOP (National Identity Card for Overseas Pakistanis)")
    POC = "poc", _("POC (Pakistan Origin Card)")
    PASSPORT = "passport", _("Passport")
    NTN = "ntn", _("NTN (National Tax Number)")


class Gender(models.TextChoices):
    UNDISCLOSED = "", _("Prefer not to say")
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    TRANSGENDER = "transgender", _("Transgender person")


class VerificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
