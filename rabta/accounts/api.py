"""Accounts API: register, who am I, confirm contact details."""

from __future__ import annotations

import contextlib

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from rabta.accounts import selectors, services
from rabta.accounts.choices import VerificationChannel
from rabta.accounts.models import User
from rabta.accounts.roles import ROLE_DEFINITIONS, Role
from rabta.api.params import Int64
from rabta.api.schemas import ErrorOut
from rabta.core.ratelimit import RateLimited, rate_limit

router = Router(tags=["accounts"])


class DocumentIn(Schema):
    doc_type: str = Field(description="cnic, nicop, poc, passport or ntn")
    number: str
    issuing_country: str = "PK"


class RegisterIn(Schema):
    full_name: str
    password: str
    complainant_type: str = Field(description="citizen, overseas, foreigner or business")
    email: str | None = None
    phone: str | None = None
    language: str = "en"
    documents: list[DocumentIn] = []
    business_role: str = ""
    business_name: str = ""
    country_of_residence: str = "PK"
    nationality: str = "PK"
    gender: str = ""
    has_disability: bool = False
    is_minority: bool = False
    birth_year: Int64 | None = None
    women_led_business: bool = False
    youth_led_business: bool = False


class DocumentOut(Schema):
    doc_type: str
    masked: str
    issuing_country: str
    verified: bool


class RoleOut(Schema):
    role: str
    office: str | None
    government: str | None


class MeOut(Schema):
    id: int
    full_name: str
    email: str | None
    phone_verified: bool
    email_verified: bool
    language: str
    complainant_type: str | None
    roles: list[RoleOut]
    documents: list[DocumentOut]


class VerifyIn(Schema):
    channel: str
    code: str


def _me(user: User) -> MeOut:
    profile = getattr(user, "complainant_profile", None)
    assignments = selectors.user_role_assignments(user)
    return MeOut(
        id=user.pk,
        full_name=user.full_name,
        email=user.email,
        phone_verified=bool(user.phone_verified_at),
        email_verified=bool(user.email_verified_at),
        language=user.preferred_language,
        complainant_type=profile.complainant_type if profile else None,
        roles=[
            RoleOut(
                role=a.role,
                office=a.office.code if a.office else None,
                government=a.government.code if a.government else None,
            )
            for a in assignments
        ],
        documents=[
            DocumentOut(
                doc_type=d.doc_type, masked=d.masked, issuing_country=d.issuing_country, verified=bool(d.verified_at)
            )
            for d in user.identity_documents.order_by("doc_type")
        ],
    )


@router.post(
    "/register", auth=None, response={201: MeOut, 400: ErrorOut, 422: ErrorOut}, summary="Register a complainant"
)
def register(request: HttpRequest, payload: RegisterIn) -> Status[MeOut]:
    """The answer is the same whether or not an identifier given is registered already: the verified
    holder, if any, is told instead. A code goes to the email address (else the phone) at once."""
    data = payload.dict()
    documents = [services.DocumentInput(**document) for document in data.pop("documents")]
    rate_limit(
        request,
        scope="registration",
        subjects=services.registration_subjects(email=data["email"], phone=data["phone"], documents=documents),
    )
    user = services.user_register(documents=documents, **data)
    # A code already on its way to this identifier is enough: the account exists either way.
    with contextlib.suppress(RateLimited):
        services.verification_send(
            user=user, channel=VerificationChannel.EMAIL if user.email else VerificationChannel.SMS
        )
    return Status(201, _me(user))


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    return _me(request.user)  # type: ignore[arg-type]


@router.post(
    "/verify",
    response={204: None, 400: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Confirm an email or phone with its code",
)
def verify(request: HttpRequest, payload: VerifyIn) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]
    _target, target_hash = services.verification_target(user=user, channel=payload.channel)
    rate_limit(request, scope="verification", subjects=[target_hash])
    services.verification_confirm(user=user, channel=payload.channel, code=payload.code)
    return Status(204, None)


class ResendIn(Schema):
    channel: str = Field(description="email or sms")


@router.post(
    "/verify/send",
    response={202: None, 400: ErrorOut, 429: ErrorOut},
    summary="Send a new code to the email or phone (limited, with growing waits)",
)
def verify_send(request: HttpRequest, payload: ResendIn) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]
    _target, target_hash = services.verification_target(user=user, channel=payload.channel)
    rate_limit(request, scope="verification", subjects=[target_hash])
    services.verification_send(user=user, channel=payload.channel)
    return Status(202, None)


@router.get("/roles", auth=None, summary="The roles Rabta knows and what each may see")
def roles(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "role": role.value,
            "label": str(role.label),
            "scope": spec.scope.value,
            "second_factor_required": spec.is_staff_role,
            "description": spec.description,
        }
        for role, spec in ROLE_DEFINITIONS.items()
        if role in Role
    ]
