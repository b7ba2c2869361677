"""Writes of the Open311 facade: client applications and their keys, filing a service request (one
call of complaint intake), and a client's update on a request it filed (one complainant message).
No rule of the complaint lifecycle lives here: intake routes, prices deadlines and scrubs."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.selectors import verified_holder
from rabta.accounts.types import Actor
from rabta.complaints.choices import Anonymity, Channel, MessageDirection
from rabta.complaints.models import SUBJECT_MAX_LENGTH
from rabta.complaints.privacy import identity_of, scrub
from rabta.complaints.services.intake import complaint_submit
from rabta.complaints.services.messages import message_post
from rabta.core.crypto import lookup_hash
from rabta.core.db import locked
from rabta.core.errors import DomainError, FieldErrorCollector
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.directory.models import Jurisdiction
from rabta.open311 import selectors
from rabta.open311.errors import Open311Error
from rabta.open311.events import Open311Event
from rabta.open311.models import PUBLISHED_DESCRIPTION_MAX_LENGTH, ClientApplication, ClientUpdate, Filing
from rabta.open311.permissions import key_hash, require_filer

KEY_BYTES = 24
# Intake's field names, as the Open311 client sent them: a refusal names what the client can change.
CLIENT_FIELDS = {
    "category": "service_code",
    "jurisdiction": "address_id",
    "subject": "description",
    "text": "description",
    "latitude": "lat",
    "longitude": "long",
    "complainant": "email",
}
URDU_LETTERS = re.compile("[\u0600-\u06ff]")


def _new_key() -> str:
    return "o311_" + secrets.token_urlsafe(KEY_BYTES)


@transaction.atomic
def client_register(
    *,
    name: str,
    actor: Actor,
    contact_email: str = "",
    jurisdiction: Jurisdiction | None = None,
    key: str | None = None,
) -> tuple[ClientApplication, str]:
    """A new client application and its API key, which is returned here once and stored only as a
    keyed hash. ``key`` is for fixed demo keys; production keys are always random."""
    name = text_clean(name, model=ClientApplication, name="name")
    if not name:
        raise DomainError.for_field("name", Open311Error.UPDATE_EMPTY, _("Give the application a name."))
    key = key or _new_key()
    client = ClientApplication.objects.create(
        name=name, contact_email=contact_email, jurisdiction=jurisdiction, key_hash=key_hash(key), key_hint=key[-4:]
    )
    event_record(kind=Open311Event.CLIENT_REGISTERED, subject=client, actor=actor, data={"name": name})
    return client, key


@transaction.atomic
def client_key_issue(*, client: ClientApplication, actor: Actor) -> str:
    """A new API key for ``client``; the old one stops working at once."""
    client = locked(client)
    key = _new_key()
    client.key_hash, client.key_hint = key_hash(key), key[-4:]
    client.save(update_fields=["key_hash", "key_hint", "updated_at"])
    event_record(kind=Open311Event.CLIENT_KEY_ISSUED, subject=client, actor=actor)
    return key


@transaction.atomic
def client_revoke(*, client: ClientApplication, actor: Actor, reason: str = "") -> ClientApplication:
    """Stop ``client``'s key from the next request on; what it filed stays."""
    client = locked(client)
    reason = text_clean(reason, model=ClientApplication, name="revoked_reason")
    if client.active:
        client.active, client.revoked_at, client.revoked_reason = False, timezone.now(), reason
        client.save(update_fields=["active", "revoked_at", "revoked_reason", "updated_at"])
        event_record(kind=Open311Event.CLIENT_REVOKED, subject=client, actor=actor, reason=reason)
    return client


@dataclass(frozen=True)
class GivenPerson:
    """A person known only by what a client sent about them (no account of theirs is linked): used
    to scrub their name and contacts from what offices and the public read."""

    full_name: str = ""
    email: str = ""
    phone: str = ""
    pk: None = None


def _coordinate(raw: str, name: str, low: int, high: int, errors: FieldErrorCollector) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw.strip())
        if not value.is_finite() or not (low <= value <= high):
            raise InvalidOperation
    except InvalidOperation:
        errors.add(
            name,
            Open311Error.COORDINATE_INVALID,
            _("Give a number between %(low)s and %(high)s.") % {"low": low, "high": high},
        )
        return None
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _place(
    *,
    client: ClientApplication,
    jurisdiction_id: str,
    address_id: str,
    address_string: str,
    has_point: bool,
    errors: FieldErrorCollector,
) -> Jurisdiction | None:
    """Where the request is, from the most exact thing the client gave: ``address_id`` (a place
    code), a place named in ``address_string``, else — for coordinates alone — the endpoint's
    ``jurisdiction_id`` or the client's own place. Rabta holds no boundaries, so coordinates are
    kept with the complaint but never decide its office."""
    scope = selectors.jurisdiction_for_id(jurisdiction_id) if jurisdiction_id else client.jurisdiction
    if address_id:
        place = selectors.place_by_code(address_id, within=scope)
        if place is None:
            errors.add("address_id", Open311Error.ADDRESS_UNKNOWN, _("No place with this address_id is served here."))
        return place
    if address_string:
        place = selectors.place_by_address(address_string, within=scope)
        if place is not None:
            return place
        if scope is None:
            errors.add(
                "address_string",
                Open311Error.ADDRESS_UNKNOWN,
                _("No place Rabta serves is named in this address; send address_id (a place code) or jurisdiction_id."),
            )
            return None
        return scope
    if has_point:
        if scope is None:
            errors.add(
                "lat",
                Open311Error.LOCATION_REQUIRED,
                _("Coordinates alone cannot be placed: send address_id, address_string or jurisdiction_id with them."),
            )
        return scope
    errors.add(
        "lat", Open311Error.LOCATION_REQUIRED, _("Give the location: lat and long, address_string or address_id.")
    )
    return None


def _media_url(raw: str, errors: FieldErrorCollector) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(raw) > 500:
        errors.add(
            "media_url", Open311Error.MEDIA_URL_INVALID, _("Give an http or https address of at most 500 characters.")
        )
        return ""
    return raw


@contextmanager
def _as_client_fields() -> Iterator[None]:
    """Re-raise intake's refusals with the parameter names the client used (``text`` is the
    ``description`` it sent; ``attributes.size`` is ``attribute[size]``'s own name already)."""
    try:
        yield
    except DomainError as error:
        renamed: dict[str, list[dict[str, str]]] = {}
        for field, problems in error.fields.items():
            renamed.setdefault(CLIENT_FIELDS.get(field, field), []).extend(problems)
        error.fields = renamed
        raise


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _subject(description: str, service_name: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else service_name
    return first[: SUBJECT_MAX_LENGTH - 1] + "…" if len(first) > SUBJECT_MAX_LENGTH else first


def request_file(
    *,
    client: ClientApplication,
    service_code: str,
    description: str = "",
    lat: str = "",
    long: str = "",
    address_string: str = "",
    address_id: str = "",
    jurisdiction_id: str = "",
    attributes: dict[str, Any] | None = None,
    media_url: str = "",
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    device_id: str = "",
) -> Filing:
    """File a service request as a complaint (channel ``open311``) and keep what the facade needs.

    The person: an email or phone that an account has *verified* files the complaint for that
    account (name hidden from the public); nothing about the account is changed, and the answer is
    the same whether or not one matched. Otherwise the complaint is fully anonymous, and the
    contacts are kept nowhere: they only scrub the office's and the public's copies.
    The description is published (GeoReport v2 requests are public, and a client that files one
    tells its user so) only as scrubbed of that person and of anything shaped like an identifier."""
    errors = FieldErrorCollector()
    service = selectors.service_for_filing(service_code)
    latitude = _coordinate(lat, "lat", -90, 90, errors)
    longitude = _coordinate(long, "long", -180, 180, errors)
    if (latitude is None) != (longitude is None) and "lat" not in errors and "long" not in errors:
        errors.add(
            "long" if latitude is not None else "lat", Open311Error.COORDINATE_INVALID, _("Give both lat and long.")
        )
    place = _place(
        client=client,
        jurisdiction_id=jurisdiction_id,
        address_id=(address_id or "").strip(),
        address_string=(address_string or "").strip(),
        has_point=latitude is not None and longitude is not None,
        errors=errors,
    )
    media = _media_url(media_url, errors)
    if not (description or "").strip():
        errors.add("description", Open311Error.DESCRIPTION_REQUIRED, _("Describe the problem."))
    errors.raise_if_any()
    assert place is not None  # every way of not finding one added an error

    holder = verified_holder(email=email, phone=phone) if (email or phone) else None
    given = GivenPerson(
        full_name=f"{first_name} {last_name}".strip(), email=(email or "").strip(), phone=(phone or "").strip()
    )
    text = description.strip()
    if address_string and address_string.strip() not in text:
        text = f"{text}\n\n{_('Address')}: {address_string.strip()}"
    with transaction.atomic(), _as_client_fields():
        submission = complaint_submit(
            # No account matched: intake stores no link to the person (fully anonymous) but scrubs
            # the office's copy of what identifies them.
            complainant=holder if holder is not None else given,
            category_code=service.category.code,
            jurisdiction_code=place.code,
            subject=_subject(text, service.category.name),
            text=text,
            language="ur" if URDU_LETTERS.search(text) else "en",
            channel=Channel.OPEN311,
            anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC if holder is not None else Anonymity.FULLY_ANONYMOUS,
            attributes=attributes or {},
            latitude=latitude,
            longitude=longitude,
        )
        complaint = submission.complaint
        published = scrub(scrub(text, identity_of(holder)) if holder is not None else text, identity_of(given))
        filing = Filing.objects.create(
            complaint=complaint,
            client=client,
            token=secrets.token_urlsafe(18),
            published_description=published[:PUBLISHED_DESCRIPTION_MAX_LENGTH],
            published_latitude=_rounded(latitude),
            published_longitude=_rounded(longitude),
            media_url=media,
            device_hash=lookup_hash(device_id.strip(), purpose="open311-device")
            if device_id and device_id.strip()
            else "",
        )
        event_record(
            kind=Open311Event.REQUEST_FILED,
            subject=filing,
            data={"client": client.pk, "complaint": complaint.tracking_number},
        )
    return filing


@transaction.atomic
def request_update_post(
    *, client: ClientApplication, service_request_id: str, description: str, update_id: str = ""
) -> ClientUpdate:
    """A complainant's update pushed by the client that filed the request: a message from the
    complainant to the office (``message_post``, which also restarts a clock waiting for it). The
    same ``update_id`` sent again is the same update."""
    filing = require_filer(client, selectors.filing_for_request(service_request_id))
    body = (description or "").strip()
    if not body:
        raise DomainError.for_field("description", Open311Error.UPDATE_EMPTY, _("Write the update."))
    update_id = (update_id or "").strip()[:64] or secrets.token_hex(8)
    existing = ClientUpdate.objects.filter(filing=filing, client_update_id=update_id).first()
    if existing is not None:
        return existing
    complaint = filing.complaint
    message = message_post(
        complaint=complaint, author=complaint.complainant, body=body, direction=MessageDirection.TO_OFFICE
    )
    update = ClientUpdate.objects.create(filing=filing, client_update_id=update_id, message=message)
    event_record(kind=Open311Event.UPDATE_RECEIVED, subject=filing, data={"update_id": update_id})
    return update
