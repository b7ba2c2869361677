"""Admin for Open311: client applications (keys issued and revoked through the services, the key
shown once) and the categories offered as services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rabta.open311 import services
from rabta.open311.models import ClientApplication, Service


@admin.register(ClientApplication)
class ClientApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "key_hint", "jurisdiction", "active", "revoked_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    fields = ["name", "contact_email", "jurisdiction", "active", "revoked_at", "revoked_reason", "key_hint"]
    readonly_fields = ["active", "revoked_at", "key_hint"]
    actions = ["issue_key", "revoke"]

    def save_model(self, request: HttpRequest, obj: ClientApplication, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = services.client_register(
            name=obj.name, contact_email=obj.contact_email, jurisdiction=obj.jurisdiction, actor=request.user
        )
        obj.pk = client.pk
        obj.key_hash, obj.key_hint = client.key_hash, client.key_hint
        self._show_key(request, client, key)

    def _show_key(self, request: HttpRequest, client: ClientApplication, key: str) -> None:
        message = _("The API key of %(name)s, shown only now: %(key)s") % {"name": client.name, "key": key}
        self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Issue a new API key (the old one stops working)"))
    def issue_key(self, request: HttpRequest, queryset: QuerySet[ClientApplication]) -> None:
        for client in queryset:
            self._show_key(request, client, services.client_key_issue(client=client, actor=request.user))

    @admin.action(description=_("Revoke the API key"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ClientApplication]) -> None:
        for client in queryset:
            services.client_revoke(client=client, actor=request.user, reason=str(_("Revoked in the admin")))


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["category", "listed", "service_type", "group"]
    list_filter = ["listed", "service_type"]
    search_fields = ["category__code", "category__name"]
    raw_id_fields = ["category"]
