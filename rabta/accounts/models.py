"""Users, their single KYC identity documents, self-identification and roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rabta.accounts.choices import BusinessRole, ComplainantType, DocumentType, Gender, Language, VerificationChannel
from rabta.accounts.roles import Role
from rabta.accounts.validators import fold_email
from rabta.core.fields import EncryptedTextField
from rabta.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None, **extra: Any) -> User:
        # Domain code registers users through rabta.accounts.services.user_register; this exists for
        # Django's own tooling (createsuperuser, admin). The address is spelt as sign-in looks it up.
        user = self.model(email=fold_email(email) if email else None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are unique among verified holders only: the verified one, else the oldest.
        user = (
            self.filter(email=fold_email(username or ""))
            .order_by(models.F("email_verified_at").asc(nulls_last=True), "date_joined", "pk")
            .first()
        )
        if user is None:
            raise self.model.DoesNotExist
        return user

    def create_superuser(self, email: str | None = None, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Complainants and staff alike; what they may do comes from roles.

    A user signs in with an email address or a phone number. The phone number is stored encrypted
    (E.164) with a keyed hash for look-ups and uniqueness.

    An email address or phone number is unique among the accounts that have *verified* it: anyone
    can type someone else's identifier into a registration form, and such an unverified claim must
    not lock the real holder out. Several accounts may claim one identifier until one of them
    verifies it; that one holds it from then on (rabta.accounts.services.verification_confirm).
    """

    # Stored as rabta.accounts.validators.normalize_email spells it, so look-ups are exact. NULL, not
    # "", for "none given": the check below and the verified-holder constraints must skip it.
    email = models.EmailField(_("email address"), null=True, blank=True)  # noqa: DJ001
    phone = EncryptedTextField(_("phone number"), blank=True)
    phone_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    full_name = models.CharField(_("full name"), max_length=160)
    preferred_language = models.CharField(max_length=5, choices=Language.choices, default=Language.EN)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("May use the Django admin (administrators only)."))
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        indexes = [
            # Sign-in, registration and verification look up accounts by normalised email / phone hash.
            models.Index(fields=["email"], name="acc_user_email_idx"),
            models.Index(fields=["phone_hash"], name="acc_user_phone_hash_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(phone_hash__isnull=False),
                name="acc_user_has_email_or_phone",
            ),
            # One verified holder per identifier; unverified claims are free (see the docstring).
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(email_verified_at__isnull=False),
                name="acc_user_verified_email_unique",
            ),
            models.UniqueConstraint(
                fields=["phone_hash"],
                condition=models.Q(phone_verified_at__isnull=False),
                name="acc_user_verified_phone_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or f"user #{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""

    # The role names, cached for the request by rabta.core.permissions.user_roles.
    _rabta_roles: set[str] | None = None

    @property
    def roles(self) -> set[str]:
        from rabta.accounts.roles import user_roles

        return user_roles(self)


class ComplainantProfile(TimeStampedModel):
    """Who the complainant is, for routing, priority and statistics.

    The self-identification flags are optional and never shown to a handling office; they drive
    priority and the published statistics only.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="complainant_profile")
    complainant_type = models.CharField(max_length=12, choices=ComplainantType.choices)
    business_role = models.CharField(max_length=16, choices=BusinessRole.choices, blank=True)
    business_name = models.CharField(max_length=200, blank=True)
    country_of_residence = models.CharField(max_length=2, default="PK", help_text=_("ISO 3166-1 alpha-2"))
    nationality = models.CharField(max_length=2, default="PK", help_text=_("ISO 3166-1 alpha-2"))
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    has_disability = models.BooleanField(default=False)
    is_minority = models.BooleanField(default=False)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    women_led_business = models.BooleanField(default=False)
    youth_led_business = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(complainant_type=ComplainantType.BUSINESS)
                | (
                    models.Q(business_role="") & models.Q(women_led_business=False) & models.Q(youth_led_business=False)
                ),
                name="acc_profile_business_fields_only_for_business",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_complainant_type_display()})"

    @property
    def is_senior(self) -> bool:
        return bool(self.birth_year and timezone.now().year - self.birth_year >= 60)


class IdentityDocument(TimeStampedModel):
    """One identity document of one person or business: the single KYC registry.

    The number is encrypted; ``number_hash`` is a keyed hash of the normalised number within its
    namespace: CNIC, NICOP and POC share NADRA's number space, so a CNIC verified for one user
    cannot reappear verified as another user's NICOP.

    A number is unique among *verified* documents only. Typing a number proves nothing, so an
    unverified claim must not keep the real holder from registering theirs; the document that
    passes the verification the deployment trusts (rabta.accounts.services.identity_verify, see
    docs/accounts.md) holds the number, and other claims to it stay unverified for good.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_documents")
    doc_type = models.CharField(max_length=10, choices=DocumentType.choices)
    number = EncryptedTextField()
    number_hash = models.CharField(max_length=64, editable=False)
    number_last4 = models.CharField(max_length=4, editable=False, help_text=_("For display only: ****1234."))
    issuing_country = models.CharField(max_length=2, default="PK", help_text=_("ISO 3166-1 alpha-2"))
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Registration and identity_verify look for other holders of a number.
            models.Index(fields=["number_hash"], name="acc_identity_number_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "doc_type"], name="acc_identity_one_per_type_per_user"),
            # The verified holder of a number is unique; unverified claims to it are not.
            models.UniqueConstraint(
                fields=["number_hash"],
                condition=models.Q(verified_at__isnull=False),
                name="acc_identity_verified_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} ****{self.number_last4}"

    @property
    def masked(self) -> str:
        return f"****{self.number_last4}"


class RoleAssignment(TimeStampedModel):
    """A role held by a user, attached to an office or a government when the role's scope needs it.

    Rules on which attachment each role needs live in rabta.accounts.roles and are enforced by
    rabta.accounts.services.role_assign.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=24, choices=Role.choices)
    office = models.ForeignKey(
        "directory.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    government = models.ForeignKey(
        "directory.Government", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    post = models.ForeignKey(
        "directory.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="role_assignments"
    )
    active = models.BooleanField(default=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            # Inbox scoping: "which offices does this user work for" on every request.
            models.Index(fields=["user", "active", "role"], name="acc_roleassign_user_idx"),
            models.Index(fields=["office", "role", "active"], name="acc_roleassign_office_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "office", "government"], name="acc_roleassign_unique"),
        ]

    def __str__(self) -> str:
        where = self.office or self.government or "global"
        return f"{self.user} — {self.get_role_display()} @ {where}"


class VerificationCode(models.Model):
    """A one-time code sent to verify an email address or phone number. Only its hash is stored.

    ``target_hash`` is the keyed hash of the address or number the code went to: resends are
    limited per identifier, whichever account asked, since every code is a message to its holder.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    channel = models.CharField(max_length=8, choices=VerificationChannel.choices)
    code_hash = models.CharField(max_length=64)
    target_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "channel", "used_at"], name="acc_verif_user_channel_idx"),
            # Resend delays: the codes sent to one identifier in the last day.
            models.Index(fields=["target_hash", "created_at"], name="acc_verif_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} code for {self.user_id}"
