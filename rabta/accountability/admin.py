"""Read-only admin of the responsibility index and the officer audits: the services write them
(with their events) and oversight decides through the API. Administrators do not see them: they are
not configuration (rabta.accounts.services.ADMINISTRATOR_MODELS)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rabta.accountability.models import ComplainantStanding, OfficerAudit, ResponsibilityRating


class _ReadOnly(admin.ModelAdmin):
    """Records the services write (with their events); the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ComplainantStanding)
class ComplainantStandingAdmin(_ReadOnly):
    """The responsibility index by account number; appeals are decided through the API (oversight)."""

    list_display = ["user_id", "level", "score", "appeal_open", "appeal_granted", "updated_at"]
    list_filter = ["level", "appeal_open"]
    exclude = ["user"]
    readonly_fields = ["user_id"]


@admin.register(ResponsibilityRating)
class ResponsibilityRatingAdmin(_ReadOnly):
    list_display = ["complaint", "rating", "rated_by", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["complaint", "rated_by"]
    search_fields = ["complaint__tracking_number"]


@admin.register(OfficerAudit)
class OfficerAuditAdmin(_ReadOnly):
    """The queue of resolutions complainants rejected; closed with a finding through the API."""

    list_display = ["complaint", "officer", "reason", "status", "finding", "created_at", "closed_at"]
    list_filter = ["status", "finding", "reason"]
    list_select_related = ["complaint", "officer"]
    search_fields = ["complaint__tracking_number"]
