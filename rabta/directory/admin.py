"""Django admin for the directory. With 10,000 offices, every foreign key to an office or a place
is an autocomplete (never a giant select) and list pages join what they show."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rabta.core.errors import DomainError
from rabta.directory.errors import DirectoryError
from rabta.directory.models import Department, Government, Jurisdiction, Office, Post, office_within
from rabta.directory.services import office_activate, office_create, office_deactivate, office_move


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_ur", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name", "name_ur")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    ordering = ("code",)


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "jurisdiction")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_ur")
    autocomplete_fields = ("jurisdiction",)
    list_select_related = ("jurisdiction",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "government", "is_customs")
    list_filter = ("government", "is_customs")
    search_fields = ("code", "name", "name_ur")
    autocomplete_fields = ("government",)
    list_select_related = ("government",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        # str(department) names its government: the office form's autocomplete would otherwise
        # run one query per suggestion.
        return super().get_queryset(request).select_related("government")


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ("title", "title_ur", "rank", "is_head")


class OfficeAdminForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = (
            "department",
            "parent",
            "code",
            "name",
            "name_ur",
            "level",
            "jurisdiction",
            "serves",
            "email",
            "is_active",
        )

    def clean_parent(self) -> Office | None:
        """Refuse a loop on the form (the service refuses it too) so the administrator sees why."""
        parent: Office | None = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and office_within(parent, self.instance):
            raise forms.ValidationError(
                _("An office cannot report to itself or to an office below it."), code=DirectoryError.OFFICE_MOVE_CYCLE
            )
        return parent


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeAdminForm
    list_display = ("code", "name", "level", "department", "jurisdiction", "parent", "is_active")
    list_filter = ("level", "is_active", "department__government", "department__is_customs")
    search_fields = ("code", "name", "name_ur")
    autocomplete_fields = ("department", "parent", "jurisdiction", "serves")
    list_select_related = ("department__government", "jurisdiction", "parent")
    readonly_fields = ("path", "depth", "created_at", "updated_at")
    fields = (
        "department",
        "parent",
        "code",
        "name",
        "name_ur",
        "level",
        "jurisdiction",
        "serves",
        "email",
        "is_active",
        "path",
        "depth",
        "created_at",
        "updated_at",
    )
    inlines = (PostInline,)
    actions = ("deactivate_selected",)
    show_full_result_count = False  # a COUNT(*) over 10,000 filtered rows on every page buys nothing

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Office, form: ModelForm, change: bool) -> None:
        """Creation and re-parenting go through the services, which keep ``path`` (and the whole
        subtree's paths) right and write the event; plain fields are saved as they are."""
        if not change:
            created = office_create(
                department=obj.department,
                code=obj.code,
                name=obj.name,
                name_ur=obj.name_ur,
                level=obj.level,
                jurisdiction=obj.jurisdiction,
                parent=obj.parent,
                email=obj.email,
                actor=request.user,
            )
            obj.pk, obj.path, obj.depth, obj.created_at, obj.updated_at = (
                created.pk,
                created.path,
                created.depth,
                created.created_at,
                created.updated_at,
            )
            if not obj.is_active:
                office_deactivate(office=created, actor=request.user, reason="created inactive in admin")
            return
        plain = [name for name in form.changed_data if name not in {"parent", "serves", "is_active"}]
        if plain:
            obj.save(update_fields=[*plain, "updated_at"])
        if "parent" in form.changed_data:
            moved = office_move(office=obj, new_parent=obj.parent, actor=request.user)
            obj.path, obj.depth = moved.path, moved.depth
        if "is_active" in form.changed_data:
            if obj.is_active:
                office_activate(office=obj, actor=request.user, reason="activated in admin")
            else:
                office_deactivate(office=obj, actor=request.user, reason="deactivated in admin")

    @admin.action(description=_("Deactivate the selected offices"))
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[Office]) -> None:
        done = 0
        for office in queryset.order_by("-depth"):  # leaves first, so a parent's children are already inactive
            try:
                office_deactivate(office=office, actor=request.user, reason="admin action")
                done += 1
            except DomainError as exc:
                self.message_user(request, exc.message, level=messages.WARNING)
        self.message_user(request, _("%(count)d offices deactivated.") % {"count": done})


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "rank", "is_head", "office")
    list_filter = ("is_head", "rank")
    search_fields = ("title", "office__code", "office__name")
    autocomplete_fields = ("office",)
    list_select_related = ("office",)
    show_full_result_count = False
