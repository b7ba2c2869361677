"""Admin for accounts. Full identity numbers and phone numbers never appear in lists; searching by
phone or CNIC works through their keyed hashes."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from rabta.accounts.models import ComplainantProfile, IdentityDocument, RoleAssignment, User, VerificationCode
from rabta.accounts.validators import normalize_nadra_number, normalize_phone
from rabta.core.crypto import lookup_hash


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["office", "government"]
    fields = ["role", "office", "government", "active"]


class IdentityDocumentInline(admin.TabularInline):
    model = IdentityDocument
    extra = 0
    fields = ["doc_type", "masked", "issuing_country", "verified_at"]
    readonly_fields = ["doc_type", "masked", "issuing_country"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # documents are added through the identity service, which validates and hashes


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["full_name", "email", "masked_phone", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "role_assignments__role"]
    search_fields = ["full_name", "email"]
    readonly_fields = ["masked_phone", "last_login", "date_joined", "email_verified_at", "phone_verified_at"]
    fieldsets = [
        (None, {"fields": ["email", "masked_phone", "password"]}),
        ("Person", {"fields": ["full_name", "preferred_language"]}),
        (
            "Status",
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
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    inlines = [RoleAssignmentInline, IdentityDocumentInline]

    @admin.display(description="phone")
    def masked_phone(self, obj: User) -> str:
        return f"…{obj.phone[-4:]}" if obj.phone else ""

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


@admin.register(ComplainantProfile)
class ComplainantProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "complainant_type", "country_of_residence", "created_at"]
    list_filter = ["complainant_type", "country_of_residence"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(admin.ModelAdmin):
    list_display = ["user", "doc_type", "masked", "issuing_country", "verified_at"]
    list_filter = ["doc_type", "issuing_country"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "doc_type", "masked", "issuing_country", "verified_at"]
    readonly_fields = ["user", "doc_type", "masked", "issuing_country"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "office", "government", "active", "created_at"]
    list_filter = ["role", "active"]
    search_fields = ["user__full_name", "user__email", "office__name", "office__code"]
    list_select_related = ["user", "office", "government"]
    autocomplete_fields = ["user", "office", "government"]

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # New assignments go through the service: it enforces each role's scope and writes the event.
        from rabta.accounts.services import role_assign
        from rabta.core.errors import DomainError

        try:
            assigned = role_assign(
                user=obj.user, role=obj.role, office=obj.office, government=obj.government, granted_by=request.user
            )
        except DomainError as error:
            raise ValidationError(error.message, code=error.code) from error
        obj.pk = assigned.pk


@admin.register(VerificationCode)
class VerificationCodeAdmin(admin.ModelAdmin):
    list_display = ["user", "channel", "created_at", "expires_at", "attempts", "used_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "channel", "code_hash", "created_at", "expires_at", "attempts", "used_at"]
