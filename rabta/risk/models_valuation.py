"""Value control's tables: the learned value bands, each declaration's value check, and the
post-clearance audit candidates. Re-exported by ``rabta/risk/models.py`` (one line) so that Django
finds them; everything else imports them from here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rabta.accounts.types import Actor
from rabta.core.models import TimeStampedModel
from rabta.risk.vocab_valuation import BandLevel, Basis, Finding, OutsideBasis, OutsideFinding, OutsideSource, RunKind

__all__ = ["AuditCandidate", "OutsideValueFinding", "ValueBand", "ValueCheck", "ValueControlRun"]


class ValueControlRun(TimeStampedModel):
    """One rebuild of the value bands or one refresh of the audit list: what it read, what it
    wrote, who asked. The subject of the run's event; bands and candidates point to the run that
    made them, so a finding can always name the history behind it."""

    kind = models.CharField(max_length=8, choices=RunKind.choices)
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ValueBand(models.Model):
    """The robust band of log unit values for one group of history: a tariff code from one origin,
    the code from every origin, or an HS heading (``code`` holds its four digits), per unit of one
    quantity unit or per kilogram. Unit values are in rupees (value × the declaration's exchange
    rate). ``low``/``far_low``/``high`` are unit values; ``median_log``/``scale_log`` the centre and
    robust spread (1.4826 × MAD after one outlier-rejecting step) they come from."""

    run = models.ForeignKey(ValueControlRun, on_delete=models.CASCADE, related_name="bands")
    level = models.CharField(max_length=12, choices=BandLevel.choices)
    code = models.CharField(max_length=12)
    origin = models.CharField(max_length=2, blank=True)
    basis = models.CharField(max_length=8, choices=Basis.choices)
    unit = models.CharField(max_length=3, blank=True, help_text="the quantity unit (per-unit bands only)")
    sample_size = models.PositiveIntegerField()
    median_log = models.FloatField()
    scale_log = models.FloatField()
    q1_log = models.FloatField()
    q3_log = models.FloatField()
    low = models.FloatField()
    far_low = models.FloatField()
    high = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "origin", "basis", "unit"], name="risk_value_band_unique"),
        ]
        # No other index: the unique constraint serves value_findings' look-up, which names the
        # level, the code (or heading) and the origin of each item of one declaration.

    def __str__(self) -> str:
        return f"{self.level} {self.code} {self.origin or '*'} {self.basis} {self.unit}".strip()


class ValueCheckQuerySet(models.QuerySet["ValueCheck"]):
    def visible_to(self, user: Actor) -> ValueCheckQuerySet:
        """A declaration's value check is in the scope of whoever sees the declaration."""
        from rabta.customs.models import Declaration

        return self.filter(declaration__in=Declaration.objects.visible_to(user))


class ValueCheck(models.Model):
    """The value control of one declaration as it was checked: its worst finding, the rupees by
    which its under-valued items fall short of their bands' lower edges, and every item's check
    (``items``: what :func:`rabta.risk.valuation.value_findings` returned, as JSON)."""

    declaration = models.OneToOneField("customs.Declaration", on_delete=models.CASCADE, related_name="value_check")
    finding = models.CharField(max_length=16, choices=Finding.choices)
    shortfall = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    items = models.JSONField(default=list)
    run = models.ForeignKey(ValueControlRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField()

    objects = ValueCheckQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.finding}"


class AuditCandidateQuerySet(models.QuerySet["AuditCandidate"]):
    def visible_to(self, user: Actor) -> AuditCandidateQuerySet:
        from rabta.customs.models import Declaration

        return self.filter(declaration__in=Declaration.objects.visible_to(user))


class AuditCandidate(models.Model):
    """A released declaration ranked for post-clearance audit, with the reasons behind its score."""

    declaration = models.OneToOneField("customs.Declaration", on_delete=models.CASCADE, related_name="audit_candidate")
    run = models.ForeignKey(ValueControlRun, on_delete=models.CASCADE, related_name="candidates")
    score = models.FloatField()
    value_component = models.FloatField(default=0)
    history_component = models.FloatField(default=0)
    model_component = models.FloatField(null=True, blank=True)
    shortfall = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    reasons = models.JSONField(default=list)

    objects = AuditCandidateQuerySet.as_manager()

    class Meta:
        indexes = [
            # The analysts' list: ORDER BY score DESC, shortfall DESC, page by page.
            models.Index(fields=["-score", "-shortfall", "declaration"], name="risk_audit_rank_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="risk_audit_score_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.score:.3f}"


class OutsideValueFindingQuerySet(models.QuerySet["OutsideValueFinding"]):
    def visible_to(self, user: Actor) -> OutsideValueFindingQuerySet:
        """A finding about one declaration is in the scope of whoever sees the declaration; a finding
        about a month of trade (no declaration) is national, for risk analysts and oversight."""
        from rabta.accounts.roles import Role, user_roles
        from rabta.customs.models import Declaration

        if user is None:
            return self.all()
        own = Q(declaration__in=Declaration.objects.visible_to(user))
        if user_roles(user) & {str(Role.RISK_ANALYST), str(Role.OVERSIGHT)}:
            own |= Q(declaration__isnull=True)
        return self.filter(own)


class OutsideValueFinding(models.Model):
    """A value-control finding made outside the bands and handed to value control through
    :func:`rabta.risk.services.outside.outside_findings_record`: today the exchange's mirror checks
    (declared import value against a partner administration's declared export value), for one
    declaration or for one month × HS6 × currency of trade with the partner. Written once; the same
    (source, source_key) is recorded once, so a source may hand the same finding again."""

    source = models.CharField(max_length=12, choices=OutsideSource.choices)
    source_key = models.CharField(max_length=80, help_text="the source's own key for the finding")
    basis = models.CharField(max_length=10, choices=OutsideBasis.choices)
    finding = models.CharField(max_length=16, choices=OutsideFinding.choices)
    declaration = models.ForeignKey(
        "customs.Declaration", null=True, blank=True, on_delete=models.CASCADE, related_name="outside_value_findings"
    )
    partner_country = models.CharField(max_length=2, blank=True)
    reference = models.CharField(max_length=40, blank=True)
    hs6 = models.CharField(max_length=6, blank=True)
    month = models.DateField()
    currency = models.CharField(max_length=3)
    declared_value = models.DecimalField(max_digits=22, decimal_places=2)
    outside_value = models.DecimalField(max_digits=22, decimal_places=2)
    gap_percent = models.DecimalField(max_digits=9, decimal_places=2, help_text="(declared - outside) / outside × 100")
    tolerance_percent = models.DecimalField(max_digits=5, decimal_places=2)
    reason = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = OutsideValueFindingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="risk_outside_finding_once"),
            models.CheckConstraint(
                condition=Q(basis=OutsideBasis.PERIOD) | Q(declaration__isnull=False),
                name="risk_outside_shipment_has_declaration",
            ),
        ]
        # The foreign key's own index serves the reads (one declaration's findings, an importer's).

    def __str__(self) -> str:
        return f"{self.source} {self.finding} {self.reference or self.hs6} {self.gap_percent}%"
