"""Customs: the parties of the single KYC registry, goods declarations, their items and
examinations. The clearance trail is the declaration's events (rabta.core.events)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role, office_scope
from rabta.accounts.types import Actor
from rabta.core.fields import EncryptedTextField
from rabta.core.models import TimeStampedModel
from rabta.customs.choices import (
    DiscrepancyType,
    Grain,
    ImportFormat,
    ImportJobStatus,
    Outcome,
    PartyKind,
    PartyScheme,
    Regime,
    Source,
    Stage,
    Status,
    TransportMode,
)
from rabta.customs.parties import verified_ntn_hashes


class Party(TimeStampedModel):
    """One trader, clearing agent or foreign seller/buyer: one row whatever the declarations call it.

    ``identifier`` (an NTN, a licence number, another system's reference) is encrypted;
    ``identifier_hash`` is the keyed hash of its normalised spelling in the scheme's namespace. For
    an NTN the namespace and spelling are accounts' own (rabta.accounts.validators), so a trader
    whose account holds a verified NTN *is* the party with that hash: nothing is registered twice,
    and the account reaches its declarations through the hash (rabta.customs.selectors). A foreign
    party has no identifier: its hash is of its folded name and country, which keeps one uniqueness
    rule for every party.
    """

    kind = models.CharField(max_length=16, choices=PartyKind.choices)
    scheme = models.CharField(max_length=10, choices=PartyScheme.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    country = models.CharField(max_length=2, default="PK", help_text=_("ISO 3166-1 alpha-2"))
    identifier = EncryptedTextField(blank=True)
    identifier_hash = models.CharField(max_length=64, editable=False)
    identifier_last4 = models.CharField(max_length=4, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "parties"
        constraints = [
            # Declarations and accounts find a party by its hash: one party per identifier.
            models.UniqueConstraint(fields=["identifier_hash"], name="cus_party_identifier_unique"),
        ]

    def __str__(self) -> str:
        label = self.name or (f"****{self.identifier_last4}" if self.identifier_last4 else f"#{self.pk}")
        return f"{label} ({self.get_kind_display()})"

    @property
    def masked(self) -> str:
        return f"****{self.identifier_last4}" if self.identifier_last4 else ""


class DeclarationQuerySet(models.QuerySet["Declaration"]):
    def visible_to(self, user: Actor) -> DeclarationQuerySet:
        """The declarations ``user`` may know of; every other one reads as missing (404).

        A trader: those whose importer is a party their verified NTN names. Customs staff: those of
        their collectorates (a customs manager's office and every office below it; an examining
        officer's own collectorate or station), oversight: their government's. A risk analyst reads
        every declaration (selection statistics are national). Nobody else sees any."""
        if user is None or not user.is_authenticated:
            return self.none()
        scope = Q(pk__in=[])
        hashes = verified_ntn_hashes(user)
        if hashes:
            scope |= Q(importer__identifier_hash__in=hashes)
        scope = office_scope(user, "collectorate", scope)
        for assignment in user.role_assignments.filter(active=True):
            if assignment.role == Role.EXAMINING_OFFICER and assignment.office_id:
                scope |= Q(collectorate_id=assignment.office_id) | Q(station_id=assignment.office_id)
            elif assignment.role == Role.RISK_ANALYST:
                return self.all()
        return self.filter(scope)


class Declaration(TimeStampedModel):
    """A goods declaration: the WCO Data Model subset of DESIGN.md ("The goods declaration").

    The clearance trail (filed, lane assigned, documents checked, examined, assessed, duty paid,
    released) is the declaration's events, each with its time and actor; ``status`` and ``lane`` are
    where it stands now. Amounts are in ``currency``; ``exchange_rate`` converts them to rupees.
    """

    # Indexes are few on purpose: a bulk import writes a million items, and every index is paid
    # per row. Foreign keys covered by a composite index, or looked up only by a rare delete, have
    # none of their own.
    number = models.CharField(_("declaration number"), max_length=40)
    declared_on = models.DateField(_("declaration date"))
    # When the goods (or the means of transport) arrived, where the declarant knows it: the start of
    # the WCO Time Release Study's first stage (arrival to filing). Unknown for most imported sources.
    arrived_at = models.DateTimeField(_("goods arrived at"), null=True, blank=True)
    regime = models.CharField(max_length=12, choices=Regime.choices, default=Regime.IMPORT)
    declaration_type = models.CharField(
        max_length=8, blank=True, help_text=_("The declaration type code of the source system (e.g. HC, GD).")
    )
    collectorate = models.ForeignKey(
        "directory.Office",
        on_delete=models.PROTECT,
        related_name="declarations",
        limit_choices_to={"level": "collectorate"},
        db_index=False,
    )
    station = models.ForeignKey(
        "directory.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_declarations",
        db_index=False,
        help_text=_("The port or station under the collectorate where the goods are cleared."),
    )
    external_office = models.CharField(
        max_length=16, blank=True, help_text=_("The customs office as the source system names it (imported records).")
    )
    transport_mode = models.CharField(max_length=1, choices=TransportMode.choices, default=TransportMode.SEA)
    currency = models.CharField(max_length=3, default="PKR", help_text=_("ISO 4217"))
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal(1))
    declarant = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations_as_declarant", db_index=False
    )
    importer = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="declarations_as_importer", db_index=False
    )
    seller = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations_as_seller", db_index=False
    )
    status = models.CharField(max_length=18, choices=Status.choices, default=Status.FILED)
    lane = models.CharField(max_length=20, blank=True)
    assessed_amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    paid_amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.API)
    # What an imported record's source says that the model has no column for (KCS's import use,
    # payment type, tax type, courier...), kept as the source wrote it.
    source_attributes = models.JSONField(default=dict, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    # "<account>:<sha256 of the client's key>" for filings sent with an Idempotency-Key; NULL without.
    idempotency_key = models.CharField(max_length=140, null=True, blank=True)  # noqa: DJ001
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        indexes = [
            # Lists of a collectorate's declarations, newest first; the dashboard's per-status counts.
            models.Index(fields=["collectorate", "-declared_on"], name="cus_decl_coll_date_idx"),
            models.Index(fields=["status", "collectorate"], name="cus_decl_status_idx"),
            # A trader's own declarations: WHERE importer_id = ...
            models.Index(fields=["importer", "-declared_on"], name="cus_decl_importer_idx"),
            # Station lists and deletes of a station, an account: only the rows that have one.
            models.Index(fields=["station"], name="cus_decl_station_idx", condition=Q(station__isnull=False)),
            models.Index(fields=["filed_by"], name="cus_decl_filed_by_idx", condition=Q(filed_by__isnull=False)),
            # The dashboard's backlog: counts by stage of what is not released yet, answered from
            # this index alone (released declarations, nearly all of them, are not in it).
            models.Index(
                fields=["collectorate", "station", "status"],
                name="cus_decl_backlog_idx",
                condition=~Q(status="released"),
            ),
        ]
        constraints = [
            # Without unique=True, which on PostgreSQL adds a second (LIKE) index nobody uses.
            models.UniqueConstraint(fields=["number"], name="cus_decl_number_unique"),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="cus_decl_idempotency_unique",
            ),
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="cus_decl_exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def reference(self) -> str:
        """What the API's paths name a declaration by."""
        return self.number


class DeclarationItem(models.Model):
    """One item (goods line) of a declaration. Quantities and values are as declared; duty and
    taxes are what was assessed on the item."""

    # No index of its own: the unique (declaration, item_number) constraint serves every look-up.
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="items", db_index=False)
    item_number = models.PositiveIntegerField()
    tariff_code = models.CharField(max_length=12, help_text=_("HS-based national tariff code, 6 to 12 digits."))
    description = models.CharField(max_length=500)
    origin_country = models.CharField(max_length=2)
    departure_country = models.CharField(max_length=2)
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    unit = models.CharField(max_length=3, help_text=_("UN/ECE Recommendation 20 unit code, e.g. KGM, NMB."))
    net_mass_kg = models.DecimalField(max_digits=18, decimal_places=3)
    customs_value = models.DecimalField(max_digits=20, decimal_places=2)
    duty_assessed = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal(0))
    taxes_assessed = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal(0))

    class Meta:
        ordering = ["declaration", "item_number"]
        constraints = [
            # A bulk import never writes an item twice: (declaration number, item number) is the key.
            models.UniqueConstraint(fields=["declaration", "item_number"], name="cus_item_number_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cus_item_quantity_positive"),
            models.CheckConstraint(condition=Q(customs_value__gte=0), name="cus_item_value_not_negative"),
        ]
        # No index on tariff_code: the queries by code are prefix matches (``tariff_code LIKE
        # '8528%'``: exchange's mirror check, the agencies' prefixes) and group-bys on a substring,
        # none of which a plain btree serves under the database's C.UTF-8 collation (PostgreSQL 15
        # uses an index for LIKE only under the "C" collation or a pattern_ops class), so the one
        # there was never used; it cost about 4 of the bulk import's 20 server CPU-seconds per
        # million items (random keys). docs/customs.md ("Bulk import") has the measurement.

    def __str__(self) -> str:
        return f"{self.declaration_id}/{self.item_number}"


# An item's own columns, all but its declaration: what the bulk import writes and what the lanes read.
ITEM_DATA_FIELDS = tuple(
    field.attname
    for field in DeclarationItem._meta.concrete_fields
    if not field.primary_key and field.name != "declaration"
)


class Examination(TimeStampedModel):
    """The result of a declaration's documentary check or physical examination: no discrepancy, or a
    discrepancy of a type with the extra duty it raised. Written once, by the examination service."""

    declaration = models.OneToOneField(Declaration, on_delete=models.CASCADE, related_name="examination")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    discrepancy_type = models.CharField(max_length=24, choices=DiscrepancyType.choices, blank=True)
    extra_duty = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal(0))
    remarks = models.TextField(blank=True, max_length=2000)
    examined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="no_discrepancy", discrepancy_type="", extra_duty=0)
                | (~Q(outcome="no_discrepancy") & ~Q(discrepancy_type="")),
                name="cus_exam_type_only_with_discrepancy",
            ),
            models.CheckConstraint(condition=Q(extra_duty__gte=0), name="cus_exam_extra_duty_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.get_outcome_display()}"


# The clearance dashboard's roll-ups (rabta.customs.services.rollups writes them, in the transaction
# of each move; rabta.customs.dashboard reads them). Offices are plain integer ids, the station 0
# when there is none, so that one unique key serves the upsert on SQLite and PostgreSQL alike.
# Beside each (station, lane) row the fold keeps its sums over the lanes (lane ALL_LANES, "*") and
# over the stations of the collectorate (station ALL_STATIONS, -1), so that a window of the whole
# country reads a few rows per collectorate and period, not one per station and lane.
ALL_STATIONS = -1
ALL_LANES = "*"


class ClearanceRollup(models.Model):
    """What happened in one period (an hour or a day) at one collectorate, station and lane:
    counts of each move, and money in paisa (integers add exactly on every database)."""

    grain = models.CharField(max_length=4, choices=Grain.choices)
    period_start = models.DateTimeField()
    collectorate_id = models.IntegerField()
    station_id = models.IntegerField(default=0)
    lane = models.CharField(max_length=20, blank=True)
    filed = models.IntegerField(default=0)
    lanes_assigned = models.IntegerField(default=0)
    rerouted = models.IntegerField(default=0)
    documents_checked = models.IntegerField(default=0)
    examined = models.IntegerField(default=0)
    detections = models.IntegerField(default=0)
    extra_duty_paisa = models.BigIntegerField(default=0)
    assessed = models.IntegerField(default=0)
    paid = models.IntegerField(default=0)
    duty_collected_paisa = models.BigIntegerField(default=0)
    released = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert's key; also the whole country's window scan (grain, period_start >= ...).
            models.UniqueConstraint(
                fields=["grain", "period_start", "collectorate_id", "station_id", "lane"], name="cus_rollup_key"
            ),
        ]
        indexes = [
            # Every panel's window: WHERE grain=%s AND collectorate_id IN (...) AND station_id = -1 (or the
            # port) AND lane = '*' (or not) AND period_start >= %s, each sum level a range of its own.
            models.Index(
                fields=["grain", "collectorate_id", "station_id", "lane", "period_start"], name="cus_rollup_level_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period_start:%Y-%m-%d %H:%M} office {self.collectorate_id}/{self.station_id} {self.lane}"


DURATION_BUCKETS = 64


class ClearanceDurationRollup(models.Model):
    """The durations of one Time Release Study stage that ended in one period at one collectorate
    and station (ALL_STATIONS: the collectorate's sum over its stations): their count, their sum
    (for the mean) and a histogram in fixed log buckets
    (``b00``..``b63``, see rabta.customs.services.rollups.bucket_of) from which the median and the
    90th percentile are read without the durations themselves."""

    grain = models.CharField(max_length=4, choices=Grain.choices)
    period_start = models.DateTimeField()
    collectorate_id = models.IntegerField()
    station_id = models.IntegerField(default=0)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    n = models.IntegerField(default=0)
    total_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "period_start", "collectorate_id", "station_id", "stage"], name="cus_duration_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["grain", "collectorate_id", "station_id", "period_start"], name="cus_duration_level_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period_start:%Y-%m-%d %H:%M} office {self.collectorate_id}/{self.station_id} {self.stage}"


for _bucket in range(DURATION_BUCKETS):
    ClearanceDurationRollup.add_to_class(f"b{_bucket:02d}", models.IntegerField(default=0))


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Actor) -> ImportJobQuerySet:
        """An upload is its uploader's: every other user's jobs read as missing (404). A job's file
        may span collectorates, so no office scope would fit it whole."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(created_by_id=user.pk)


class ImportJob(TimeStampedModel):
    """A declarations file uploaded through the browser and imported in the background
    (rabta.customs.services.import_jobs): where it stands and its counts so far. The import itself
    is ``declarations_import``: a job run again after a killed worker imports only what is missing."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_format = models.CharField(max_length=8, choices=ImportFormat.choices)
    original_name = models.CharField(max_length=255)
    # Relative to settings.MEDIA_ROOT (private; never served as a file).
    stored_path = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField(default=0)
    # KCS files name Korean offices: the collectorate their declarations are filed at ("" = default).
    collectorate = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    rows_total = models.BigIntegerField(null=True, blank=True)
    rows_done = models.BigIntegerField(default=0)
    imported = models.BigIntegerField(default=0)
    skipped_existing = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    attempts = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched as the run goes: a running job whose heartbeat is old lost its worker and may be resumed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["created_by", "-created_at"], name="cus_importjob_user_idx")]

    def __str__(self) -> str:
        return f"import {self.pk} {self.original_name} ({self.status})"


class ImportReject(models.Model):
    """One problem of one row of an import job's file (row numbered as in the file, header = 1)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejects")
    row = models.BigIntegerField()
    field = models.CharField(max_length=80)
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["job", "row"], name="cus_importreject_row_idx")]

    def __str__(self) -> str:
        return f"row {self.row} {self.field}: {self.code}"


class ImportFoldPending(models.Model):
    """An event a bulk import wrote whose part of the dashboard's roll-ups is still to be added
    (rabta.customs.services.imports.imports_fold_pending). Written in the chunk's transaction with
    the event, deleted in the transaction that folds it: each event is folded once, even when an
    import is killed between the two."""

    event_id = models.BigIntegerField(primary_key=True)
    declaration_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"event {self.event_id} of declaration {self.declaration_id}"
