"""Risk rules, watch lists, risk profiles, the learned models and every lane decision with its reasons."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role
from rabta.accounts.types import Actor
from rabta.core.models import TimeStampedModel
from rabta.customs.choices import PartyKind, Regime
from rabta.risk.choices import DecisionSource, ModelOutcome, ModelStatus, ProfileKey, RuleStatus, WatchListKind


def is_risk_analyst(user: Actor) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.role_assignments.filter(active=True, role=Role.RISK_ANALYST).exists()
    )


class AnalystQuerySet(models.QuerySet[Any]):
    """Rules, lists, profiles and models are the risk analysts' (national); nobody else sees them."""

    def visible_to(self, user: Actor) -> AnalystQuerySet:
        return self.all() if is_risk_analyst(user) else self.none()


class WatchList(TimeStampedModel):
    """A named list of parties, tariff codes (prefixes) or countries that rules test membership of.
    Party entries are the parties' keyed identifier hashes (never the identifiers); ``labels`` holds
    what an analyst reads for each (a masked identifier or a name)."""

    name = models.SlugField(max_length=60)
    kind = models.CharField(max_length=10, choices=WatchListKind.choices)
    party_kind = models.CharField(max_length=16, choices=PartyKind.choices, blank=True)
    entries = models.JSONField(default=list)
    labels = models.JSONField(default=list, blank=True)
    description = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = AnalystQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name"], name="risk_watchlist_name_unique")]

    def __str__(self) -> str:
        return self.name


class RiskRule(TimeStampedModel):
    """An officer rule: a condition (rabta.risk.expressions) sending ``percentage`` % of the
    declarations it matches to ``lane`` between ``valid_from`` and ``valid_until``."""

    name = models.CharField(_("name"), max_length=200)
    condition = models.TextField(_("condition"), max_length=2000)
    lane = models.CharField(max_length=20)
    percentage = models.DecimalField(max_digits=5, decimal_places=2, default=100)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RuleStatus.choices, default=RuleStatus.ACTIVE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = AnalystQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(percentage__gte=0, percentage__lte=100), name="risk_rule_percentage"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="risk_rule_validity_ordered",
            ),
        ]
        indexes = [
            # The rules in force for a decision: WHERE status = 'active' AND valid_from <= day.
            models.Index(fields=["status", "valid_from"], name="risk_rule_active_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class RiskProfile(models.Model):
    """The examinations and hits (discrepancies) of one importer, declarant, code, origin, office or
    pair, recomputed from the examinations by ``profiles_refresh``. ``key = "all"`` (value "") is the overall
    rate, the prior a rate of few examinations is smoothed towards."""

    key = models.CharField(max_length=20, choices=ProfileKey.choices)
    value = models.CharField(max_length=200, blank=True)
    examined = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    # Approved enforcement incidents naming this importer, declarant, code, origin, pair or route
    # (``profiles_incidents_count``, in the approving transaction); kept across ``profiles_refresh``.
    incidents = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    objects = AnalystQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "value"], name="risk_profile_key_unique")]

    def __str__(self) -> str:
        return f"{self.key}={self.value}: {self.hits}/{self.examined}"


class RiskModel(TimeStampedModel):
    """One trained model: the artefact file (LightGBM model text + feature spec, JSON) with its
    SHA-256, its features, training window and metrics. Activation needs an approval and a file
    that still matches its hash and feature list; one model is active at a time."""

    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ModelStatus.choices, default=ModelStatus.TRAINED)
    artefact = models.CharField(max_length=500, help_text=_("File name under RABTA_RISK_MODEL_DIR."))
    sha256 = models.CharField(max_length=64)
    features = models.JSONField(default=list)
    window_start = models.DateField()
    window_end = models.DateField()
    rows = models.PositiveIntegerField(default=0)
    positives = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    refusal = models.CharField(max_length=500, blank=True)

    objects = AnalystQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version"], name="risk_model_version_unique"),
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="risk_model_one_active"),
        ]

    def __str__(self) -> str:
        return f"model v{self.version} ({self.get_status_display()})"


class LaneDecisionQuerySet(models.QuerySet["LaneDecision"]):
    def visible_to(self, user: Actor) -> LaneDecisionQuerySet:
        """Reasons are customs' own: risk analysts read all; customs managers and examining officers
        those of declarations they may see. A trader never learns why a declaration was selected."""
        from rabta.customs.models import Declaration

        if user is None or not user.is_authenticated:
            return self.none()
        if is_risk_analyst(user):
            return self.all()
        staff = user.role_assignments.filter(
            active=True, role__in=[Role.CUSTOMS_MANAGER, Role.EXAMINING_OFFICER, Role.OVERSIGHT]
        ).exists()
        if not staff:
            return self.none()
        return self.filter(declaration__in=Declaration.objects.visible_to(user))


class LaneDecision(models.Model):
    """Why a declaration got its lane, once per decision (the automatic one at filing, and each
    officer re-route): the rules that matched and whether each selected it, the model's score and
    version or why there was none, random or top-up selection, and whether the declaration is in the
    exploration slice (drawn at random regardless of rules and model, so its hit rate estimates
    non-compliance without the model's bias)."""

    declaration = models.ForeignKey(
        "customs.Declaration", on_delete=models.CASCADE, related_name="lane_decisions", db_index=False
    )
    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="+", db_index=False)
    regime = models.CharField(max_length=12, choices=Regime.choices)
    lane = models.CharField(max_length=20)
    source = models.CharField(max_length=10, choices=DecisionSource.choices)
    rules_hit = models.JSONField(default=list, blank=True)
    model = models.ForeignKey(RiskModel, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    model_version = models.PositiveIntegerField(null=True, blank=True)
    model_score = models.FloatField(null=True, blank=True)
    model_outcome = models.CharField(max_length=10, choices=ModelOutcome.choices, default=ModelOutcome.NO_MODEL)
    model_error = models.CharField(max_length=500, blank=True)
    missing_features = models.JSONField(default=list, blank=True)
    exploration = models.BooleanField(default=False)
    random_selected = models.BooleanField(default=False)
    top_up = models.BooleanField(default=False)
    # Value control's flagged items (rabta.risk.valuation): finding, reason, suggested value range.
    value_findings = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    objects = LaneDecisionQuerySet.as_manager()

    class Meta:
        indexes = [
            # Expected-rate top-ups: today's lane counts WHERE office_id = .. AND regime = .. AND decided_at >= ..
            models.Index(fields=["office", "regime", "decided_at"], name="risk_decision_office_idx"),
            # A declaration's decisions, newest first (API detail, re-routes).
            models.Index(fields=["declaration", "-decided_at"], name="risk_decision_decl_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.lane} ({self.source})"


# Value control's tables (rabta.risk.valuation) and the border agencies' (rabta.risk.services.agencies)
# live in their own modules; Django finds them here.
from rabta.risk.models_agency import *  # noqa: E402, F403
from rabta.risk.models_valuation import *  # noqa: E402, F403


class RuleBacktestRecord(models.Model):
    """A back-test of a (draft) rule kept on record: the period an analyst chose and what the rule
    would have done over it (``rabta.risk.services.rules.RuleBacktest.as_dict``). A rule is activated
    only with one on record. Immutable."""

    rule = models.ForeignKey(RiskRule, on_delete=models.CASCADE, related_name="backtests")
    start = models.DateField()
    end = models.DateField()
    results = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ran_at = models.DateTimeField(auto_now_add=True)

    objects = AnalystQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["rule", "-ran_at"], name="risk_backtest_rule_idx")]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.start}..{self.end}"
