"""Admin for complaint configuration (categories, routing, deadlines, canned replies) and a
read-only view of complaints for superusers. Administrators do not read complaint contents: only
the configuration models are in their permission group (rabta.accounts.services.ADMINISTRATOR_MODELS)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rabta.accounts.admin_site import RabtaAdminSite
from rabta.complaints.models import (
    CannedReply,
    Category,
    Complaint,
    DeadlinePolicy,
    DecisionReview,
    RoutingRule,
)
from rabta.complaints.services import reviews
from rabta.core.errors import DomainError

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


class DecisionReviewOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(decided_at__isnull=True, due_at__lt=timezone.now())
        return queryset


class DecisionReviewAdminForm(forms.ModelForm):
    """Assigning and deciding go through the services (the senior-or-independent rule, mandatory
    reasons, one event each), never through a plain save. They run after every other check has
    passed, inside the admin's transaction, and a refused change comes back as a form error."""

    request: HttpRequest | None = None  # set per request by DecisionReviewAdmin.get_form

    class Meta:
        model = DecisionReview
        fields = ["reviewer", "reviewer_post", "result", "result_reasons"]

    # Django's hook after model validation (not in the stubs): writes come after every check.
    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors or self.instance.pk is None or self.request is None:
            return
        data, actor = self.cleaned_data, self.request.user
        try:
            if {"reviewer", "reviewer_post"} & set(self.changed_data):
                reviewer, post = data.get("reviewer"), data.get("reviewer_post")
                if reviewer is None or post is None:
                    raise ValidationError(_("Choose both the reviewer and their post."))
                if not reviews.reviewer_candidates(post).filter(pk=reviewer.pk).exists():
                    raise ValidationError({"reviewer": _("The reviewer must be an officer of the post's office.")})
                reviews.decision_review_assign(review=self.instance, reviewer=reviewer, reviewer_post=post, actor=actor)
            if {"result", "result_reasons"} & set(self.changed_data):
                reviews.decision_review_decide(
                    review=self.instance,
                    actor=actor,
                    result=data.get("result") or "",
                    reasons=data.get("result_reasons") or "",
                )
        except DomainError as exc:
            for field, problems in exc.fields.items():
                name = {"reasons": "result_reasons"}.get(field, field)
                for problem in problems:
                    self.add_error(name if name in self.fields else None, problem["message"])
            if not exc.fields:
                self.add_error(None, exc.message)
        except ValidationError as exc:
            self.add_error(None, exc)


@admin.register(DecisionReview)
class DecisionReviewAdmin(admin.ModelAdmin):
    """Reviews are filed by applicants (API and pages), so there is no add form. Here the line's
    supervisors assign a reviewer and the assigned reviewer decides, both through the services;
    what was filed, and a decision once made, are read-only."""

    form = DecisionReviewAdminForm
    list_display = [
        "reference",
        "decision_type",
        "decision_reference",
        "decision_office",
        "review_status",
        "due_at",
        "overdue",
        "result",
        "decided_at",
    ]
    list_filter = ["decision_type", "result", DecisionReviewOverdueFilter]
    search_fields = ["reference", "declaration_number", "decision_reference"]
    list_select_related = ["decision_office"]
    autocomplete_fields = ["reviewer", "reviewer_post"]
    filed = (
        "reference",
        "applicant",
        "decision_type",
        "decision_reference",
        "declaration_number",
        "decision_office",
        "decision_maker_rank",
        "reasons",
        "due_at",
        "created_at",
        "decided_at",
    )
    fieldsets = [
        (None, {"fields": filed}),
        (_("Review"), {"fields": ["reviewer", "reviewer_post", "result", "result_reasons"]}),
    ]
    ordering = ["-created_at"]

    @admin.display(description=_("status"))
    def review_status(self, obj: DecisionReview) -> str:
        return obj.status

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: DecisionReview) -> bool:
        return obj.is_overdue

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.decided_at is not None:
            return [*self.filed, "reviewer", "reviewer_post", "result", "result_reasons"]
        return list(self.filed)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = cast(type[DecisionReviewAdminForm], super().get_form(request, obj, change, **kwargs))
        form.request = request  # a fresh class per call, so this does not leak between requests
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The form's services have saved what changed; a plain save would bypass them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
