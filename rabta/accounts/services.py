"""Writes to accounts: registration, identity documents, roles, contact verification, TOTP."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts.choices import BusinessRole, ComplainantType, DocumentType, VerificationChannel
from rabta.accounts.errors import AccountsError
from rabta.accounts.events import AccountsEvent
from rabta.accounts.models import ComplainantProfile, IdentityDocument, RoleAssignment, User, VerificationCode
from rabta.accounts.permissions import (
    USER_FIELDS_ADMINISTRATORS_EDIT as USER_FIELDS_ADMINISTRATORS_EDIT,  # the rules' old home: still importable
)
from rabta.accounts.permissions import USER_FIELDS_SUPERUSERS_EDIT as USER_FIELDS_SUPERUSERS_EDIT
from rabta.accounts.permissions import (
    require_account_manageable,
    require_fields_editable,
    require_role_grant,
    require_role_revoke,
)
from rabta.accounts.permissions import user_fields_editable_by as user_fields_editable_by
from rabta.accounts.roles import STAFF_ROLES, Role, definition
from rabta.accounts.selectors import identifier_filter
from rabta.accounts.types import Actor, signed_in_or_none
from rabta.accounts.validators import (
    document_hash_namespace,
    normalize_country,
    normalize_document,
    normalize_email,
    normalize_phone,
)
from rabta.core.crypto import lookup_hash
from rabta.core.db import locked
from rabta.core.errors import Conflict, CoreError, DomainError, FieldErrorCollector, Throttled
from rabta.core.events import event_record
from rabta.core.ratelimit import RateLimited
from rabta.core.textinput import text_clean
from rabta.notifications.senders import SmsMessage, sms_sender
from rabta.notifications.services import Recipient, notification_enqueue, notifications_enqueue

MAX_VERIFICATION_ATTEMPTS = 5  # wrong codes per code
MAX_VERIFICATION_ATTEMPTS_PER_DAY = 10  # wrong codes per account and channel, across resends
MAX_CODES_PER_DAY = 6  # codes per identifier (email address or phone number), whoever asks
# The wait before the n-th code of the day to one identifier (the first goes at once).
RESEND_DELAYS = (timedelta(0), timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=5), timedelta(minutes=15))
VERIFICATION_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class DocumentInput:
    doc_type: str
    number: str
    issuing_country: str = "PK"


def _normalized_documents(
    documents: list[DocumentInput], errors: FieldErrorCollector, *, user: User | None = None
) -> list[tuple[DocumentInput, str, str]]:
    """Validate documents; return (input, normalised number, hash) for the good ones.

    A number another account has claimed, or even verified, is not an error: saying so would tell
    anyone who types a CNIC whether it is registered, and an unverified claim must not keep the
    real holder out (see IdentityDocument). Only the registrant's own repetition is refused.
    """
    result: list[tuple[DocumentInput, str, str]] = []
    seen_types: set[str] = set()
    seen_hashes: set[str] = set(user.identity_documents.values_list("number_hash", flat=True)) if user else set()
    for index, document in enumerate(documents):
        field = f"documents.{index}.number"
        if document.doc_type not in DocumentType.values:
            errors.add(
                f"documents.{index}.doc_type", AccountsError.DOCUMENT_TYPE_UNKNOWN, _("Unknown identity document type.")
            )
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
        if digest in seen_hashes:
            # The same NADRA number as a CNIC and a NICOP, say: one person's own input, so no leak.
            errors.add(field, AccountsError.IDENTITY_GIVEN_TWICE, _("This number is given twice."))
            continue
        seen_hashes.add(digest)
        result.append((DocumentInput(document.doc_type, number, country), number, digest))
    return result


def _create_documents(user: User, documents: list[tuple[DocumentInput, str, str]]) -> None:
    for document, number, digest in documents:
        IdentityDocument.objects.create(
            user=user,
            doc_type=document.doc_type,
            number=number,
            number_hash=digest,
            number_last4=number[-4:],
            issuing_country=document.issuing_country,
        )


_IDENTIFIER_LABELS = {
    "email": gettext_lazy("email address"),
    "phone": gettext_lazy("phone number"),
    "document": gettext_lazy("identity document number"),
}


def _tell_verified_holders(*, user: User, email: str | None, phone: str | None, document_hashes: list[str]) -> None:
    """Tell the verified holder of each identifier ``user`` has just claimed, instead of telling the
    claimant that it is taken. Written to the outbox in the caller's transaction."""
    notices: list[tuple[Any, str, dict[str, Any]]] = []
    for kind, value in (("email", email), ("phone", phone)):
        if not value:
            continue
        verified = {f"{kind}_verified_at__isnull": False}
        holder = User.objects.filter(identifier_filter(kind, value), **verified).exclude(pk=user.pk).first()
        if holder is not None:
            recipient = Recipient(**{kind: value}, language=holder.preferred_language)
            notices.append((recipient, "identifier_claimed", {"identifier": _IDENTIFIER_LABELS[kind]}))
    if document_hashes:
        holders = (
            IdentityDocument.objects.filter(number_hash__in=document_hashes, verified_at__isnull=False)
            .exclude(user=user)
            .select_related("user")
        )
        for document in holders:
            notices.append(
                (
                    _verified_contact(document.user),
                    "identifier_claimed",
                    {"identifier": _IDENTIFIER_LABELS["document"]},
                )
            )
    if notices:
        notifications_enqueue(notices)


def _verified_contact(user: User) -> Any:
    """Where to reach a user about their account: only contacts they have proved they hold."""
    email = user.email if user.email_verified_at else ""
    phone = user.phone if user.phone_verified_at else ""
    if not email and not phone:
        email = user.email or ""
    return Recipient(email=email or "", phone=phone or "", language=user.preferred_language)


def registration_subjects(
    *, email: str | None = None, phone: str | None = None, documents: list[DocumentInput] | None = None
) -> list[str]:
    """The identifiers a registration names, normalised, for per-identifier rate limits: every
    spelling of one identifier counts against the same limit. Unreadable values are left out
    (registration itself reports them)."""
    subjects: list[str] = []
    if email:
        with contextlib.suppress(ValidationError):
            subjects.append("email:" + normalize_email(email))
    if phone:
        with contextlib.suppress(ValidationError):
            subjects.append("phone:" + normalize_phone(phone))
    for document in documents or []:
        with contextlib.suppress(ValidationError, ValueError, KeyError):
            country = normalize_country(document.issuing_country or "PK")
            number = normalize_document(document.doc_type, document.number, country=country)
            subjects.append(f"{document_hash_namespace(document.doc_type, country=country)}:{number}")
    return subjects


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
    a DomainError names each bad field and nothing is saved.

    The answer never says whether an email, phone or identity number is registered already: the
    account is created with its identifiers as unverified claims either way, and the verified
    holder of any of them is told instead (issue 17 items 4 and 5). Such a claim can never be
    verified (verification_confirm), so it gives the claimant nothing of the holder's."""
    errors = FieldErrorCollector()
    full_name = text_clean(full_name, model=User, name="full_name", errors=errors.fields)
    if not full_name and "full_name" not in errors.fields:
        errors.add("full_name", AccountsError.REQUIRED, _("Full name is required."))
    business_name = text_clean(business_name, model=ComplainantProfile, name="business_name", errors=errors.fields)
    email_normalized: str | None = None
    phone_normalized: str | None = None
    if email:
        # Normalised first: it folds every way of typing one address (spaces, tabs, invisible and
        # full-width characters) into the one that is stored, and answers the same whichever way it
        # was typed; the stored form is then checked like any other string (its column's length).
        try:
            email_normalized = normalize_email(email)
        except ValidationError as exc:
            errors.add_validation("email", exc)
        else:
            email_normalized = text_clean(email_normalized, model=User, name="email", errors=errors.fields) or None
    if phone:
        try:
            phone_normalized = normalize_phone(phone)
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
        errors.add("business_role", AccountsError.BUSINESS_ROLE_UNKNOWN, _("Choose trader or clearing agent."))
    for field, value in (("country_of_residence", country_of_residence), ("nationality", nationality)):
        try:
            normalize_country(value)
        except ValidationError:
            errors.add(field, AccountsError.COUNTRY_INVALID, _("Use a two-letter ISO country code, e.g. PK."))
    if birth_year is not None and not (1900 <= birth_year <= timezone.now().year):
        errors.add("birth_year", AccountsError.BIRTH_YEAR_OUT_OF_RANGE, _("Birth year is out of range."))
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
    user.save()
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
    _create_documents(user, checked_documents)
    RoleAssignment.objects.create(user=user, role=Role.COMPLAINANT)
    _tell_verified_holders(
        user=user,
        email=email_normalized,
        phone=phone_normalized,
        document_hashes=[digest for _d, _n, digest in checked_documents],
    )
    event_record(
        kind=AccountsEvent.USER_REGISTERED,
        subject=user,
        actor=user,
        actor_role=Role.COMPLAINANT,
        data={"complainant_type": complainant_type, "documents": [d.doc_type for d, _, _ in checked_documents]},
    )
    return user


@transaction.atomic
def identity_add(*, user: User, document: DocumentInput, actor: Actor = None) -> IdentityDocument:
    errors = FieldErrorCollector()
    if user.identity_documents.filter(doc_type=document.doc_type).exists():
        errors.add("doc_type", AccountsError.IDENTITY_TYPE_TWICE, _("This kind of document is already registered."))
    checked = _normalized_documents([document], errors, user=user)
    errors.raise_if_any()
    _create_documents(user, checked)
    _tell_verified_holders(user=user, email=None, phone=None, document_hashes=[digest for _d, _n, digest in checked])
    created = user.identity_documents.get(doc_type=document.doc_type)
    event_record(
        kind=AccountsEvent.IDENTITY_ADDED, subject=user, actor=actor or user, data={"doc_type": document.doc_type}
    )
    return created


# How a deployment may have checked a document (docs/accounts.md); recorded in the event.
IDENTITY_VERIFICATION_METHODS = ("nadra_verisys", "fbr_registry", "in_person")


def identity_verify(*, document: IdentityDocument, verified_by: Actor, method: str) -> IdentityDocument:
    """Record that ``document`` passed the verification this deployment trusts (docs/accounts.md):
    a NADRA Verisys answer for a CNIC, NICOP or POC, FBR's registry for an NTN, or staff who saw
    the original. From then on the number is this user's: other accounts' claims to it stay
    unverified for good, and a second verification of it is refused."""
    if method not in IDENTITY_VERIFICATION_METHODS:
        raise DomainError.for_field("method", CoreError.VALIDATION, _("Unknown verification method."))
    with transaction.atomic():
        document = locked(document)
        if document.verified_at is not None:
            return document
        held = (
            IdentityDocument.objects.filter(number_hash=document.number_hash, verified_at__isnull=False)
            .exclude(pk=document.pk)
            .exists()
        )
        if not held:
            document.verified_at = timezone.now()
            try:
                with transaction.atomic():
                    document.save(update_fields=["verified_at", "updated_at"])
            except IntegrityError:  # verified for another account at the same moment
                held = True
        if not held:
            event_record(
                kind=AccountsEvent.IDENTITY_VERIFIED,
                subject=document.user,
                actor=verified_by,
                data={"doc_type": document.doc_type, "method": method},
            )
            return document
    raise Conflict.for_field(
        "number",
        AccountsError.IDENTIFIER_HELD_ELSEWHERE,
        _("This number is verified for another account."),
    )


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    granted_by: Actor = None,
    office: Any = None,
    government: Any = None,
) -> RoleAssignment:
    """Give a user a role, attached to what the role's scope needs (see rabta.accounts.roles).

    ``granted_by`` is the person granting (``None`` for the system itself: registration, commands,
    the demo). Nobody grants a role to themselves, and a person grants only the roles, to only the
    accounts, that rabta.accounts.permissions allows them. The administrator role also opens the
    Django admin (``is_staff`` and the administrators' permission group); role_revoke closes it.
    """
    if role not in Role.values:
        raise DomainError.for_field("role", AccountsError.ROLE_UNKNOWN, _("Unknown role."))
    require_role_grant(granted_by, user, role)
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
    grantor = signed_in_or_none(granted_by)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, office=office, government=government, defaults={"granted_by": grantor}
    )
    changed = created
    if not created and not assignment.active:
        # Granted again: the new grant, and who made it, replace the revoked one.
        assignment.active, assignment.granted_by = True, grantor
        assignment.save(update_fields=["active", "granted_by", "updated_at"])
        changed = True
    if role == Role.ADMINISTRATOR:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(administrator_group_sync())
    user._rabta_roles = None
    if changed:
        event_record(
            kind=AccountsEvent.ROLE_GRANTED,
            subject=user,
            actor=granted_by,
            to_state=role,
            data={"office": getattr(office, "code", None), "government": getattr(government, "code", None)},
        )
    return assignment


# The name before grants were checked; kept so that callers on other branches still run.
role_assign = role_grant


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, revoked_by: Actor = None, reason: str = "") -> None:
    """End a role. Revoking the administrator role takes the administrators' permission group away,
    and revoking the last staff role takes Django admin access (``is_staff``) away, so that admin
    access never outlives the role that justified it (superusers keep theirs)."""
    user = assignment.user
    require_role_revoke(revoked_by, user, assignment.role)
    assignment = locked(assignment)
    if not assignment.active:
        return
    assignment.active = False
    assignment.save(update_fields=["active", "updated_at"])
    remaining = set(user.role_assignments.filter(active=True).values_list("role", flat=True))
    if Role.ADMINISTRATOR not in remaining:
        user.groups.remove(*user.groups.filter(name=ADMINISTRATOR_GROUP))
    if user.is_staff and not user.is_superuser and not remaining & STAFF_ROLES:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    user._rabta_roles = None
    event_record(
        kind=AccountsEvent.ROLE_REVOKED,
        subject=user,
        actor=revoked_by,
        from_state=assignment.role,
        reason=reason,
        data={
            "office": getattr(assignment.office, "code", None),
            "government": getattr(assignment.government, "code", None),
        },
    )


def _code_hash(user: User, code: str) -> str:
    key = settings.RABTA_LOOKUP_HASH_KEY.encode()
    return hmac.new(key, f"verify:{user.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def verification_target(*, user: User, channel: str) -> tuple[str, str]:
    """The address or number a code for ``channel`` goes to, and its keyed hash (the identifier
    that resends and attempts are counted against). Raises a DomainError for an unknown channel or
    an account with nothing to verify on it."""
    if channel not in VerificationChannel.values:
        raise DomainError.for_field("channel", AccountsError.CHANNEL_UNKNOWN, _("Choose email or SMS."))
    if channel == VerificationChannel.EMAIL:
        if not user.email:
            raise DomainError.for_field(
                "channel", AccountsError.VERIFICATION_NO_TARGET, _("No email address to verify.")
            )
        return user.email, lookup_hash(user.email, purpose="email")
    if not user.phone or not user.phone_hash:
        raise DomainError.for_field("channel", AccountsError.VERIFICATION_NO_TARGET, _("No phone number to verify."))
    return user.phone, user.phone_hash


def _held_elsewhere(user: User, channel: str) -> bool:
    """Whether another account has verified the identifier this user would verify on ``channel``."""
    if channel == VerificationChannel.EMAIL:
        others = User.objects.filter(email=user.email, email_verified_at__isnull=False)
    else:
        others = User.objects.filter(phone_hash=user.phone_hash, phone_verified_at__isnull=False)
    return others.exclude(pk=user.pk).exists()


def _resend_wait(target_hash: str, now: Any) -> int:
    """Seconds before another code may go to this identifier (0: now).

    Each code is a message to the identifier's holder (an SMS costs money), whichever account asks
    for it, so the count is per identifier: the n-th code of a day waits RESEND_DELAYS[n] after the
    previous one, and after MAX_CODES_PER_DAY none goes until the oldest is a day old."""
    recent = list(
        VerificationCode.objects.filter(target_hash=target_hash, created_at__gte=now - VERIFICATION_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:MAX_CODES_PER_DAY]
    )
    if not recent:
        return 0
    if len(recent) >= MAX_CODES_PER_DAY:
        ready = recent[-1] + VERIFICATION_WINDOW
    else:
        ready = recent[0] + RESEND_DELAYS[min(len(recent), len(RESEND_DELAYS) - 1)]
    return max(0, math.ceil((ready - now).total_seconds()))


def verification_send(*, user: User, channel: str) -> None:
    """Send a six-digit code to the user's email or phone. Only the code's keyed hash is stored.

    Raises RateLimited (429, Retry-After) while the identifier's resend delay runs. When another
    account has verified the identifier, the code is recorded (so the limits and the answer are
    the same) but not sent: its holder was told at registration, and must not get codes for an
    account that is not theirs.
    """
    target, target_hash = verification_target(user=user, channel=channel)
    now = timezone.now()
    with transaction.atomic():
        # One resend at a time per account, so two concurrent requests cannot both pass the delay.
        User.objects.select_for_update().filter(pk=user.pk).first()
        wait = _resend_wait(target_hash, now)
        if wait:
            failure: DomainError | None = RateLimited(
                retry_after=wait,
                message=_("Please wait %(seconds)s seconds before asking for another code.") % {"seconds": wait},
            )
        else:
            failure = None
            _send_code(user=user, channel=channel, target=target, target_hash=target_hash, now=now)
    if failure is not None:
        raise failure


def _send_code(*, user: User, channel: str, target: str, target_hash: str, now: Any) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    # A new code replaces any earlier one (its wrong attempts still count: verification_confirm).
    VerificationCode.objects.filter(user=user, channel=channel, used_at__isnull=True).update(used_at=now)
    VerificationCode.objects.create(
        user=user,
        channel=channel,
        code_hash=_code_hash(user, code),
        target_hash=target_hash,
        expires_at=now + timedelta(minutes=settings.RABTA_VERIFICATION_CODE_TTL_MINUTES),
    )
    if _held_elsewhere(user, channel):
        return
    text = _("Your Rabta verification code is %(code)s. It expires in %(minutes)s minutes.") % {
        "code": code,
        "minutes": settings.RABTA_VERIFICATION_CODE_TTL_MINUTES,
    }

    def deliver() -> None:
        if channel == VerificationChannel.EMAIL:
            send_mail(_("Rabta verification code"), text, None, [target])
        else:
            sms_sender().send(SmsMessage(to=target, body=text))

    # Send only once the code is committed, so a rolled-back request never sends a dead code.
    transaction.on_commit(deliver)


def verification_confirm(*, user: User, channel: str, code: str) -> None:
    """Check a code and mark the contact verified.

    Wrong attempts count per code (MAX_VERIFICATION_ATTEMPTS) and across all the account's codes
    for the channel in the last day (MAX_VERIFICATION_ATTEMPTS_PER_DAY), so asking for a new code
    does not buy new guesses. The first account to verify an identifier holds it; a later one is
    refused (the unique constraints on verified identifiers back this up under a race).
    """
    verification_target(user=user, channel=channel)
    now = timezone.now()
    failure: DomainError | None = None
    with transaction.atomic():
        pending = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, channel=channel, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        attempts_today = (
            VerificationCode.objects.filter(
                user=user, channel=channel, created_at__gte=now - VERIFICATION_WINDOW
            ).aggregate(total=Sum("attempts"))["total"]
            or 0
        )
        if pending is None and _code_was_used(user=user, channel=channel, code=code):
            failure = DomainError.for_field(
                "code",
                AccountsError.VERIFICATION_CODE_USED,
                _("This code has already been used: your contact details are confirmed."),
            )
        elif pending is None or pending.expires_at < now:
            failure = DomainError.for_field(
                "code", AccountsError.VERIFICATION_EXPIRED, _("The code has expired. Ask for a new one.")
            )
        elif pending.attempts >= MAX_VERIFICATION_ATTEMPTS or attempts_today >= MAX_VERIFICATION_ATTEMPTS_PER_DAY:
            failure = DomainError.for_field(
                "code",
                AccountsError.VERIFICATION_TOO_MANY_ATTEMPTS,
                _("Too many wrong codes. Ask for a new one later."),
            )
        elif not hmac.compare_digest(pending.code_hash, _code_hash(user, (code or "").strip())):
            # The attempt counter must stick even though the request fails, so raise after the commit.
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
            failure = DomainError.for_field("code", AccountsError.VERIFICATION_WRONG_CODE, _("That code is not right."))
        else:
            pending.used_at = now
            pending.save(update_fields=["used_at"])
            failure = _contact_verify(user=user, channel=channel, now=now)
    if failure is not None:
        raise failure


def _code_was_used(*, user: User, channel: str, code: str) -> bool:
    """Whether ``code`` is the one that verified this contact (typed again, say from another tab):
    it deserves "already used" rather than "expired". A code merely replaced by a resend is not."""
    if not (user.email_verified_at if channel == VerificationChannel.EMAIL else user.phone_verified_at):
        return False
    last = VerificationCode.objects.filter(user=user, channel=channel).order_by("-created_at").first()
    return bool(
        last is not None
        and last.used_at is not None
        and hmac.compare_digest(last.code_hash, _code_hash(user, (code or "").strip()))
    )


def _contact_verify(*, user: User, channel: str, now: Any) -> DomainError | None:
    held = Conflict.for_field(
        "code",
        AccountsError.IDENTIFIER_HELD_ELSEWHERE,
        _("This email address or phone number is confirmed on another account."),
    )
    if _held_elsewhere(user, channel):
        return held
    field = "email_verified_at" if channel == VerificationChannel.EMAIL else "phone_verified_at"
    setattr(user, field, now)
    try:
        with transaction.atomic():
            user.save(update_fields=[field])
    except IntegrityError:  # another account verified it in the same moment, and won
        setattr(user, field, None)
        return held
    event_record(kind=AccountsEvent.CONTACT_VERIFIED, subject=user, actor=user, data={"channel": channel})
    return None


@transaction.atomic
def totp_device_create(*, user: User, name: str = "authenticator", key: str | None = None) -> TOTPDevice:
    """Start TOTP enrolment: an unconfirmed device replaces earlier unconfirmed ones."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    kwargs: dict[str, Any] = {"user": user, "name": name, "confirmed": False}
    if key:
        kwargs["key"] = key
    return TOTPDevice.objects.create(**kwargs)


def totp_verify(*, device: TOTPDevice, token: str) -> None:
    """Check a code from the user's authenticator at the second-factor step.

    A code already used (a TOTP code is good once: django-otp remembers the last time step it
    accepted) gets its own message, so a person who typed it twice knows to wait for the next one
    rather than doubt their app. Failures are throttled by django-otp (growing delays)."""
    token = (token or "").strip()
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise Throttled.for_field(
            "code",
            AccountsError.TOTP_THROTTLED,
            _("Too many wrong codes. Wait a little, then try the newest code."),
        )
    if device.verify_token(token):
        with transaction.atomic():
            event_record(kind=AccountsEvent.SECOND_FACTOR_PASSED, subject=device.user, actor=device.user)
        return
    if _totp_was_used(device, token):
        raise DomainError.for_field(
            "code",
            AccountsError.TOTP_CODE_USED,
            _("That code has already been used. Wait for your app to show a new one."),
        )
    raise DomainError.for_field(
        "code", AccountsError.TOTP_WRONG_CODE, _("That code is not right. Codes change every 30 seconds.")
    )


def _totp_was_used(device: TOTPDevice, token: str) -> bool:
    """Whether ``token`` is the code of a time step the device has already accepted."""
    if not token.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.t() <= device.last_t and totp.token() == int(token):
            return True
    return False


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> TOTPDevice:
    if not device.verify_token((token or "").strip()):
        raise DomainError.for_field("token", AccountsError.TOTP_WRONG_CODE, _("That code is not right."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    event_record(kind=AccountsEvent.SECOND_FACTOR_ENROLLED, subject=device.user, actor=device.user)
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


def administrator_grant(*, user: User, granted_by: Actor = None) -> RoleAssignment:
    """Make a user an administrator: the role, Django admin access and the configuration group."""
    return role_grant(user=user, role=Role.ADMINISTRATOR, granted_by=granted_by)


@transaction.atomic
def user_update(*, user: User, actor: Actor, changes: dict[str, Any]) -> User:
    """Change an account's plain fields on behalf of ``actor`` (the admin's user form)."""
    require_account_manageable(actor, user)
    require_fields_editable(actor, changes)
    if changes.get("is_staff") and not changes.get("is_superuser", user.is_superuser) and not user.roles & STAFF_ROLES:
        # Admin access follows a staff role (role_revoke takes it away with the last one): a flag
        # alone would be an account that reaches the admin's login with nothing to justify it.
        raise DomainError.for_field(
            "is_staff", AccountsError.ADMIN_ACCESS_NEEDS_ROLE, _("Grant a staff role first: admin access follows it.")
        )
    if "email" in changes:
        email = None
        if (changes["email"] or "").strip():
            try:
                email = normalize_email(changes["email"])
            except ValidationError as exc:
                # The field is not empty (checked above), so the one thing normalize_email refuses is the form.
                raise DomainError.for_field("email", AccountsError.EMAIL_INVALID, " ".join(exc.messages)) from exc
        if email is None and not user.phone_hash:
            raise DomainError.for_field("email", AccountsError.EMAIL_OR_PHONE_REQUIRED, _("Give an email address."))
        taken = User.objects.filter(email=email, email_verified_at__isnull=False).exclude(pk=user.pk)
        if email and taken.exists():
            raise DomainError.for_field("email", AccountsError.EMAIL_TAKEN, _("An account with this email exists."))
        changes = {**changes, "email": email}
    before = {name: getattr(user, name) for name in changes}
    for name, value in changes.items():
        setattr(user, name, value)
    changed = sorted(name for name in changes if before[name] != getattr(user, name))
    if not changed:
        return user
    if "email" in changed and user.email_verified_at is not None:
        # A new address is not verified until its owner confirms it.
        user.email_verified_at = None
        changed.append("email_verified_at")
    user.save(update_fields=changed)
    # Field names, and the new value of the access flags; never names or addresses.
    flags = {name: getattr(user, name) for name in changed if name in {"is_active", "is_staff", "is_superuser"}}
    event_record(kind=AccountsEvent.USER_UPDATED, subject=user, actor=actor, data={"fields": changed, **flags})
    return user


@transaction.atomic
def user_create(*, email: str, full_name: str, actor: Actor, base_url: str, language: str = "en") -> User:
    """Open an account for a member of staff. Nobody sets its password by hand: it has none until its
    owner follows the reset link sent to them, so no administrator ever knows it."""
    errors = FieldErrorCollector()
    email_normalized = ""
    try:
        email_normalized = normalize_email(email or "")
    except ValidationError as exc:
        errors.add_validation("email", exc)
    else:
        # Only a verified holder makes an address taken: an unverified claim typed into the public
        # registration form must not keep an administrator from opening the real owner's account.
        if User.objects.filter(email=email_normalized, email_verified_at__isnull=False).exists():
            errors.add("email", AccountsError.EMAIL_TAKEN, _("An account with this email address exists."))
    if not (full_name or "").strip():
        errors.add("full_name", AccountsError.REQUIRED, _("Full name is required."))
    if language not in dict(settings.LANGUAGES):
        errors.add("preferred_language", AccountsError.LANGUAGE_UNKNOWN, _("Unknown language."))
    errors.raise_if_any()
    user = User(email=email_normalized, full_name=full_name.strip(), preferred_language=language)
    user.set_unusable_password()
    user.save()
    event_record(kind=AccountsEvent.USER_CREATED, subject=user, actor=actor)
    password_reset_send(user=user, actor=actor, base_url=base_url)
    return user


@transaction.atomic
def password_reset_send(*, user: User, actor: Actor, base_url: str) -> None:
    """Send the account's owner a link to choose a new password (through the outbox), instead of
    anyone setting it for them. ``base_url`` is the site's address, e.g. https://rabta.gov.pk."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    require_account_manageable(actor, user)
    if not user.is_active:
        raise DomainError.for_field("user", AccountsError.ACCOUNT_INACTIVE, _("This account is deactivated."))
    if not (user.email or user.phone):
        raise DomainError.for_field("user", AccountsError.NO_CONTACT, _("This account has no email or phone."))
    with translation.override(user.preferred_language or "en"):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    notification_enqueue(user=user, template="password_reset", context={"link": base_url.rstrip("/") + path})
    event_record(kind=AccountsEvent.PASSWORD_RESET_SENT, subject=user, actor=actor)


@transaction.atomic
def second_factor_reset(*, device: Any, actor: Actor, reason: str = "") -> None:
    """Remove one of a user's second-factor devices (a lost phone, used-up backup codes) and tell its
    owner: they enrol a new one at their next sign-in. Its secret is never shown to anyone."""
    owner = device.user
    require_account_manageable(actor, owner)
    kind, name = device._meta.label_lower, device.name
    device.delete()
    event_record(
        kind=AccountsEvent.SECOND_FACTOR_RESET,
        subject=owner,
        actor=actor,
        reason=reason,
        data={"device": kind, "name": name},
    )
    notification_enqueue(user=owner, template="second_factor_reset", context={})
