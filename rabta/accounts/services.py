"""Writes to accounts: registration, identity documents, roles, contact verification, TOTP."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts.choices import BusinessRole, ComplainantType, DocumentType, VerificationChannel
from rabta.accounts.errors import AccountsError
from rabta.accounts.models import ComplainantProfile, IdentityDocument, RoleAssignment, User, VerificationCode
from rabta.accounts.roles import Role, definition
from rabta.accounts.validators import document_hash_namespace, normalize_country, normalize_document, normalize_phone
from rabta.core.crypto import lookup_hash
from rabta.core.errors import CoreError, DomainError
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.notifications.senders import SmsMessage, sms_sender

MAX_VERIFICATION_ATTEMPTS = 5


@dataclass(frozen=True)
class DocumentInput:
    doc_type: str
    number: str
    issuing_country: str = "PK"


class _Errors:
    """Collects field errors so that one response names every bad field at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[dict[str, str]]] = {}

    def add(self, field: str, code: str, message: str) -> None:
        self.fields.setdefault(field, []).append({"code": str(code), "message": str(message)})

    def add_validation(self, field: str, exc: ValidationError) -> None:
        for error in exc.error_list:
            self.add(field, error.code or "invalid", " ".join(error.messages))

    def raise_if_any(self) -> None:
        if self.fields:
            field, errors = next(iter(self.fields.items()))
            raise DomainError(CoreError.VALIDATION, f"{field}: {errors[0]['message']}", fields=self.fields)


def _normalized_documents(documents: list[DocumentInput], errors: _Errors) -> list[tuple[DocumentInput, str, str]]:
    """Validate documents; return (input, normalised number, hash) for the good ones."""
    result: list[tuple[DocumentInput, str, str]] = []
    seen_types: set[str] = set()
    for index, document in enumerate(documents):
        field = f"documents.{index}.number"
        if document.doc_type not in DocumentType.values:
            errors.add(f"documents.{index}.doc_type", "document_type_unknown", _("Unknown identity document type."))
            continue
        if document.doc_type in seen_types:
            errors.add(
                f"documents.{index}.doc_type",
                AccountsError.IDENTITY_TYPE_TWICE,
                _("Each kind of document can be given once."),
            )
            continue
        seen_types.add(document.doc_type)
        try:
            # A passport must name its issuing country; NADRA and FBR documents are Pakistani.
            default_country = "" if document.doc_type == DocumentType.PASSPORT else "PK"
            country = normalize_country(document.issuing_country or default_country)
            number = normalize_document(document.doc_type, document.number, country=country)
        except ValidationError as exc:
            errors.add_validation(field, exc)
            continue
        digest = lookup_hash(number, purpose=document_hash_namespace(document.doc_type, country=country))
        if IdentityDocument.objects.filter(number_hash=digest).exists():
            errors.add(field, AccountsError.IDENTITY_DUPLICATE, _("This identity document is already registered."))
            continue
        result.append((DocumentInput(document.doc_type, number, country), number, digest))
    return result


def _create_documents(user: User, documents: list[tuple[DocumentInput, str, str]], field_prefix: str) -> None:
    for index, (document, number, digest) in enumerate(documents):
        try:
            with transaction.atomic():
                IdentityDocument.objects.create(
                    user=user,
                    doc_type=document.doc_type,
                    number=number,
                    number_hash=digest,
                    number_last4=number[-4:],
                    issuing_country=document.issuing_country,
                )
        except IntegrityError as exc:
            # Lost a race with another registration of the same number between check and insert.
            raise DomainError.for_field(
                f"{field_prefix}.{index}.number",
                AccountsError.IDENTITY_DUPLICATE,
                _("This identity document is already registered."),
            ) from exc


@transaction.atomic
def user_register(
    *,
    full_name: str,
    password: str,
    complainant_type: str,
    email: str | None = None,
    phone: str | None = None,
    language: str = "en",
    documents: list[DocumentInput] | None = None,
    business_role: str = "",
    business_name: str = "",
    country_of_residence: str = "PK",
    nationality: str = "PK",
    gender: str = "",
    has_disability: bool = False,
    is_minority: bool = False,
    birth_year: int | None = None,
    women_led_business: bool = False,
    youth_led_business: bool = False,
) -> User:
    """Register a complainant. Every field is checked before anything is written; on any error
    a DomainError names each bad field and nothing is saved."""
    errors = _Errors()
    full_name = text_clean(full_name, model=User, name="full_name", errors=errors.fields)
    if not full_name and "full_name" not in errors.fields:
        errors.add("full_name", "required", _("Full name is required."))
    business_name = text_clean(business_name, model=ComplainantProfile, name="business_name", errors=errors.fields)
    email_normalized: str | None = None
    phone_normalized: str | None = None
    if email:
        email = text_clean(email, model=User, name="email", errors=errors.fields)
    if email and "email" not in errors.fields:
        try:
            validate_email(email.strip())
            email_normalized = email.strip().lower()
            if User.objects.filter(email__iexact=email_normalized).exists():
                errors.add("email", AccountsError.EMAIL_TAKEN, _("An account with this email address exists."))
        except ValidationError:
            errors.add("email", "email_invalid", _("Enter a valid email address."))
    if phone:
        try:
            phone_normalized = normalize_phone(phone)
            if User.objects.filter(phone_hash=lookup_hash(phone_normalized, purpose="phone")).exists():
                errors.add("phone", AccountsError.PHONE_TAKEN, _("An account with this phone number exists."))
        except ValidationError as exc:
            errors.add_validation("phone", exc)
    if not email and not phone:
        errors.add("email", AccountsError.EMAIL_OR_PHONE_REQUIRED, _("Give an email address or a phone number."))
    if language not in dict(settings.LANGUAGES):
        errors.add(
            "language",
            AccountsError.LANGUAGE_UNKNOWN,
            _("Language must be one of: %(codes)s.") % {"codes": ", ".join(dict(settings.LANGUAGES))},
        )
    if complainant_type not in ComplainantType.values:
        errors.add("complainant_type", AccountsError.COMPLAINANT_TYPE_UNKNOWN, _("Choose who you are."))
    is_business = complainant_type == ComplainantType.BUSINESS
    if not is_business and (business_role or women_led_business or youth_led_business):
        errors.add(
            "business_role",
            AccountsError.BUSINESS_FIELDS_ONLY_FOR_BUSINESS,
            _("Business details apply to businesses only."),
        )
    if business_role and business_role not in BusinessRole.values:
        errors.add("business_role", "business_role_unknown", _("Choose trader or clearing agent."))
    for field, value in (("country_of_residence", country_of_residence), ("nationality", nationality)):
        try:
            normalize_country(value)
        except ValidationError:
            errors.add(field, "country_invalid", _("Use a two-letter ISO country code, e.g. PK."))
    if birth_year is not None and not (1900 <= birth_year <= timezone.now().year):
        errors.add("birth_year", "birth_year_out_of_range", _("Birth year is out of range."))
    try:
        validate_password(password, User(email=email_normalized, full_name=full_name))
    except ValidationError as exc:
        for error in exc.error_list:
            errors.add("password", AccountsError.PASSWORD_WEAK, " ".join(error.messages))
    checked_documents = _normalized_documents(documents or [], errors)
    errors.raise_if_any()

    user = User(email=email_normalized, full_name=full_name, preferred_language=language)
    if phone_normalized:
        user.phone = phone_normalized
        user.phone_hash = lookup_hash(phone_normalized, purpose="phone")
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise DomainError(AccountsError.EMAIL_TAKEN, _("An account with this email or phone exists.")) from exc
    ComplainantProfile.objects.create(
        user=user,
        complainant_type=complainant_type,
        business_role=business_role if is_business else "",
        business_name=business_name if is_business else "",
        country_of_residence=country_of_residence.upper(),
        nationality=nationality.upper(),
        gender=gender,
        has_disability=has_disability,
        is_minority=is_minority,
        birth_year=birth_year,
        women_led_business=women_led_business and is_business,
        youth_led_business=youth_led_business and is_business,
    )
    _create_documents(user, checked_documents, "documents")
    RoleAssignment.objects.create(user=user, role=Role.COMPLAINANT)
    event_record(
        kind="accounts.user_registered",
        subject=user,
        actor=user,
        actor_role=Role.COMPLAINANT,
        data={"complainant_type": complainant_type, "documents": [d.doc_type for d, _, _ in checked_documents]},
    )
    return user


@transaction.atomic
def identity_add(*, user: User, document: DocumentInput, actor: Any = None) -> IdentityDocument:
    errors = _Errors()
    if user.identity_documents.filter(doc_type=document.doc_type).exists():
        errors.add("doc_type", AccountsError.IDENTITY_TYPE_TWICE, _("This kind of document is already registered."))
    checked = _normalized_documents([document], errors)
    errors.raise_if_any()
    _create_documents(user, checked, "documents")
    created = user.identity_documents.get(doc_type=document.doc_type)
    event_record(
        kind="accounts.identity_added", subject=user, actor=actor or user, data={"doc_type": document.doc_type}
    )
    return created


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    granted_by: Any = None,
    office: Any = None,
    government: Any = None,
) -> RoleAssignment:
    """Give a user a role, attached to what the role's scope needs (see rabta.accounts.roles)."""
    if role not in Role.values:
        raise DomainError.for_field("role", AccountsError.ROLE_UNKNOWN, _("Unknown role."))
    spec = definition(role)
    if spec.needs_office and office is None:
        raise DomainError.for_field(
            "office", AccountsError.ROLE_SCOPE_MISSING, _("This role is held in an office: choose the office.")
        )
    if spec.needs_government and government is None:
        raise DomainError.for_field(
            "government",
            AccountsError.ROLE_SCOPE_MISSING,
            _("This role is held for a government: choose the government."),
        )
    if office is not None and not spec.needs_office:
        raise DomainError.for_field(
            "office", AccountsError.ROLE_SCOPE_NOT_ALLOWED, _("This role is not attached to an office.")
        )
    if government is not None and not spec.needs_government:
        raise DomainError.for_field(
            "government", AccountsError.ROLE_SCOPE_NOT_ALLOWED, _("This role is not attached to a government.")
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        office=office,
        government=government,
        defaults={"granted_by": granted_by if getattr(granted_by, "pk", None) else None},
    )
    if not created and not assignment.active:
        assignment.active = True
        assignment.save(update_fields=["active", "updated_at"])
    user._rabta_roles = None  # type: ignore[attr-defined]
    event_record(
        kind="accounts.role_assigned",
        subject=user,
        actor=granted_by,
        to_state=role,
        data={"office": getattr(office, "code", None), "government": getattr(government, "code", None)},
    )
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, revoked_by: Any = None, reason: str = "") -> None:
    assignment.active = False
    assignment.save(update_fields=["active", "updated_at"])
    event_record(
        kind="accounts.role_revoked",
        subject=assignment.user,
        actor=revoked_by,
        from_state=assignment.role,
        reason=reason,
    )


def _code_hash(user: User, code: str) -> str:
    key = settings.RABTA_LOOKUP_HASH_KEY.encode()
    return hmac.new(key, f"verify:{user.pk}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def verification_send(*, user: User, channel: str) -> None:
    """Send a six-digit code to the user's email or phone. Only the code's keyed hash is stored."""
    if channel == VerificationChannel.EMAIL and not user.email:
        raise DomainError.for_field("channel", AccountsError.VERIFICATION_NO_TARGET, _("No email address to verify."))
    if channel == VerificationChannel.SMS and not user.phone:
        raise DomainError.for_field("channel", AccountsError.VERIFICATION_NO_TARGET, _("No phone number to verify."))
    if channel not in VerificationChannel.values:
        raise DomainError.for_field("channel", "channel_unknown", _("Choose email or SMS."))
    code = f"{secrets.randbelow(10**6):06d}"
    # A new code replaces any earlier one.
    VerificationCode.objects.filter(user=user, channel=channel, used_at__isnull=True).update(used_at=timezone.now())
    VerificationCode.objects.create(
        user=user,
        channel=channel,
        code_hash=_code_hash(user, code),
        expires_at=timezone.now() + timedelta(minutes=settings.RABTA_VERIFICATION_CODE_TTL_MINUTES),
    )
    text = _("Your Rabta verification code is %(code)s. It expires in %(minutes)s minutes.") % {
        "code": code,
        "minutes": settings.RABTA_VERIFICATION_CODE_TTL_MINUTES,
    }
    email, phone = user.email, user.phone

    def deliver() -> None:
        if channel == VerificationChannel.EMAIL and email:
            send_mail(_("Rabta verification code"), text, None, [email])
        elif phone:
            sms_sender().send(SmsMessage(to=phone, body=text))

    # Send only once the code is committed, so a rolled-back request never sends a dead code.
    transaction.on_commit(deliver)


def verification_confirm(*, user: User, channel: str, code: str) -> None:
    with transaction.atomic():
        pending = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, channel=channel, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if pending is None or pending.expires_at < timezone.now():
            raise DomainError.for_field(
                "code", AccountsError.VERIFICATION_EXPIRED, _("The code has expired. Ask for a new one.")
            )
        if pending.attempts >= MAX_VERIFICATION_ATTEMPTS:
            raise DomainError.for_field(
                "code", AccountsError.VERIFICATION_TOO_MANY_ATTEMPTS, _("Too many wrong codes. Ask for a new one.")
            )
        if not hmac.compare_digest(pending.code_hash, _code_hash(user, (code or "").strip())):
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
            wrong = True
        else:
            wrong = False
            pending.used_at = timezone.now()
            pending.save(update_fields=["used_at"])
            field = "email_verified_at" if channel == VerificationChannel.EMAIL else "phone_verified_at"
            setattr(user, field, timezone.now())
            user.save(update_fields=[field])
            event_record(kind="accounts.contact_verified", subject=user, actor=user, data={"channel": channel})
    # The attempt counter must stick even though the request fails, so raise after the commit.
    if wrong:
        raise DomainError.for_field("code", AccountsError.VERIFICATION_WRONG_CODE, _("That code is not right."))


@transaction.atomic
def totp_device_create(*, user: User, name: str = "authenticator", key: str | None = None) -> TOTPDevice:
    """Start TOTP enrolment: an unconfirmed device replaces earlier unconfirmed ones."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    kwargs: dict[str, Any] = {"user": user, "name": name, "confirmed": False}
    if key:
        kwargs["key"] = key
    return TOTPDevice.objects.create(**kwargs)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> TOTPDevice:
    if not device.verify_token((token or "").strip()):
        raise DomainError.for_field("token", AccountsError.TOTP_WRONG_CODE, _("That code is not right."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    event_record(kind="accounts.second_factor_enrolled", subject=device.user, actor=device.user)
    return device


def totp_current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


# Apps whose models an administrator configures through the Django admin. Complaint contents are
# deliberately absent: administrators do not read complaints by default (DESIGN.md).
ADMINISTRATOR_APPS = ("accounts", "directory", "otp_totp", "otp_static", "axes")
# Complaint configuration, which administrators keep: what is complained about, where it goes and
# how fast it must be answered. Never complaints themselves, nor anything about a complainant.
ADMINISTRATOR_MODELS = {"complaints": ("category", "routingrule", "deadlinepolicy", "cannedreply")}
ADMINISTRATOR_GROUP = "Rabta administrators"


def administrator_group_sync() -> Any:
    """Create or refresh the administrators' permission group from ADMINISTRATOR_APPS."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=ADMINISTRATOR_GROUP)
    configuration = Q(content_type__app_label__in=ADMINISTRATOR_APPS)
    for app_label, models in ADMINISTRATOR_MODELS.items():
        configuration |= Q(content_type__app_label=app_label, content_type__model__in=models)
    group.permissions.set(Permission.objects.filter(configuration))
    return group


@transaction.atomic
def administrator_grant(*, user: User, granted_by: Any = None) -> RoleAssignment:
    """Make a user an administrator: the role, Django admin access and the configuration group."""
    assignment = role_assign(user=user, role=Role.ADMINISTRATOR, granted_by=granted_by)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(administrator_group_sync())
    return assignment
