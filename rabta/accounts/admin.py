"""Admin for accounts, second-factor devices and sign-in records.

Every write here that has rules goes through a service (with its checks and its event): accounts
are opened with no password (their owner chooses one through a reset link), roles are granted and
revoked by role_grant / role_revoke, second factors are reset (never shown). Which accounts and
roles a person may manage is rabta.accounts.permissions'. Full identity numbers, phone numbers,
TOTP keys, backup codes and complainants' self-identification never appear (see ``admin.site.hide``
below: the site keeps them out of every form, list, filter and search).
"""

from __future__ import annotations

import contextlib
from typing import Any, cast

from axes.admin import AccessAttemptAdmin as AxesAttemptAdmin
from axes.admin import AccessFailureLogAdmin as AxesFailureLogAdmin
from axes.admin import AccessLogAdmin as AxesLogAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts import services
from rabta.accounts.admin_site import RabtaAdminSite
from rabta.accounts.errors import AccountsError
from rabta.accounts.models import ComplainantProfile, IdentityDocument, RoleAssignment, User, VerificationCode
from rabta.accounts.permissions import account_manageable_by, is_active_superuser, role_grantable_by
from rabta.accounts.roles import Role
from rabta.accounts.validators import normalize_nadra_number, normalize_phone
from rabta.core.crypto import lookup_hash
from rabta.core.errors import DomainError

site = cast(RabtaAdminSite, admin.site)
# Secrets: what would sign someone in, or what a stored hash could be tested against.
site.hide(User, "password", "phone", "phone_hash", "user_permissions")
site.hide(IdentityDocument, "number", "number_hash")
site.hide(VerificationCode, "code_hash")
site.hide("otp_totp.totpdevice", "key")
site.hide("otp_static.statictoken", "token")
# Self-identification: given for priority and statistics only, never for anyone to read (DESIGN.md).
site.hide(
    ComplainantProfile,
    "gender",
    "has_disability",
    "is_minority",
    "birth_year",
    "women_led_business",
    "youth_led_business",
)


class ServiceForm(forms.ModelForm):
    """A form whose write is a service call, made once every other check has passed (inside the
    admin's transaction); a refusal comes back as form errors, never as a server error. Used only by
    admins without inlines, so that nothing validated later can fail after the service has run."""

    request: HttpRequest | None = None  # set per request by ServiceFormMixin.get_form

    def run_service(self) -> None:
        raise NotImplementedError

    def check_model(self) -> None:
        super()._post_clean()  # type: ignore[misc]

    # Django's hook after field validation (not in the stubs).
    def _post_clean(self) -> None:
        self.check_model()
        if self.errors or self.request is None:
            return
        try:
            self.run_service()
        except DomainError as exc:
            for field, problems in exc.fields.items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem["message"])
            if not exc.fields:
                self.add_error(None, exc.message)


class ServiceFormMixin:
    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]
        form.request = request  # a fresh class per call, so this does not leak between requests
        return form


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


class UserAddForm(ServiceForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "preferred_language"]

    def run_service(self) -> None:
        assert self.request is not None
        self.instance = services.user_create(
            email=self.cleaned_data["email"],
            full_name=self.cleaned_data["full_name"],
            language=self.cleaned_data["preferred_language"],
            actor=self.request.user,
            base_url=_base_url(self.request),
        )


class UserChangeForm(ServiceForm):
    class Meta:
        model = User
        fields: list[str] = []  # what the actor may edit: UserAdmin.get_readonly_fields leaves it

    def run_service(self) -> None:
        assert self.request is not None
        changes = {name: self.cleaned_data[name] for name in self.changed_data if name != "groups"}
        if "groups" in self.changed_data and not is_active_superuser(self.request.user):
            raise DomainError.for_field(
                "groups", AccountsError.FIELD_NOT_EDITABLE, str(_("You cannot change this field."))
            )
        # full_clean put the submitted values on the instance; the service compares with the stored ones.
        stored = User.objects.get(pk=self.instance.pk)
        services.user_update(user=stored, actor=self.request.user, changes=changes)


@admin.register(User)
class UserAdmin(ServiceFormMixin, admin.ModelAdmin):
    """Accounts. No password is ever set here (accounts are opened with none, and a reset link goes
    to the owner); admin access, superuser status, groups and contact addresses are a superuser's;
    accounts above the actor's level are read-only (rabta.accounts.permissions). Users are
    deactivated, never deleted: events and complaints keep pointing at them."""

    ordering = ["-date_joined"]
    list_display = ["full_name", "email", "masked_phone", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "role_assignments__role"]
    search_fields = ["full_name", "email"]
    actions = ["send_password_reset"]
    fieldsets = [
        (None, {"fields": ["email", "masked_phone"]}),
        (_("Person"), {"fields": ["full_name", "preferred_language"]}),
        (
            _("Status"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "email_verified_at",
                    "phone_verified_at",
                    "last_login",
                    "date_joined",
                ]
            },
        ),
        (_("Roles and identity"), {"fields": ["roles_held", "identity_documents_held"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "preferred_language"]})]
    displays = ("masked_phone", "roles_held", "identity_documents_held")

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: User) -> str:
        return f"…{obj.phone[-4:]}" if obj.phone else ""

    @admin.display(description=_("roles"))
    def roles_held(self, obj: User) -> str:
        rows = obj.role_assignments.select_related("office", "government").order_by("-active", "role")
        return format_html_join(
            "",
            "<div>{} @ {}{}</div>",
            (
                (row.get_role_display(), row.office or row.government or "—", "" if row.active else " (revoked)")
                for row in rows
            ),
        )

    @admin.display(description=_("identity documents"))
    def identity_documents_held(self, obj: User) -> str:
        return ", ".join(str(document) for document in obj.identity_documents.order_by("doc_type"))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        editable = set(services.user_fields_editable_by(request.user))
        if is_active_superuser(request.user):
            editable.add("groups")
        if not self.has_change_permission(request, obj):
            editable = set()
        shown = [str(name) for _name, options in self.fieldsets for name in options["fields"]]
        return [name for name in shown if name not in editable]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = UserChangeForm if obj is not None else UserAddForm
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or account_manageable_by(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """The form's service has saved what changed; a plain save would bypass it."""
        if not change:
            obj.pk = form.instance.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change and "groups" in form.changed_data and is_active_superuser(request.user):
            form.save_m2m()  # superusers only (checked by the form too); the admin's event names the field

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[User], search_term: str) -> tuple[Any, bool]:
        results, distinct = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, distinct
        hashes = []
        with contextlib.suppress(ValidationError):
            hashes.append(("phone_hash", lookup_hash(normalize_phone(term), purpose="phone")))
        with contextlib.suppress(ValidationError):
            hashes.append(
                ("identity_documents__number_hash", lookup_hash(normalize_nadra_number(term), purpose="nadra"))
            )
        for field, digest in hashes:
            results = results | queryset.filter(**{field: digest})
        return results, True

    @admin.action(description=_("Send a password reset link to the selected accounts"), permissions=["change"])
    def send_password_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for user in queryset:
            try:
                services.password_reset_send(user=user, actor=request.user, base_url=_base_url(request))
                sent += 1
            except DomainError as exc:
                self.message_user(request, f"{user}: {exc.message}", level=messages.WARNING)
        self.message_user(request, _("Password reset links sent: %(count)d.") % {"count": sent})


class RoleGrantForm(ServiceForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "office", "government"]

    def check_model(self) -> None:
        """The service checks everything (including a revoked grant being granted again, which the
        model's uniqueness check would refuse)."""

    def run_service(self) -> None:
        assert self.request is not None
        data = self.cleaned_data
        self.instance = services.role_grant(
            user=data["user"],
            role=data["role"],
            office=data.get("office"),
            government=data.get("government"),
            granted_by=self.request.user,
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceFormMixin, admin.ModelAdmin):
    """Roles are granted here through role_grant and revoked through role_revoke (an action); an
    assignment is never edited (that would change a role around its own rules) nor deleted."""

    list_display = ["user", "role", "office", "government", "active", "granted_by", "created_at"]
    list_filter = ["role", "active"]
    search_fields = ["user__full_name", "user__email", "office__name", "office__code"]
    list_select_related = ["user", "office", "government", "granted_by"]
    autocomplete_fields = ["user", "office", "government"]
    actions = ["revoke_selected"]
    fields = ["user", "role", "office", "government", "post", "active", "granted_by", "created_at", "updated_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return list(RoleGrantForm.Meta.fields) if obj is None else list(self.fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else list(self.fields)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = RoleGrantForm
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "role" in form.base_fields:
            # Offer only what this person may grant; the service refuses anything else anyway.
            field = cast(forms.ChoiceField, form.base_fields["role"])
            field.choices = [(value, label) for value, label in Role.choices if role_grantable_by(request.user, value)]
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("accounts.change_roleassignment"))

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        """role_grant has saved it (see RoleGrantForm)."""
        obj.pk, obj.active, obj.created_at = form.instance.pk, form.instance.active, form.instance.created_at

    @admin.action(description=_("Revoke the selected roles"), permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        revoked = 0
        for assignment in queryset.select_related("user", "office", "government"):
            try:
                services.role_revoke(assignment=assignment, revoked_by=request.user, reason="revoked in the admin")
                revoked += 1
            except DomainError as exc:
                self.message_user(request, f"{assignment}: {exc.message}", level=messages.WARNING)
        self.message_user(request, _("Roles revoked: %(count)d.") % {"count": revoked})


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by services (registration, verification); the admin only shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ComplainantProfile)
class ComplainantProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "complainant_type", "country_of_residence", "created_at"]
    list_filter = ["complainant_type", "country_of_residence"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(ReadOnlyAdmin):
    list_display = ["user", "doc_type", "masked", "issuing_country", "verified_at"]
    list_filter = ["doc_type", "issuing_country"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "doc_type", "masked", "issuing_country", "verified_at"]
    readonly_fields = ["masked"]


@admin.register(VerificationCode)
class VerificationCodeAdmin(ReadOnlyAdmin):
    list_display = ["user", "channel", "created_at", "expires_at", "attempts", "used_at"]
    list_select_related = ["user"]


class SecondFactorDeviceAdmin(ReadOnlyAdmin):
    """A second-factor device is enrolled by its owner and reset (removed, the owner told) here; its
    secret is never shown, so nobody can copy someone else's codes."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    actions = ["reset_selected"]

    def has_reset_permission(self, request: HttpRequest) -> bool:
        opts = self.model._meta
        return bool(request.user.has_perm(f"{opts.app_label}.delete_{opts.model_name}"))

    @admin.action(description=_("Reset the selected second factors (their owners enrol again)"), permissions=["reset"])
    def reset_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for device in queryset.select_related("user"):
            try:
                services.second_factor_reset(device=device, actor=request.user, reason="reset in the admin")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{device.user}: {exc.message}", level=messages.WARNING)
        self.message_user(request, _("Second factors reset: %(count)d.") % {"count": done})


for _device_model in (TOTPDevice, StaticDevice):
    # django-otp's own admins show the key (and a QR code of it) and the backup codes.
    if site.is_registered(_device_model):
        site.unregister(_device_model)
    site.register(_device_model, SecondFactorDeviceAdmin)


class _SignInRecordAdmin:
    """Records of sign-ins are evidence: nobody edits or deletes them here."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for _record_model, _record_admin in ((AccessLog, AxesLogAdmin), (AccessFailureLog, AxesFailureLogAdmin)):
    if site.is_registered(_record_model):
        site.unregister(_record_model)
    site.register(_record_model, type(_record_admin.__name__, (_SignInRecordAdmin, _record_admin), {}))


class AccessAttemptAdmin(AxesAttemptAdmin):
    """Axes' own, whose clean-up action failed with a server error: it reads the attempt time that
    axes sets on a request only while signing someone in."""

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        AxesProxyHandler.update_request(request)
        super().cleanup_expired_attempts(request, queryset)


if site.is_registered(AccessAttempt):
    site.unregister(AccessAttempt)
site.register(AccessAttempt, AccessAttemptAdmin)
