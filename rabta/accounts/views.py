"""Account pages: register, verify contact, second factor (verify and enrol), my account."""

from __future__ import annotations

import contextlib
from io import BytesIO
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts import services
from rabta.accounts.choices import VerificationChannel
from rabta.accounts.forms import (
    SERVICE_TO_FORM_FIELD,
    CodeForm,
    IdentityForm,
    RegisterForm,
    registration_subjects_from,
)
from rabta.accounts.models import User
from rabta.api.errors import status_for
from rabta.core.errors import DomainError, error_with_fields, form_invalid
from rabta.core.ratelimit import RateLimited, rate_limit


def _attach_errors(form: RegisterForm | CodeForm | IdentityForm, error: DomainError) -> None:
    for field, problems in (error.fields or {"__all__": [{"message": error.message}]}).items():
        name = SERVICE_TO_FORM_FIELD.get(field, field)
        target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, problem["message"])


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _status_for(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    """A page that shows a refused request answers with the refusal's status (429 with
    Retry-After when rate-limited), so clients and monitoring see what the API would say."""
    if error is not None:
        response.status_code = status_for(error)
        if isinstance(error, RateLimited):
            response["Retry-After"] = str(error.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    refused: DomainError | None = None
    if request.method == "POST":
        try:
            # Before the form is even read: a limit per client address and per identifier typed, the
            # same whether the identifier is registered or not.
            rate_limit(request, scope="registration", subjects=registration_subjects_from(request.POST))
        except RateLimited as error:
            refused = error
            form.add_error(None, error.message)
    if request.method == "POST" and refused is None and form.is_valid():
        try:
            user = services.user_register(**form.service_kwargs())
        except DomainError as error:
            _attach_errors(form, error)
        else:
            auth_login(request, user, backend="rabta.accounts.backends.EmailOrPhoneBackend")
            channel = VerificationChannel.EMAIL if user.email else VerificationChannel.SMS
            # A code already on its way to this identifier is enough; the account exists either way,
            # and the page says the same as for any new account.
            with contextlib.suppress(RateLimited):
                services.verification_send(user=user, channel=channel)
            messages.success(request, _("Welcome to Rabta. We have sent you a code to confirm your contact details."))
            return redirect("accounts:verify", channel=channel)
    return _status_for(render(request, "accounts/register.html", {"form": form}), refused)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, channel: str) -> HttpResponse:
    if channel not in VerificationChannel.values:
        raise Http404
    user: User = request.user  # type: ignore[assignment]
    form = CodeForm(request.POST or None)
    refused: DomainError | None = None
    if request.method == "POST" and "resend" in request.POST:
        try:
            _target, target_hash = services.verification_target(user=user, channel=channel)
            rate_limit(request, scope="verification", subjects=[target_hash])
            services.verification_send(user=user, channel=channel)
        except DomainError as error:
            refused = error
            messages.error(request, error.fields.get("channel", [{"message": error.message}])[0]["message"])
        else:
            messages.info(request, _("A new code is on its way."))
            return redirect("accounts:verify", channel=channel)
    elif request.method == "POST" and form.is_valid():
        try:
            _target, target_hash = services.verification_target(user=user, channel=channel)
            rate_limit(request, scope="verification", subjects=[target_hash])
            services.verification_confirm(user=user, channel=channel, code=form.cleaned_data["code"])
        except RateLimited as error:
            refused = error
            form.add_error(None, error.message)
        except DomainError as error:
            _attach_errors(form, error)
            # A wrong or expired code is a form error (200, as ever); nothing to verify on this
            # channel (400) and an identifier another account holds (409) answer with their status.
            if status_for(error) != 400 or "channel" in error.fields:
                refused = error
        else:
            messages.success(request, _("Thank you: your contact details are confirmed."))
            return redirect("accounts:account")
    return _status_for(render(request, "accounts/verify.html", {"form": form, "channel": channel}), refused)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask a staff member for the code from their authenticator app."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{_reverse('accounts:two_factor_setup')}?next={quote(_safe_next(request, '/'))}")
    form = CodeForm(request.POST or None)
    refused: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(device=device, token=form.cleaned_data["code"])
        except DomainError as error:
            _attach_errors(form, error)
            refused = error if status_for(error) == 429 else None
        else:
            _second_factor_login(request, device)
            return redirect(_safe_next(request, "/"))
    response = render(request, "accounts/two_factor.html", {"form": form, "next": _safe_next(request, "")})
    return _status_for(response, refused)


def _second_factor_login(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session as past the second factor, under a new session key: the step raises what the
    session may do, so a key seen before it (fixation, a shared machine) must not carry over, as
    Django's login() rotates the key at the password step."""
    otp_login(request, device)
    request.session.cycle_key()


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: show a QR code (and the key in text), then confirm with a code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:two_factor")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = services.totp_device_create(user=request.user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(device=device, token=form.cleaned_data["code"])
        except DomainError as error:
            _attach_errors(form, error)
        else:
            _second_factor_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_safe_next(request, "/"))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": buffer.getvalue().decode(),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _safe_next(request, ""),
        },
    )


# The identity service names its fields as the API does; the account page's form names them so.
IDENTITY_FIELDS = {"doc_type": "document_type", "number": "document_number", "issuing_country": "issuing_country"}


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The account: name, contacts, identity documents (and a form to add one), and the way to the
    complainant's standing and its appeal."""
    form = IdentityForm(request.POST if request.method == "POST" else None)
    error: DomainError | None = None
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.identity_add(
                    user=request.user,  # type: ignore[arg-type]
                    document=services.DocumentInput(
                        data["document_type"], data["document_number"], (data.get("issuing_country") or "PK").upper()
                    ),
                )
            except DomainError as refused:
                error = refused
                renamed = error_with_fields(
                    refused,
                    {
                        IDENTITY_FIELDS.get(name.rsplit(".", 1)[-1], name): problems
                        for name, problems in (refused.fields or {}).items()
                    },
                )
                _attach_errors(form, renamed)
            else:
                messages.success(request, _("The document was added. It counts once it is verified."))
                return redirect("accounts:account")
        else:
            error = form_invalid()
    documents = request.user.identity_documents.order_by("doc_type")  # type: ignore[union-attr]
    return _status_for(render(request, "accounts/account.html", {"documents": documents, "form": form}), error)


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
