"""The Django admin site, with the rules every ModelAdmin on it obeys whoever wrote it (ours,
django-otp's, axes', auth's):

* **Who gets in** follows roles, not the ``is_staff`` flag alone: an active account with admin
  access *and* a staff role (or superuser status), past its second factor. A flag left behind by a
  revoked role opens nothing.
* **Hidden fields** (secrets and self-identification, declared by each app with :meth:`hide`) are
  in no form, list, filter or search of any ModelAdmin or inline, whoever looks.
* **Filters** in a list's address are only those the list offers. Django otherwise accepts any
  local field (``?password__startswith=…``, ``?key__startswith=…``), which turns a list into an
  oracle for anything stored in its table.
* **Superuser-only models** (groups and permissions, which imply every other permission) are out of
  reach of anyone who is not already a superuser, whatever permissions they were given.
* **Every write** the admin logs (add, change, delete) also leaves an immutable event, in the same
  transaction; writes with rules go through services, which write their own.

The site applies these by mixing :class:`GuardedModelAdmin` into every ModelAdmin registered on it,
so a registration cannot forget them; accounts/tests/test_admin_matrix.py checks each rule over the
whole registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

from rabta.accounts.events import AdminEvent
from rabta.core.events import event_build, event_record, events_record


def _label(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


class HiddenFieldsMixin(BaseModelAdmin):
    """Strips the site's hidden fields from what a ModelAdmin or inline shows and edits."""

    def _hidden(self) -> frozenset[str]:
        site = getattr(self, "admin_site", None)
        return site.hidden_fields(self.model) if isinstance(site, RabtaAdminSite) else frozenset()

    def _strip(self, names: Iterable[Any]) -> list[Any]:
        hidden = self._hidden()
        kept = []
        for name in names:
            path = name[0] if isinstance(name, (list, tuple)) else name
            if isinstance(path, str) and path.split(LOOKUP_SEP)[0].lstrip("-^=@") in hidden:
                continue
            kept.append(name)
        return kept

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or ()), *sorted(self._hidden())]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self._strip(super().get_fields(request, obj))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [
            (name, {**options, "fields": self._strip(options.get("fields", ()))})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self._strip(super().get_readonly_fields(request, obj))


class GuardedModelAdmin(HiddenFieldsMixin, admin.ModelAdmin):
    """Mixed into every ModelAdmin the site registers (see the module's docstring)."""

    def _superuser_only(self, request: HttpRequest) -> bool:
        site = self.admin_site
        return (
            isinstance(site, RabtaAdminSite)
            and _label(self.model) in site.superuser_only
            and not (request.user.is_active and request.user.is_superuser)
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._superuser_only(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self._superuser_only(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._superuser_only(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._superuser_only(request) and super().has_delete_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return not self._superuser_only(request) and super().has_module_permission(request)

    def get_list_display(self, request: HttpRequest) -> Any:
        return self._strip(super().get_list_display(request))

    def get_list_filter(self, request: HttpRequest) -> Any:
        return self._strip(super().get_list_filter(request))

    def get_search_fields(self, request: HttpRequest) -> Any:
        return self._strip(super().get_search_fields(request))

    def get_sortable_by(self, request: HttpRequest) -> Any:
        return self._strip(super().get_sortable_by(request))

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        """Only the filters the list offers (and Django's own popup lookups); see the docstring."""
        first = lookup.split(LOOKUP_SEP)[0]
        if first in self._hidden():
            return False
        try:
            self.model._meta.get_field(first)
        except FieldDoesNotExist:
            return True  # a custom filter's own parameter, or a name the queryset will refuse (?e=1)
        offered = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, (list, tuple)):
                item = item[0]
            if isinstance(item, str):
                offered.add(item.split(LOOKUP_SEP)[0])
            elif isinstance(item, type) and issubclass(item, admin.SimpleListFilter) and item.parameter_name:
                offered.add(item.parameter_name)
        if first not in offered:
            # limit_choices_to of a raw-id popup: Django's own check recognises exactly those
            return any(
                (lookup, value) in url_params_from_lookup_dict(fk() if callable(fk) else fk).items()
                for fk in self.model._meta.related_fkey_lookups
            )
        return bool(super().lookup_allowed(lookup, value, request))

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[InlineModelAdmin]:
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            if not isinstance(inline, HiddenFieldsMixin):
                inline.__class__ = type(inline.__class__.__name__, (HiddenFieldsMixin, inline.__class__), {})
        return inlines

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Every action leaves an event per selected row, in the action's transaction: third-party
        actions (axes' clean-up) write no log and no event of their own. delete_selected needs none:
        its deletions are logged (below)."""
        actions: dict[str, Any] = super().get_actions(request) or {}
        return {
            name: (func if name == "delete_selected" else _audited(func, name), name, description)
            for name, (func, _name, description) in actions.items()
        }

    # Every write the admin logs leaves an event too (the admin's log is neither immutable nor
    # read by auditors). Field names only: values may be personal.
    def _admin_event(self, request: HttpRequest, obj: models.Model, kind: AdminEvent, message: Any) -> None:
        with transaction.atomic():
            event_record(
                kind=kind,
                subject=obj,
                actor=request.user,
                data={"message": message if isinstance(message, (list, str)) else str(message)},
            )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._admin_event(request, obj, AdminEvent.ADDED, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._admin_event(request, obj, AdminEvent.CHANGED, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._admin_event(request, obj, AdminEvent.DELETED, "")
        return super().log_deletions(request, queryset)


def _audited(func: Any, name: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: Any) -> Any:
        with transaction.atomic():
            events_record(
                *(
                    event_build(kind=AdminEvent.ACTION, subject=obj, actor=request.user, to_state=name)
                    for obj in queryset
                )
            )
            return func(modeladmin, request, queryset)

    return action


class RabtaAdminSite(admin.AdminSite):
    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self._hidden: dict[str, frozenset[str]] = {}
        # Permissions over these imply every other permission (a group can be given any of them).
        self.superuser_only: set[str] = {"auth.group", "auth.permission", "contenttypes.contenttype"}

    def hide(self, model: type[models.Model] | str, *fields: str) -> None:
        """Never show ``fields`` of ``model`` (a secret, or a person's self-identification)."""
        label = model.lower() if isinstance(model, str) else _label(model)
        self._hidden[label] = self._hidden.get(label, frozenset()) | frozenset(fields)

    def hidden_fields(self, model: type[models.Model] | models.Model) -> frozenset[str]:
        return self._hidden.get(_label(model), frozenset())

    @property
    def hidden(self) -> dict[str, frozenset[str]]:
        return dict(self._hidden)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, GuardedModelAdmin):
            admin_class = type(
                admin_class.__name__, (GuardedModelAdmin, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        from rabta.accounts.permissions import may_enter_admin

        user = request.user
        if not may_enter_admin(user):
            return False
        # django-otp's check; the second-factor middleware sends the user there first.
        return bool(getattr(user, "is_verified", lambda: False)())
