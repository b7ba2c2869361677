"""Admin for complaint configuration (categories, routing, deadlines, canned replies) and a
read-only view of complaints for superusers. Administrators do not read complaint contents: only
the configuration models are in their permission group (rabta.accounts.services.ADMINISTRATOR_MODELS)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.http import HttpRequest

from rabta.accounts.admin_site import RabtaAdminSite
from rabta.complaints.models import (
    CannedReply,
    Category,
    Complaint,
    DeadlinePolicy,
    RoutingRule,
)

# The flags derived from a complainant's self-identification drive priority and statistics only:
# nobody reads them in the admin (DESIGN.md). The anonymous token's hash is a secret.
cast(RabtaAdminSite, admin.site).hide(
    Complaint,
    *(field.name for field in Complaint._meta.fields if field.name.startswith("flag_")),
    "anonymous_token_hash",
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "is_customs", "active"]
    list_filter = ["active", "is_customs", "department__government"]
    search_fields = ["code", "name", "name_ur"]
    autocomplete_fields = ["department", "parent"]
    list_select_related = ["department__government"]  # a department's name shows its government's code


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "jurisdiction", "office", "priority", "active"]
    list_filter = ["active"]
    search_fields = ["category__code", "office__code", "office__name"]
    autocomplete_fields = ["category", "jurisdiction", "office"]
    list_select_related = ["category", "jurisdiction", "office"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "acknowledge_days", "resolve_days", "escalate_supervisor_day", "escalate_head_day"]
    autocomplete_fields = ["category", "office"]
    list_select_related = ["category", "office"]  # both named by __str__


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "department"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["department"]


class _ReadOnly(admin.ModelAdmin):
    """Records the services write (with their events); the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(_ReadOnly):
    """Read-only: every change goes through the services, which check transitions and write events."""

    list_display = ["tracking_number", "status", "category", "current_office", "created_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["tracking_number"]
    list_select_related = ["category", "current_office"]
    exclude = ["complainant", "anonymous_token_hash", "idempotency_key"]
