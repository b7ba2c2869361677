"""The border agencies that share the risk engine (issue 10, "other government agencies"): the
registry (an agency, the tariff code prefixes it regulates and the outcomes it orders), its officers,
its own rules, what they selected with the agency's own result, and the risk knowledge it shared
with customs (a watch list, one share at a time).

Who sees what: an agency officer (``Role.AGENCY_OFFICER``, attached to an agency by an
:class:`AgencyMember` row) sees their agency's rules, selections and shares and nothing of customs'
rules; customs staff and risk analysts see the agencies and the selections of the declarations they
may see, never an agency's rules."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role
from rabta.accounts.types import Actor, is_signed_in
from rabta.core.models import TimeStampedModel
from rabta.risk.choices import AgencyOutcome, AgencyResult, RuleStatus, WatchListKind

CUSTOMS_READERS = (Role.CUSTOMS_MANAGER, Role.EXAMINING_OFFICER, Role.OVERSIGHT, Role.RISK_ANALYST)


def member_agency_ids(user: Actor) -> list[int]:
    """The agencies ``user`` works for: an active agency officer's membership rows (none otherwise)."""
    if not is_signed_in(user):
        return []
    if not user.role_assignments.filter(active=True, role=Role.AGENCY_OFFICER).exists():
        return []
    return list(AgencyMember.objects.filter(user=user).values_list("agency_id", flat=True))


def is_customs_reader(user: Actor) -> bool:
    return bool(is_signed_in(user) and user.role_assignments.filter(active=True, role__in=CUSTOMS_READERS).exists())


class AgencyQuerySet(models.QuerySet["Agency"]):
    def visible_to(self, user: Actor) -> AgencyQuerySet:
        """Customs staff and analysts know every agency; an agency officer their own."""
        if is_customs_reader(user):
            return self.all()
        return self.filter(pk__in=member_agency_ids(user))


class Agency(TimeStampedModel):
    """A government agency that regulates goods at the border: plant protection (PPD), drug
    regulation (DRAP), food authorities. ``code_prefixes`` are the tariff code prefixes it
    regulates (2 to 12 digits); ``outcomes`` those of :class:`AgencyOutcome` it orders."""

    code = models.SlugField(max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ur = models.CharField(_("name (Urdu)"), max_length=200)
    code_prefixes = models.JSONField(default=list)
    outcomes = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code"], name="risk_agency_code_unique")]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """The agency's name in the language of the request."""
        return self.name_ur if (get_language() or "").startswith("ur") and self.name_ur else self.name_en

    def regulates(self, code: str) -> bool:
        return bool(code) and str(code).startswith(tuple(self.code_prefixes))


class AgencyMember(models.Model):
    """The agency an agency officer works for (the scope of ``Role.AGENCY_OFFICER``)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="risk_agency_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.agency_id}"


class AgencyOwnedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Actor) -> AgencyOwnedQuerySet:
        """An agency's rules are its officers' alone (customs never reads them, nor another agency)."""
        return self.filter(agency_id__in=member_agency_ids(user))


class AgencyRule(TimeStampedModel):
    """An agency officer's rule: a condition (rabta.risk.expressions) over the items of a declaration
    that fall under the agency's codes, ordering ``outcome`` for ``percentage`` % of those it matches."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=200)
    condition = models.TextField(_("condition"), max_length=2000)
    outcome = models.CharField(max_length=20, choices=AgencyOutcome.choices)
    percentage = models.DecimalField(max_digits=5, decimal_places=2, default=100)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RuleStatus.choices, default=RuleStatus.ACTIVE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = AgencyOwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(percentage__gte=0, percentage__lte=100), name="risk_agency_rule_percentage"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="risk_agency_rule_validity",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="risk_agency_rule_idx")]

    def __str__(self) -> str:
        return self.name


class AgencySelectionQuerySet(models.QuerySet["AgencySelection"]):
    def visible_to(self, user: Actor) -> AgencySelectionQuerySet:
        """An agency officer: their agency's selections. Customs staff and analysts: those of the
        declarations they may see (the agency's outcome beside the lane)."""
        from rabta.customs.models import Declaration

        scope = Q(agency_id__in=member_agency_ids(user))
        if is_customs_reader(user):
            scope |= Q(declaration__in=Declaration.objects.visible_to(user))
        return self.filter(scope)


class AgencySelection(models.Model):
    """What one agency decided for one declaration at its lane decision: the outcome (or
    ``not_selected``), the rules that matched and whether each selected, a readable reason, and the
    result the agency recorded once it held, tested or inspected the goods."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="selections")
    declaration = models.ForeignKey("customs.Declaration", on_delete=models.CASCADE, related_name="agency_selections")
    decision = models.ForeignKey(
        "risk.LaneDecision", null=True, blank=True, on_delete=models.SET_NULL, related_name="agency_selections"
    )
    outcome = models.CharField(max_length=20, choices=AgencyOutcome.choices)
    rules_hit = models.JSONField(default=list, blank=True)
    items = models.JSONField(default=list, blank=True)  # the item numbers under the agency's codes
    reason = models.TextField(blank=True, max_length=2000)
    selected_at = models.DateTimeField(auto_now_add=True)
    result = models.CharField(max_length=12, choices=AgencyResult.choices, blank=True)
    result_note = models.CharField(max_length=1000, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result_at = models.DateTimeField(null=True, blank=True)

    objects = AgencySelectionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["agency", "-selected_at"], name="risk_agency_selection_idx")]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.declaration_id} {self.outcome}"


class AgencyShareQuerySet(models.QuerySet["AgencyShare"]):
    def visible_to(self, user: Actor) -> AgencyShareQuerySet:
        """The agency's own shares for its officers; every share for the risk analysts who receive them."""
        if is_signed_in(user) and user.role_assignments.filter(active=True, role=Role.RISK_ANALYST).exists():
            return self.all()
        return self.filter(agency_id__in=member_agency_ids(user))


class AgencyShare(models.Model):
    """One time an agency shared risk knowledge with customs: the watch list it wrote (named
    ``<agency code>-<name>``, so it never replaces one of customs'), what kind and how many entries."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares")
    watchlist = models.ForeignKey("risk.WatchList", on_delete=models.PROTECT, related_name="agency_shares")
    kind = models.CharField(max_length=10, choices=WatchListKind.choices)
    entries = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyShareQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.watchlist_id}"
