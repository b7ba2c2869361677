"""Intake: validating and lodging a complaint, idempotently, then routing it."""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accountability.services import complainant_submit_refusal
from rabta.accounts.choices import ComplainantType, Gender
from rabta.accounts.models import ComplainantProfile, User
from rabta.accounts.types import Actor, is_signed_in
from rabta.complaints.choices import (
    HIDDEN_FROM_OFFICE,
    OPEN_STATUSES,
    Anonymity,
    Channel,
    ComplaintLanguage,
    Kind,
    Priority,
)
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import SUBJECT_MAX_LENGTH, Category, Complaint, DuplicateLink
from rabta.complaints.privacy import identity_of, scrub
from rabta.complaints.reference import reference
from rabta.complaints.services.deadlines import deadlines_set
from rabta.complaints.services.routing import complaint_route
from rabta.core.crypto import lookup_hash
from rabta.core.errors import DomainError, FieldErrorCollector, Unprocessable, field_errors
from rabta.core.events import event_build, events_record
from rabta.core.references import readable_reference_is_valid, readable_reference_new
from rabta.core.textinput import text_clean, text_problem
from rabta.customs.selectors import declaration_for_complaint
from rabta.directory.models import Office
from rabta.intelligence.normalize import char_ngrams, duplicate_score, ngram_similarity
from rabta.notifications.services import notification_enqueue

if TYPE_CHECKING:
    from rabta.customs.models import Declaration

ATTRIBUTE_PREFIX = "attributes."
ATTRIBUTE_TEXT_MAX_LENGTH = 500  # attributes live in one JSON column: the limit is the category's, not a field's
DUPLICATE_SIMILARITY = 0.5
DUPLICATE_CANDIDATES = 50  # the newest open ones at that place; older duplicates are rare and costly to scan


def tracking_number_new() -> str:
    """RB-XXXX-XXXX-C (rabta.core.references)."""
    return readable_reference_new("RB")


def tracking_number_is_valid(value: str) -> bool:
    return readable_reference_is_valid(value, "RB")


@dataclass(frozen=True)
class Submission:
    complaint: Complaint
    created: bool
    anonymous_token: str | None = None  # returned once, for fully anonymous complaints


def _check_attributes(
    category: Category, attributes: dict[str, Any], fields: dict[str, list[dict[str, str]]]
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for spec in category.attributes or []:
        name = spec["name"]
        value = attributes.get(name)
        key = f"attributes.{name}"
        if value in (None, "") or value == []:
            if spec.get("required"):
                fields.setdefault(key, []).append(
                    {"code": ComplaintsError.ATTRIBUTE_MISSING, "message": _("This category needs this detail.")}
                )
            continue
        kind = spec.get("type", "text")
        try:
            if kind == "number":
                value = float(str(value))
                if not math.isfinite(value):  # "nan", "inf", "1e400": no JSON column stores them
                    raise ValueError
            elif kind == "date":
                value = date.fromisoformat(str(value)).isoformat()
            elif kind == "multichoice":
                # Several of the choices (Open311's multivaluelist): a list, each one offered.
                if (
                    not isinstance(value, list)
                    or not value
                    or any(item not in spec.get("choices", []) for item in value)
                ):
                    raise ValueError
                value = list(dict.fromkeys(value))
            elif (kind == "choice" and value not in spec.get("choices", [])) or (
                kind == "declaration_number" and not re.fullmatch(r"[A-Z0-9\-/]{6,40}", str(value).upper())
            ):
                raise ValueError
            else:
                if isinstance(value, (dict, list)) or text_problem(
                    str(value), max_length=ATTRIBUTE_TEXT_MAX_LENGTH, multiline=kind == "longtext"
                ):
                    raise ValueError
                value = str(value)
        except (TypeError, ValueError):
            fields.setdefault(key, []).append(
                {
                    "code": ComplaintsError.ATTRIBUTE_INVALID,
                    "message": _("This value is not a valid %(type)s.") % {"type": kind},
                }
            )
            continue
        clean[name] = value
    return clean


def _declaration_checked(
    category: Category,
    *,
    number: str,
    attributes: dict[str, Any],
    collectorate: Office | None,
    complainant: Actor,
    trader: bool,
    errors: FieldErrorCollector,
) -> tuple[Declaration | None, Office | None]:
    """The goods declaration a customs complaint names, checked against the declarations
    (rabta.customs.selectors.declaration_for_complaint), and the collectorate the complaint goes to.

    The number comes from the ``declaration_number`` field or the category's attribute of type
    ``declaration_number`` (both, if both are given, must name the same declaration); an error names
    the field that carried it. A complaint that names no collectorate goes to the declaration's, and
    a declaration whose collectorate no longer works is refused (``collectorate_inactive``): never a
    complaint left unrouted. Anonymous complaints are checked alike; only a known trader is held to
    their own declarations."""
    given = [("declaration_number", number)] if number else []
    given += [
        (f"{ATTRIBUTE_PREFIX}{spec['name']}", str(attributes[spec["name"]]))
        for spec in category.attributes or []
        if spec.get("type") == "declaration_number" and attributes.get(spec["name"])
    ]
    given = [(field, value) for field, value in given if field not in errors]
    if not given:
        return None, collectorate
    field, value = given[0]
    for other, other_value in given[1:]:
        if other_value.strip().upper() != value.strip().upper():
            errors.add(
                other,
                ComplaintsError.DECLARATION_NUMBERS_DIFFER,
                _("This names another goods declaration than the declaration number does."),
            )
            return None, collectorate
    if "collectorate" in errors:
        return None, collectorate  # nothing to compare the declaration with
    check = declaration_for_complaint(
        number=value,
        collectorate_id=collectorate.pk if collectorate is not None else None,
        complainant=complainant,
        trader=trader,
    )
    if check.declaration is None:
        assert check.code is not None
        errors.add(field, check.code, check.message)
        return None, collectorate
    if collectorate is None:
        collectorate = check.declaration.collectorate
        if not collectorate.is_active:
            errors.add(
                "collectorate",
                ComplaintsError.COLLECTORATE_INACTIVE,
                _("The collectorate of this goods declaration no longer takes complaints."),
            )
            return None, None
    return check.declaration, collectorate


# What intake reads of the complainant: the profile's flag fields and the standing's level.
PROFILE_FLAG_FIELDS = (
    "gender",
    "has_disability",
    "is_minority",
    "birth_year",
    "complainant_type",
    "women_led_business",
    "youth_led_business",
)


def _complainant_records(user: Actor) -> tuple[ComplainantProfile | None, str | None]:
    """The complainant's profile (for the flags; only its flag fields) and standing level (for the
    responsibility index), in one query that makes no model instances of the user, so the user's
    encrypted identifiers are not decrypted again for nothing."""
    if not is_signed_in(user):
        return None, None
    row = (
        User.objects.filter(pk=user.pk)
        .values(
            "complainant_profile__id", "standing__level", *(f"complainant_profile__{f}" for f in PROFILE_FLAG_FIELDS)
        )
        .first()
    )
    if row is None:
        return None, None
    profile = None
    if row["complainant_profile__id"] is not None:
        profile = ComplainantProfile(
            id=row["complainant_profile__id"],
            user_id=user.pk,
            **{f: row[f"complainant_profile__{f}"] for f in PROFILE_FLAG_FIELDS},
        )
    return profile, row["standing__level"]


def _replayed(scoped_key: str | None, fingerprint: str, *, anonymous: bool) -> Complaint | None:
    """The complaint an earlier request with this key created, if it was this very request.

    The same key with a different request is refused (422, as the IETF Idempotency-Key draft and
    Stripe do) rather than answered with the first complaint: for a fully anonymous submission the
    key space is shared by everyone without an account, and echoing the first complaint would hand
    one person's words to whoever reuses or guesses their key. A replay therefore needs the key *and*
    the same request, which only the client that sent it holds. Complaints lodged before requests
    were fingerprinted replay only to their own account, never to an anonymous caller."""
    if not scoped_key:
        return None
    replayed = (
        Complaint.objects.select_related("category", "jurisdiction", "current_office", "complainant")
        .filter(idempotency_key=scoped_key)
        .first()
    )
    if replayed is None:
        return None
    stored = replayed.idempotency_fingerprint
    if (stored or anonymous) and not secrets.compare_digest(stored, fingerprint):
        raise Unprocessable(
            ComplaintsError.IDEMPOTENCY_KEY_REUSED,
            _("This Idempotency-Key was already used for a different complaint; send a new key with a new complaint."),
            fields=field_errors(
                ("Idempotency-Key", ComplaintsError.IDEMPOTENCY_KEY_REUSED, _("Already used for another request."))
            ),
        )
    return replayed


def request_fingerprint(**request: Any) -> str:
    """A digest of everything a submission asked for, stored with its idempotency key so that a
    replay can be told from a different request under the same key."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return str(value)

    canonical = json.dumps(request, sort_keys=True, ensure_ascii=False, default=plain, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _flags(profile: ComplainantProfile | None) -> dict[str, bool]:
    if profile is None:
        return {}
    return {
        "flag_woman": profile.gender == Gender.WOMAN,
        "flag_disability": profile.has_disability,
        "flag_minority": profile.is_minority,
        "flag_senior": profile.is_senior,
        "flag_overseas": profile.complainant_type == ComplainantType.OVERSEAS,
        "flag_foreigner": profile.complainant_type == ComplainantType.FOREIGNER,
        "flag_trader": profile.complainant_type == ComplainantType.BUSINESS,
        "flag_women_led": profile.women_led_business,
        "flag_youth_led": profile.youth_led_business,
    }


PRIORITY_ORDER = (Priority.NORMAL, Priority.HIGH, Priority.URGENT)


def priority_for(category: Category, flags: dict[str, bool]) -> str:
    """A new complaint's priority, from policy alone: the category's priority, raised to high for
    the people who most need a quick answer (a disability, a senior citizen). Never the
    complainant's choice (everyone would choose urgent); office staff change it afterwards with a
    reason (rabta.complaints.services.work.complaint_priority_set)."""
    levels = [category.priority if category.priority in PRIORITY_ORDER else Priority.NORMAL]
    if flags.get("flag_disability") or flags.get("flag_senior"):
        levels.append(Priority.HIGH)
    return max(levels, key=PRIORITY_ORDER.index)


def complaint_submit(
    *,
    complainant: Any,
    category_code: str,
    jurisdiction_code: str,
    subject: str,
    text: str,
    kind: str = Kind.COMPLAINT,
    language: str = "en",
    channel: str = Channel.WEB,
    anonymity: str = Anonymity.NAME_HIDDEN_FROM_PUBLIC,
    attributes: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    declaration_number: str = "",
    collectorate_code: str | None = None,
    entered_by: Any = None,
) -> Submission:
    """Lodge a complaint. Every input is checked before anything is written. A repeated
    ``idempotency_key`` from the same complainant with the same request returns the first
    complaint, created once, even when two retries race; with a different request it is refused."""
    is_anonymous = anonymity == Anonymity.FULLY_ANONYMOUS
    owner = complainant.pk if complainant is not None and not is_anonymous else "anon"
    scoped_key = f"{owner}:{idempotency_digest(idempotency_key)}" if idempotency_key else None
    # Only a keyed request is ever compared with a replay: no digest of the text for the others.
    fingerprint = (
        ""
        if scoped_key is None
        else request_fingerprint(
            category=category_code,
            jurisdiction=jurisdiction_code,
            subject=subject,
            text=text,
            kind=kind,
            language=language,
            channel=channel,
            anonymity=anonymity,
            attributes=attributes or {},
            latitude=latitude,
            longitude=longitude,
            declaration_number=declaration_number,
            collectorate=collectorate_code,
        )
    )
    # No look-up of the key before the work: the unique constraint on it decides, and a replay is
    # found when the INSERT conflicts (or when the replayed input no longer validates). Retries
    # are rare; the look-up would cost every submission a round trip.
    profile, standing_level = _complainant_records(None if is_anonymous else complainant)

    errors = FieldErrorCollector()
    fields, bad = errors.fields, errors.add
    ref = reference()  # category, place, rules, offices and policies: from memory, checked once
    category = ref.category(category_code)
    if category is None:
        bad("category", ComplaintsError.CATEGORY_UNKNOWN, _("There is no such category."))
    elif not category.active:
        bad("category", ComplaintsError.CATEGORY_INACTIVE, _("This category no longer takes complaints."))
    jurisdiction = ref.jurisdiction(jurisdiction_code)
    if jurisdiction is None:
        bad("jurisdiction", ComplaintsError.PLACE_UNKNOWN, _("This place is not in any jurisdiction Rabta serves."))
    subject = text_clean(subject, model=Complaint, name="subject", errors=fields)
    text = text_clean(text, model=Complaint, name="text", errors=fields)
    declaration_number = text_clean(declaration_number, model=Complaint, name="declaration_number", errors=fields)
    if not subject and "subject" not in fields:
        bad("subject", ComplaintsError.TEXT_EMPTY, _("Give a short subject."))
    if not text and "text" not in fields:
        bad("text", ComplaintsError.TEXT_EMPTY, _("Describe the complaint."))
    if kind not in Kind.values:
        bad("kind", ComplaintsError.KIND_UNKNOWN, _("Unknown kind."))
    if anonymity not in Anonymity.values:
        bad("anonymity", ComplaintsError.ANONYMITY_UNKNOWN, _("Unknown anonymity choice."))
    if language not in ComplaintLanguage.values:
        bad("language", ComplaintsError.LANGUAGE_UNKNOWN, _("Unknown language."))
    if channel not in Channel.values:
        bad("channel", ComplaintsError.CHANNEL_UNKNOWN, _("Unknown channel."))
    if complainant is None and not is_anonymous:
        bad("complainant", ComplaintsError.COMPLAINANT_REQUIRED, _("Sign in, or choose to be fully anonymous."))
    if complainant is not None and not is_anonymous:
        refusal = complainant_submit_refusal(complainant, level=standing_level)
        if refusal is not None:
            bad("complainant", refusal, _("New complaints from this account are limited; you can appeal the limit."))
    if latitude is not None and not (Decimal(-90) <= Decimal(latitude) <= Decimal(90)):
        bad("latitude", ComplaintsError.LATITUDE_OUT_OF_RANGE, _("Latitude must be between -90 and 90."))
    if longitude is not None and not (Decimal(-180) <= Decimal(longitude) <= Decimal(180)):
        bad("longitude", ComplaintsError.LONGITUDE_OUT_OF_RANGE, _("Longitude must be between -180 and 180."))
    collectorate = None
    if collectorate_code:
        collectorate = Office.objects.filter(code=collectorate_code, level="collectorate").first()
        if collectorate is None:
            bad("collectorate", ComplaintsError.COLLECTORATE_UNKNOWN, _("There is no such customs collectorate."))
        elif not collectorate.is_active:
            # Only an active one: a complaint is never routed to an office nobody works in.
            bad(
                "collectorate",
                ComplaintsError.COLLECTORATE_INACTIVE,
                _("This collectorate no longer takes complaints."),
            )
            collectorate = None
    clean_attributes = _check_attributes(category, attributes or {}, fields) if category else {}
    declaration = None
    if category is not None and category.is_customs:
        trader = profile is not None and profile.complainant_type == ComplainantType.BUSINESS
        declaration, collectorate = _declaration_checked(
            category,
            number=declaration_number,
            attributes=clean_attributes,
            collectorate=collectorate,
            complainant=complainant,
            trader=trader,
            errors=errors,
        )
    if fields:
        replayed = _replayed(scoped_key, fingerprint, anonymous=is_anonymous)
        if replayed is not None:  # a retry of a submission accepted before the input went stale
            return Submission(replayed, created=False)
        raise errors.error()

    assert category is not None and jurisdiction is not None  # checked above
    flags = _flags(profile)
    token = secrets.token_urlsafe(24) if is_anonymous else None
    subject_for_office = text_for_office = ""
    if anonymity in HIDDEN_FROM_OFFICE:
        # The submitter is known here even when a fully anonymous complaint will not store them.
        who = identity_of(complainant)
        subject_for_office = scrub(subject, who)[:SUBJECT_MAX_LENGTH]
        text_for_office = scrub(text, who)
    complaint = Complaint(
        tracking_number=tracking_number_new(),
        kind=kind,
        complainant=None if is_anonymous else complainant,
        anonymity=anonymity,
        anonymous_token_hash=lookup_hash(token, purpose="anonymous-token") if token else "",
        category=category,
        jurisdiction=jurisdiction,
        latitude=latitude,
        longitude=longitude,
        subject=subject,
        subject_for_office=subject_for_office,
        text=text,
        text_for_office=text_for_office,
        language=language,
        channel=channel,
        entered_by=entered_by if getattr(entered_by, "pk", None) else None,
        attributes=clean_attributes,
        idempotency_key=scoped_key,
        idempotency_fingerprint=fingerprint,
        declaration_number=declaration.number if declaration is not None else declaration_number.upper(),
        declaration=declaration,
        collectorate=collectorate,
        priority=priority_for(category, flags),
        **flags,
    )
    # Routed and given its deadlines before it is written, so that the complaint costs one INSERT
    # (and its two events one more) instead of an INSERT and two UPDATEs.
    submitted = event_build(
        kind=ComplaintsEvent.SUBMITTED,
        subject=complaint,
        actor=None if is_anonymous else complainant,
        actor_role="complainant",
        to_state=complaint.status,
        data={"channel": channel, "kind": kind, "category": category_code},
    )
    try:
        routed = complaint_route(complaint, ref=ref)
    except DomainError:
        # Nothing serves the place (any more): a retry of a submission accepted before is still that one.
        replayed = _replayed(scoped_key, fingerprint, anonymous=is_anonymous)
        if replayed is not None:
            return Submission(replayed, created=False)
        raise
    deadlines_set(complaint, ref=ref)
    try:
        with transaction.atomic():
            complaint.save(force_insert=True)
            events_record(submitted, routed)
            duplicates_suggest(complaint)
            _notify_submitted(complaint)
    except IntegrityError:
        # Two retries with the same key raced, or this is a replay: the first one won; return it.
        replayed = _replayed(scoped_key, fingerprint, anonymous=is_anonymous)
        if replayed is not None:
            return Submission(replayed, created=False)
        raise
    return Submission(complaint, created=True, anonymous_token=token)


def duplicates_suggest(complaint: Complaint) -> list[DuplicateLink]:
    """Likely duplicates: same category, same place, still open (the newest DUPLICATE_CANDIDATES),
    ranked by text similarity that copes with spelling variants in both scripts (character trigrams
    of the normalised text, ``rabta.intelligence.normalize``), discounted by age (newer is likelier);
    those scoring ≥ DUPLICATE_SIMILARITY are suggested, best first. Staff confirm or dismiss."""
    mine = char_ngrams(f"{complaint.subject} {complaint.text}")
    if not mine:
        return []
    candidates = (
        Complaint.objects.filter(
            category_id=complaint.category_id, jurisdiction_id=complaint.jurisdiction_id, status__in=OPEN_STATUSES
        )
        .exclude(pk=complaint.pk)
        .order_by("-created_at")
        .values_list("id", "subject", "text", "created_at")[:DUPLICATE_CANDIDATES]
    )
    now = complaint.created_at or timezone.now()
    scored = []
    for other_id, subject, text, created_at in candidates:
        similarity = ngram_similarity(mine, char_ngrams(f"{subject} {text}"))
        age_days = (now - created_at).total_seconds() / 86400
        score = duplicate_score(similarity, age_days=age_days)
        if score >= DUPLICATE_SIMILARITY:
            scored.append((score, other_id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    links = [
        DuplicateLink(
            complaint=complaint,
            duplicate_of_id=other_id,
            kind=DuplicateLink.LinkKind.SUGGESTED,
            score=round(score, 3),
        )
        for score, other_id in scored
    ]
    return DuplicateLink.objects.bulk_create(links, ignore_conflicts=True)


def _notify_submitted(complaint: Complaint) -> None:
    if complaint.complainant_id is None:
        return
    notification_enqueue(
        user=complaint.complainant,
        template="complaint_submitted",
        context={
            "tracking_number": complaint.tracking_number,
            "office": complaint.current_office.name if complaint.current_office else "",
            "due": timezone.localtime(complaint.resolve_due_at).date().isoformat() if complaint.resolve_due_at else "",
        },
    )


def anonymous_token_lookup(token: str) -> Complaint | None:
    if not token:
        return None
    digest = lookup_hash(token, purpose="anonymous-token")
    # The extra condition lets the planner use the partial index cmp_anon_token_idx.
    return Complaint.objects.filter(anonymous_token_hash=digest).exclude(anonymous_token_hash="").first()


def idempotency_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()[:64]
