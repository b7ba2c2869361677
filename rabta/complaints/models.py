"""Complaints: categories, routing rules, deadline policies, the complaint and what hangs off it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rabta.complaints.choices import (
    OPEN_STATUSES,
    Anonymity,
    Channel,
    ComplaintLanguage,
    Kind,
    MessageDirection,
    Outcome,
    Priority,
    RejectReason,
    Status,
)
from rabta.core.models import TimeStampedModel

TEXT_MAX_LENGTH = 5000
SUBJECT_MAX_LENGTH = 200


class Category(TimeStampedModel):
    """A category of complaint, in a tree per department. ``attributes`` lists the extra typed
    fields the category asks for: ``[{"name", "label", "type": text|longtext|number|date|choice|multichoice|declaration_number,
    "required": bool, "choices": [...]}]``."""

    department = models.ForeignKey("directory.Department", on_delete=models.PROTECT, related_name="categories")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    name_ur = models.CharField(max_length=160, blank=True)
    is_customs = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    attributes = models.JSONField(default=list, blank=True)
    # The priority a complaint in this category starts with (intake may raise it, see
    # rabta.complaints.services.intake.priority_for); complainants never choose it.
    priority = models.CharField(
        max_length=8,
        choices=Priority.choices,
        default=Priority.NORMAL,
        help_text=_("Priority of new complaints in this category (raised for complainants who need a quick answer)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class RoutingRule(TimeStampedModel):
    """(category, jurisdiction) → office. The most specific rule wins: an exact place beats a
    province, which beats a rule with no place; ties go to the higher ``priority``."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing_rules")
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="+")
    priority = models.SmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [
            # routing: WHERE category_id = %s AND active AND jurisdiction_id IN (place and its ancestors)
            models.Index(fields=["category", "active", "jurisdiction"], name="cmp_route_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.jurisdiction or 'anywhere'} → {self.office}"

    def clean(self) -> None:
        """A rule for a place must name an office that serves that place (its main place or one of
        the further places it serves is the rule's place or above it): routing passes over any
        other, so such a rule would never apply. A rule for any place applies only where its office
        serves."""
        from django.core.exceptions import ValidationError

        from rabta.complaints.reference import reference

        if self.jurisdiction_id is None or self.office_id is None:
            return
        # The same test routing applies (Reference.office_covers), read from the memo rather than
        # one query per level of the place's ancestry.
        ref = reference()
        if ref.office_covers(self.office, ref.place_chain(self.jurisdiction_id)) is not None:
            return
        message = _("%(office)s does not serve %(place)s.") % {"office": self.office, "place": self.jurisdiction}
        raise ValidationError({"office": ValidationError(message, code="office_not_serving_place")})


class DeadlinePolicy(TimeStampedModel):
    """Deadlines for (category × office × priority); blank parts match anything, the most specific
    policy wins. Acknowledge/interim/resolve/appeal are business days; escalation days are counted
    in calendar days from submission, as the Citizen Portal's escalation rules are."""

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey("directory.Office", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=8, choices=Priority.choices, blank=True)
    acknowledge_days = models.PositiveSmallIntegerField(default=3)
    interim_days = models.PositiveSmallIntegerField(default=7)
    resolve_days = models.PositiveSmallIntegerField(default=15)
    appeal_days = models.PositiveSmallIntegerField(default=30)
    escalate_supervisor_day = models.PositiveSmallIntegerField(default=20)
    escalate_head_day = models.PositiveSmallIntegerField(default=41)
    feedback_days = models.PositiveSmallIntegerField(default=10, help_text=_("Closed unconfirmed after this."))

    class Meta:
        verbose_name_plural = "deadline policies"

    def __str__(self) -> str:
        return f"policy {self.category or '*'} / {self.office or '*'} / {self.priority or '*'}"


def _complaint_scope(user: Any) -> Q | None:
    """The one visibility rule for complaints, as a condition (None: the user sees nothing)."""
    if not getattr(user, "is_authenticated", False):
        return None
    from rabta.accounts.roles import office_scope

    return office_scope(user, "current_office", Q(complainant=user))


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def visible_to(self, user: Any) -> ComplaintQuerySet:
        """Complainants see their own; officers their offices' inbox; supervisors their offices and
        every office below (by path); oversight every complaint handled by an office of their
        government; customs managers those under their collectorates. Anyone else: nothing."""
        scope = _complaint_scope(user)
        return self.none() if scope is None else self.filter(scope)

    def visible_to_by_way(self, user: Any) -> list[ComplaintQuerySet]:
        """``visible_to(user)`` split into the ways the user may see a complaint (their own, each
        office or office tree they work in, ...): querysets whose union is exactly ``visible_to(user)``,
        built from the same rule.

        For newest-first pages: PostgreSQL cannot walk an index in id order through the OR that
        ``visible_to`` is, so it scans the table backwards filtering every row, or sorts the whole
        inbox. Each way alone walks its own index and stops after one page."""
        scope = _complaint_scope(user)
        if scope is None:
            return []
        ways = scope.children if scope.connector == Q.OR and not scope.negated else [scope]
        return [self.filter(Q(way)) for way in ways]

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Complaint(TimeStampedModel):
    """One complaint (or suggestion, violation report, guidance request).

    Flags derived from the complainant's profile at intake drive priority and statistics and are
    never shown to the handling office.
    """

    # Unique through Meta.constraints rather than unique=True, which on PostgreSQL would add a
    # second (LIKE) index that no query uses; the same for the other exact-match keys below.
    tracking_number = models.CharField(max_length=16)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPLAINT)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,  # cmp_own_idx starts with it
    )
    anonymity = models.CharField(max_length=30, choices=Anonymity.choices, default=Anonymity.NAME_HIDDEN_FROM_PUBLIC)
    anonymous_token_hash = models.CharField(max_length=64, blank=True)
    # cmp_duplicate_idx starts with the category
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints", db_index=False)
    jurisdiction = models.ForeignKey("directory.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    current_office = models.ForeignKey(
        "directory.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,  # cmp_inbox_all_idx starts with it
    )
    routing_rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    routing_reason = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH)
    text = models.TextField()
    # What the office reads when the identity is hidden from it: the subject and text with the
    # submitter's name, email and phone scrubbed (at intake, while the submitter is known, even if
    # not stored).
    subject_for_office = models.CharField(max_length=SUBJECT_MAX_LENGTH, blank=True)
    text_for_office = models.TextField(blank=True)
    language = models.CharField(max_length=8, choices=ComplaintLanguage.choices, default=ComplaintLanguage.EN)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Helpline operator who entered it."),
        db_index=False,
    )
    attributes = models.JSONField(default=dict, blank=True)
    # Retried submissions with the same key create one complaint: "<user id or anon>:<key>". NULL (not
    # "") when no key was sent, so that cmp_idempotency_key_unique leaves those rows alone.
    idempotency_key = models.CharField(max_length=140, null=True, blank=True)  # noqa: DJ001
    # SHA-256 of the request that created it under that key: a replay must be the same request
    # (rabta.complaints.services.intake._replayed). Blank for rows lodged without a key.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # Customs complaints.
    declaration_number = models.CharField(max_length=40, blank=True)
    collectorate = models.ForeignKey(
        "directory.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The goods declaration the number names, checked at intake against the declarations
    # (rabta.customs.selectors.declaration_for_complaint); NULL for other complaints. Customs reads the
    # complaints of a declaration only through rabta.complaints.selectors.complaints_about_declaration.
    declaration = models.ForeignKey(
        "customs.Declaration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    # Derived at intake; statistics and priority only.
    flag_woman = models.BooleanField(default=False)
    flag_disability = models.BooleanField(default=False)
    flag_minority = models.BooleanField(default=False)
    flag_senior = models.BooleanField(default=False)
    flag_overseas = models.BooleanField(default=False)
    flag_foreigner = models.BooleanField(default=False)
    flag_trader = models.BooleanField(default=False)
    flag_women_led = models.BooleanField(default=False)
    flag_youth_led = models.BooleanField(default=False)
    # Outcome.
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    reject_reason = models.CharField(max_length=16, choices=RejectReason.choices, blank=True)
    reject_explanation = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Counters.
    transfer_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Deadlines and escalation.
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    interim_due_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    appeal_due_at = models.DateTimeField(null=True, blank=True)
    feedback_due_at = models.DateTimeField(null=True, blank=True)
    escalate_supervisor_at = models.DateTimeField(null=True, blank=True)
    escalate_head_at = models.DateTimeField(null=True, blank=True)
    # The next moment the escalation sweep must look at this complaint; NULL when nothing is due.
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    # When the office is next reminded of a deadline it still owes (the reminder sweep's clock).
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.ForeignKey(
        "directory.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_complaints",
        db_index=False,
    )
    # Set while the office waits for the complainant: deadlines stand still and nothing escalates.
    clock_paused_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_confirmed = models.BooleanField(
        null=True, help_text=_("True: confirmed by the complainant; False: no answer.")
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        indexes = [
            # officer inbox: WHERE current_office_id = %s [AND status = %s] ORDER BY id DESC (keyset pages)
            models.Index(fields=["current_office", "status", "-id"], name="cmp_inbox_idx"),
            models.Index(fields=["current_office", "-id"], name="cmp_inbox_all_idx"),
            # complainant's own list: WHERE complainant_id = %s ORDER BY created_at DESC
            models.Index(fields=["complainant", "-created_at"], name="cmp_own_idx"),
            # public lists by time (Open311 requests): WHERE created_at BETWEEN %s AND %s ORDER BY created_at DESC
            models.Index(fields=["-created_at"], name="cmp_created_idx"),
            # escalation sweep: WHERE next_escalation_at <= now (only rows with something due)
            models.Index(
                fields=["next_escalation_at"],
                name="cmp_escalation_due_idx",
                condition=Q(next_escalation_at__isnull=False),
            ),
            # reminder sweep: WHERE next_reminder_at <= now
            models.Index(
                fields=["next_reminder_at"],
                name="cmp_reminder_due_idx",
                condition=Q(next_reminder_at__isnull=False),
            ),
            # paused clocks, resumed by the sweep when the complainant has not answered in time
            models.Index(
                fields=["clock_paused_at"], name="cmp_clock_paused_idx", condition=Q(clock_paused_at__isnull=False)
            ),
            # closure sweep: resolved complaints whose feedback window ran out
            models.Index(fields=["feedback_due_at"], name="cmp_feedback_due_idx", condition=Q(status="resolved")),
            # duplicate suggestions: same category and place, open
            models.Index(fields=["category", "jurisdiction", "status"], name="cmp_duplicate_idx"),
            # Columns that are empty on almost every row are indexed only where set, so the millions of
            # rows without them cost nothing on each write. Each serves a look-up by value or the
            # PROTECT / SET_NULL check when the referenced row is deleted.
            # following a fully anonymous complaint: WHERE anonymous_token_hash = %s
            models.Index(
                fields=["anonymous_token_hash"], name="cmp_anon_token_idx", condition=~Q(anonymous_token_hash="")
            ),
            models.Index(fields=["collectorate"], name="cmp_collectorate_idx", condition=Q(collectorate__isnull=False)),
            # a declaration's complaints: WHERE declaration_id = %s (only customs complaints have one)
            models.Index(fields=["declaration"], name="cmp_declaration_idx", condition=Q(declaration__isnull=False)),
            models.Index(fields=["duplicate_of"], name="cmp_duplicate_of_idx", condition=Q(duplicate_of__isnull=False)),
            models.Index(fields=["entered_by"], name="cmp_entered_by_idx", condition=Q(entered_by__isnull=False)),
            models.Index(fields=["resolved_by"], name="cmp_resolved_by_idx", condition=Q(resolved_by__isnull=False)),
            models.Index(fields=["routing_rule"], name="cmp_routing_rule_idx", condition=Q(routing_rule__isnull=False)),
            # the complaints escalated to an office (its supervisors' view)
            models.Index(fields=["escalated_to"], name="cmp_escalated_to_idx", condition=Q(escalated_to__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_number"], name="cmp_tracking_number_unique"),
            # retried submissions: WHERE idempotency_key = %s (NULL for submissions sent without a key)
            models.UniqueConstraint(
                fields=["idempotency_key"],
                name="cmp_idempotency_key_unique",
                condition=Q(idempotency_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def identity_hidden_from_office(self) -> bool:
        from rabta.complaints.choices import HIDDEN_FROM_OFFICE

        return self.anonymity in HIDDEN_FROM_OFFICE


class Message(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(max_length=16, choices=MessageDirection.choices)
    body = models.TextField()
    # What the office reads when the complainant's identity is hidden from it: names scrubbed.
    body_for_office = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="cmp_message_thread_idx")]

    def __str__(self) -> str:
        return f"{self.direction} on {self.complaint_id}"


class Attachment(models.Model):
    """A file attached to a complaint or a message. Stored under MEDIA_ROOT (outside the web root)
    with a random name; only served through a view that checks visibility, as a download."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the stored bytes were cleaned of metadata (at upload; by `rabta clean_attachments` for
    # files stored before that). Empty: stored as sent, and not served to an office that must not
    # learn who the complainant is.
    cleaned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.original_name


class Escalation(models.Model):
    """A complaint's latest escalation to a level, and whether its complainant has been told.

    Written (with ``notified_at`` empty) in the sweep's transaction, so the duty to tell the
    complainant is saved with the escalation itself: a process killed after the commit leaves a row
    the notify job still finds, instead of a message that was only ever queued in memory."""

    # cmp_escalation_once_per_level (complaint, level) serves look-ups by complaint.
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations", db_index=False)
    level = models.PositiveSmallIntegerField()
    to_office = models.ForeignKey("directory.Office", null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    # Set in the transaction that writes the complainant's outbox rows (or finds nobody to tell).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "level"], name="cmp_escalation_once_per_level")]
        indexes = [
            # escalation_notify: WHERE notified_at IS NULL ORDER BY id. Partial, so it holds only the
            # escalations not yet told (none, between runs), not the whole history.
            models.Index(fields=["id"], name="cmp_escalation_unnotified_idx", condition=Q(notified_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} level {self.level}"


class Feedback(models.Model):
    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField()
    satisfied = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="cmp_feedback_rating_1_5")
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 on {self.complaint_id}"


class Appeal(models.Model):
    """An appeal against a resolution, decided by someone senior to or independent of the resolver."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="appeals")
    reasons = models.TextField()
    assigned_office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    decision = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"appeal on {self.complaint_id}"


class IdentityReveal(models.Model):
    """Every time oversight reveals a hidden complainant's identity: who, when, why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="identity_reveals")
    revealed_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reveal of {self.complaint_id}"


class DuplicateLink(models.Model):
    class LinkKind(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested at intake")
        CONFIRMED = "confirmed", _("Confirmed by staff")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="duplicate_links")
    duplicate_of = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    score = models.FloatField(default=0)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "duplicate_of"], name="cmp_duplicate_link_once")]

    def __str__(self) -> str:
        return f"{self.complaint_id} ~ {self.duplicate_of_id}"


class CannedReply(TimeStampedModel):
    department = models.ForeignKey("directory.Department", on_delete=models.CASCADE, related_name="canned_replies")
    title = models.CharField(max_length=120)
    body = models.TextField()

    class Meta:
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title
