"""The complainant responsibility index and the audit of officers whose resolutions are rejected.

Score: each rating adds weight × 0.5^(age / half-life): genuine 0, non-issue 1, misleading 3,
abusive 5, with a half-life of 180 days, so behaviour long past counts less and less. Levels:
score ≥ 5 warned, ≥ 10 throttled (one new complaint a day), ≥ 20 suspended.

The complaints services call in here (intake asks :func:`complainant_submit_refusal`, a reopen or an
appeal calls :func:`officer_audit_queue`); nothing here calls the complaints services back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accountability.choices import (
    ACTION_TRANSITIONS,
    ActionKind,
    ActionStatus,
    AuditReason,
    AuditStatus,
    Rating,
    StandingLevel,
)
from rabta.accountability.errors import AccountabilityError
from rabta.accountability.events import AccountabilityEvent
from rabta.accountability.models import (
    AccountabilityAction,
    ComplainantStanding,
    OfficerAudit,
    ResponsibilityRating,
    oversight_governments,
)
from rabta.accountability.permissions import (
    account,
    not_allowed,
    require_audit,
    require_move_action,
    require_oversight,
    require_rate,
    require_standing,
)
from rabta.accounts.models import RoleAssignment, User
from rabta.accounts.types import Actor
from rabta.complaints.choices import CLOSED_STATUSES
from rabta.complaints.models import Complaint
from rabta.core.errors import Conflict, DomainError, FieldErrorCollector, InvalidTransition
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.directory.models import Office
from rabta.intelligence.choices import SignalKind
from rabta.intelligence.selectors import confirmed_signals_of
from rabta.notifications.services import notification_enqueue

WEIGHTS = {Rating.GENUINE: 0.0, Rating.NON_ISSUE: 1.0, Rating.MISLEADING: 3.0, Rating.ABUSIVE: 5.0}
# A misuse signal counts only once a person confirmed it (rabta.intelligence.services.signal_review),
# from the moment of the confirmation, as much as the rating it stands for: abusive language as an
# abusive complaint, a repeated near-identical complaint as a non-issue.
SIGNAL_WEIGHTS = {
    SignalKind.ABUSIVE_LANGUAGE: WEIGHTS[Rating.ABUSIVE],
    SignalKind.REPEATED_COMPLAINT: WEIGHTS[Rating.NON_ISSUE],
}
HALF_LIFE_DAYS = 180
THRESHOLDS = [
    (20.0, StandingLevel.SUSPENDED),
    (10.0, StandingLevel.THROTTLED),
    (5.0, StandingLevel.WARNED),
]
THROTTLE_WINDOW = timedelta(days=1)


def standing_score(user: User, *, now: datetime | None = None, since: datetime | None = None) -> float:
    """The decayed sum of the officers' ratings of the user's complaints and of the misuse signals
    a reviewer confirmed, counting only those from ``since`` on (a granted appeal wipes the slate)."""
    now = now or timezone.now()
    total = 0.0
    ratings = ResponsibilityRating.objects.filter(complaint__complainant=user)
    if since is not None:
        ratings = ratings.filter(created_at__gte=since)
    for rating, at in ratings.values_list("rating", "created_at"):
        age_days = max(0.0, (now - at).total_seconds() / 86400)
        total += WEIGHTS[Rating(rating)] * 0.5 ** (age_days / HALF_LIFE_DAYS)
    for kind, reviewed_at in confirmed_signals_of(complainant=user, since=since):
        age_days = max(0.0, (now - (reviewed_at or now)).total_seconds() / 86400)
        total += SIGNAL_WEIGHTS[SignalKind(kind)] * 0.5 ** (age_days / HALF_LIFE_DAYS)
    return round(total, 3)


def _level_for(score: float) -> StandingLevel:
    return next((level for threshold, level in THRESHOLDS if score >= threshold), StandingLevel.NORMAL)


@transaction.atomic
def standing_refresh(*, user: User, now: datetime | None = None) -> ComplainantStanding:
    now = now or timezone.now()
    standing, _created = ComplainantStanding.objects.select_for_update().get_or_create(
        user=user, defaults={"updated_at": now}
    )
    score = standing_score(user, now=now, since=standing.score_since)
    level = _level_for(score)
    previous = standing.level
    standing.score, standing.level, standing.updated_at = score, level, now
    standing.save(update_fields=["score", "level", "updated_at"])
    if level != previous:
        event_record(
            kind=AccountabilityEvent.STANDING_CHANGED,
            subject=standing,
            from_state=previous,
            to_state=level,
            data={"score": score},
        )
        _tell(user, f"standing_{level}")
    return standing


def _tell(user: User, template: str) -> None:
    """A notice to the complainant (in the outbox, inside the caller's transaction). It names the
    level and what it means, and how to appeal; never the score or who rated what."""
    notification_enqueue(user=user, template=template, context={})


@transaction.atomic
def complaint_rate_responsibility(*, complaint: Complaint, actor: Actor, rating: str) -> ResponsibilityRating:
    """The handling office judges a closed complaint: genuine, non-issue, misleading or abusive.
    Once per complaint; the complainant's standing is refreshed in the same transaction."""
    require_rate(actor, complaint)
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("complainant").get(pk=complaint.pk)
    if rating not in Rating.values:
        raise DomainError.for_field(
            "rating", AccountabilityError.RATING_UNKNOWN, _("Choose genuine, non-issue, misleading or abusive.")
        )
    if complaint.status not in CLOSED_STATUSES:
        raise Conflict(AccountabilityError.TRANSITION_NOT_ALLOWED, _("Only a closed complaint can be rated."))
    complainant = complaint.complainant
    if complainant is None:
        raise Conflict(AccountabilityError.NOT_ALLOWED, _("An anonymous complaint has no complainant to rate."))
    officer = account(actor)
    if officer is None:  # the system does not judge complainants: a rating names the officer
        raise not_allowed(_("Only the handling office may do this."))
    if ResponsibilityRating.objects.filter(complaint=complaint).exists():
        raise Conflict(AccountabilityError.RATING_ALREADY_GIVEN, _("This complaint is already rated."))
    created = ResponsibilityRating.objects.create(
        complaint=complaint, rated_by=officer, rating=rating, created_at=timezone.now()
    )
    event_record(kind=AccountabilityEvent.RESPONSIBILITY_RATED, subject=complaint, actor=actor, data={"rating": rating})
    standing_refresh(user=complainant)
    return created


def complainant_submit_refusal(
    user: User, *, level: str | None, now: datetime | None = None
) -> AccountabilityError | None:
    """Why intake must refuse a new complaint from this user, or None to accept it. ``level`` is
    the user's standing level, read by intake with the profile (None: no standing)."""
    if level is None or level in (StandingLevel.NORMAL, StandingLevel.WARNED):
        return None
    if level == StandingLevel.SUSPENDED:
        return AccountabilityError.COMPLAINANT_SUSPENDED
    now = now or timezone.now()
    recent = Complaint.objects.filter(complainant=user, created_at__gte=now - THROTTLE_WINDOW).exists()
    return AccountabilityError.COMPLAINANT_THROTTLED if recent else None


@transaction.atomic
def standing_appeal_file(*, user: Actor, text: str) -> ComplainantStanding:
    """The complainant appeals a warning, throttle or suspension; oversight decides."""
    text = text_clean(text, model=ComplainantStanding, name="appeal_text", field="text")
    if not text:
        raise DomainError.for_field("text", AccountabilityError.REASON_REQUIRED, _("Explain why the limit is wrong."))
    me = account(user)
    standing = None if me is None else ComplainantStanding.objects.select_for_update().filter(user=me).first()
    if standing is None or standing.level == StandingLevel.NORMAL:
        raise Conflict(AccountabilityError.STANDING_NOT_LIMITED, _("Your account has no warning or limit to appeal."))
    if standing.appeal_open:
        raise Conflict(AccountabilityError.STANDING_APPEAL_OPEN, _("Your appeal is already waiting for a decision."))
    standing.appeal_text, standing.appeal_open = text, True
    standing.save(update_fields=["appeal_text", "appeal_open"])
    event_record(kind=AccountabilityEvent.STANDING_APPEALED, subject=standing, actor=user, from_state=standing.level)
    return standing


@transaction.atomic
def standing_appeal_decide(
    *, standing: ComplainantStanding, actor: Actor, grant: bool, reasons: str, now: datetime | None = None
) -> ComplainantStanding:
    """Oversight decides an appeal, with reasons the complainant reads. Granted: the ratings so far
    stop counting and the account is back to normal. Refused: the level stands."""
    require_standing(actor, standing)
    reasons = text_clean(reasons, model=ComplainantStanding, name="appeal_reasons", field="reasons")
    if not reasons:
        raise DomainError.for_field(
            "reasons", AccountabilityError.REASON_REQUIRED, _("A decision must give its reasons.")
        )
    standing = ComplainantStanding.objects.select_for_update().select_related("user").get(pk=standing.pk)
    if not standing.appeal_open:
        raise Conflict(AccountabilityError.STANDING_APPEAL_NOT_OPEN, _("There is no appeal waiting for a decision."))
    now = now or timezone.now()
    previous = standing.level
    standing.appeal_open, standing.appeal_granted = False, grant
    standing.appeal_reasons, standing.appeal_decided_at = reasons, now
    fields = ["appeal_open", "appeal_granted", "appeal_reasons", "appeal_decided_at"]
    if grant:
        standing.score_since, standing.score, standing.level, standing.updated_at = (
            now,
            0.0,
            StandingLevel.NORMAL,
            now,
        )
        fields += ["score_since", "score", "level", "updated_at"]
    standing.save(update_fields=fields)
    event_record(
        kind=AccountabilityEvent.STANDING_APPEAL_DECIDED,
        subject=standing,
        actor=actor,
        from_state=previous,
        to_state=standing.level,
        reason=reasons,
        data={"granted": grant},
    )
    _tell(standing.user, "standing_appeal_granted" if grant else "standing_appeal_refused")
    return standing


@transaction.atomic
def officer_audit_queue(*, complaint: Complaint, reason: AuditReason) -> OfficerAudit:
    """Called when a complainant rejects a resolution (reopen, appeal), inside the transaction of
    that complaint service, which records the complaint's own event."""
    audit = OfficerAudit.objects.create(complaint=complaint, officer=complaint.resolved_by, reason=reason)
    event_record(
        kind=AccountabilityEvent.OFFICER_AUDIT_QUEUED,
        subject=audit,
        to_state=AuditStatus.OPEN,
        data={"complaint": complaint.pk, "officer": audit.officer_id, "reason": str(reason)},
    )
    return audit


@transaction.atomic
def officer_audit_close(*, audit: OfficerAudit, actor: Actor, finding: str, notes: str) -> OfficerAudit:
    """Oversight closes an audit with a finding (the resolution was sound, or the officer was at
    fault) and notes; both are recorded for the officer's record."""
    require_audit(actor, audit)
    if finding not in OfficerAudit.Finding.values:
        raise DomainError.for_field("finding", AccountabilityError.AUDIT_FINDING_UNKNOWN, _("Choose sound or fault."))
    notes = text_clean(notes, model=OfficerAudit, name="notes")
    if not notes:
        raise DomainError.for_field("notes", AccountabilityError.REASON_REQUIRED, _("Say what the audit found."))
    audit = OfficerAudit.objects.select_for_update().get(pk=audit.pk)
    if audit.status != AuditStatus.OPEN:
        raise Conflict(AccountabilityError.TRANSITION_NOT_ALLOWED, _("This audit is already closed."))
    audit.status, audit.finding, audit.notes = AuditStatus.CLOSED, finding, notes
    audit.closed_by, audit.closed_at = account(actor), timezone.now()
    audit.save(update_fields=["status", "finding", "notes", "closed_by", "closed_at"])
    event_record(
        kind=AccountabilityEvent.OFFICER_AUDIT_CLOSED,
        subject=audit,
        actor=actor,
        from_state=AuditStatus.OPEN,
        to_state=finding,
        reason=notes,
        data={"complaint": audit.complaint_id, "officer": audit.officer_id},
    )
    return audit


# Accountability actions (issue 11) ---------------------------------------------------------------

EVIDENCE_MAX = 50  # complaints or audits behind one action: a longer list is a report, not evidence


def _action_data(action: AccountabilityAction) -> dict[str, object]:
    """What every action event carries for the scorecards' fold (counts per unit and kind): the
    office, the kind and the day it was taken. Never a complainant, never the grounds."""
    return {
        "office": action.office_id,
        "kind": action.kind,
        "officer": action.officer_id,
        "taken_on": action.taken_on.isoformat(),
    }


def _day(value: date | None, *, field: str, errors: FieldErrorCollector, today: date, after: date | None) -> None:
    if value is None:
        return
    if value > today:
        errors.add(field, AccountabilityError.ACTION_DATE_INVALID, _("The date cannot be in the future."))
    elif after is not None and value < after:
        errors.add(field, AccountabilityError.ACTION_DATE_INVALID, _("The date cannot be before the action was taken."))


def _evidence_complaints(actor: Actor, numbers: Iterable[str], errors: FieldErrorCollector) -> list[Complaint]:
    wanted = sorted({str(number).strip().upper() for number in numbers if str(number).strip()})
    if len(wanted) > EVIDENCE_MAX:
        errors.add(
            "complaints",
            AccountabilityError.ACTION_EVIDENCE_UNKNOWN,
            _("At most %(count)d complaints can be cited.") % {"count": EVIDENCE_MAX},
        )
        return []
    found = list(Complaint.objects.visible_to(actor).filter(tracking_number__in=wanted))
    # A complaint outside the actor's scope is reported exactly as one that does not exist.
    missing = sorted(set(wanted) - {complaint.tracking_number for complaint in found})
    if missing:
        errors.add(
            "complaints",
            AccountabilityError.ACTION_EVIDENCE_UNKNOWN,
            _("No complaint in your scope has the tracking number %(numbers)s.") % {"numbers": ", ".join(missing)},
        )
    return found


def _evidence_audits(actor: Actor, ids: Iterable[int], errors: FieldErrorCollector) -> list[OfficerAudit]:
    wanted = sorted({int(pk) for pk in ids})
    if len(wanted) > EVIDENCE_MAX:
        errors.add(
            "audits",
            AccountabilityError.ACTION_EVIDENCE_UNKNOWN,
            _("At most %(count)d audits can be cited.") % {"count": EVIDENCE_MAX},
        )
        return []
    found = list(OfficerAudit.objects.visible_to(actor).filter(pk__in=wanted))
    missing = sorted(set(wanted) - {audit.pk for audit in found})
    if missing:
        errors.add(
            "audits",
            AccountabilityError.ACTION_EVIDENCE_UNKNOWN,
            _("No audit in your scope has the number %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)},
        )
    return found


@transaction.atomic
def action_record(
    *,
    actor: Actor,
    kind: str,
    office_code: str,
    officer_id: int | None = None,
    authority: str,
    grounds: str,
    taken_on: date,
    reply_due: date | None = None,
    complaint_numbers: Iterable[str] = (),
    audit_ids: Iterable[int] = (),
    today: date | None = None,
) -> AccountabilityAction:
    """Oversight records an action taken on an office, or on one officer serving in it, with the
    evidence behind it. Every field is checked and every problem named at once; nothing is written
    unless all are right. An office outside the actor's government reads as unknown, and so does
    a complaint or an audit outside its scope."""
    require_oversight(actor)
    me = account(actor)
    if me is None:
        raise not_allowed(_("Only oversight may do this."))
    today = today or timezone.localdate()
    errors = FieldErrorCollector()
    if kind not in ActionKind.values:
        errors.add("kind", AccountabilityError.ACTION_KIND_UNKNOWN, _("Choose one of the kinds of action."))
    office = (
        Office.objects.select_related("department")
        .filter(code=str(office_code or "").strip(), department__government_id__in=oversight_governments(actor))
        .first()
    )
    if office is None:
        errors.add("office", AccountabilityError.ACTION_OFFICE_UNKNOWN, _("No office in your scope has this code."))
    officer = None
    if officer_id is not None:
        officer = User.objects.filter(pk=officer_id).first()
        serves = (
            office is not None
            and officer is not None
            and RoleAssignment.objects.filter(user=officer, office=office, active=True).exists()
        )
        if not serves:
            errors.add(
                "officer",
                AccountabilityError.ACTION_OFFICER_NOT_OF_OFFICE,
                _("The officer named must serve in the office."),
            )
    authority = text_clean(authority, model=AccountabilityAction, name="authority", errors=errors.fields)
    if not authority and "authority" not in errors:
        errors.add("authority", AccountabilityError.ACTION_TEXT_REQUIRED, _("Name the authority who took the action."))
    grounds = text_clean(grounds, model=AccountabilityAction, name="grounds", errors=errors.fields)
    if not grounds and "grounds" not in errors:
        errors.add("grounds", AccountabilityError.ACTION_TEXT_REQUIRED, _("Give the grounds for the action."))
    _day(taken_on, field="taken_on", errors=errors, today=today, after=None)
    if reply_due is not None and reply_due < taken_on:
        errors.add(
            "reply_due",
            AccountabilityError.ACTION_DATE_INVALID,
            _("A reply cannot be due before the action was taken."),
        )
    complaints = _evidence_complaints(actor, complaint_numbers, errors)
    audits = _evidence_audits(actor, audit_ids, errors)
    errors.raise_if_any()
    assert office is not None  # for the type checker: a missing office is an error raised above
    action = AccountabilityAction.objects.create(
        kind=kind,
        office=office,
        officer=officer,
        authority=authority,
        grounds=grounds,
        taken_on=taken_on,
        reply_due=reply_due,
        recorded_by=me,
    )
    action.complaints.set(complaints)
    action.audits.set(audits)
    event_record(
        kind=AccountabilityEvent.ACTION_RECORDED,
        subject=action,
        actor=actor,
        to_state=ActionStatus.OPEN,
        reason=grounds,
        data={**_action_data(action), "complaints": len(complaints), "audits": len(audits)},
    )
    return action


def _move(actor: Actor, action: AccountabilityAction, to: ActionStatus) -> AccountabilityAction:
    require_move_action(actor, action)
    locked = AccountabilityAction.objects.select_for_update().get(pk=action.pk)
    if (locked.status, to) not in ACTION_TRANSITIONS:
        raise InvalidTransition(
            _("An action that is %(status)s cannot become %(to)s.")
            % {"status": locked.get_status_display(), "to": to.label},
            code=AccountabilityError.TRANSITION_NOT_ALLOWED,
        )
    return locked


def _required(value: str, *, name: str, field: str, message: str, errors: FieldErrorCollector) -> str:
    text = text_clean(value, model=AccountabilityAction, name=name, field=field, errors=errors.fields)
    if not text and field not in errors:
        errors.add(field, AccountabilityError.ACTION_TEXT_REQUIRED, message)
    return text


def _moved(
    action: AccountabilityAction,
    *,
    actor: Actor,
    to: ActionStatus,
    kind: AccountabilityEvent,
    reason: str,
    **values: object,
) -> AccountabilityAction:
    """Save ``action`` in its new status with the move's own columns, and record the move's event
    (its text as the event's reason): the tail every move shares once its input is clean."""
    previous = action.status
    action.status = to
    for name, value in values.items():
        setattr(action, name, value)
    action.save(update_fields=["status", *values, "updated_at"])
    event_record(
        kind=kind,
        subject=action,
        actor=actor,
        from_state=previous,
        to_state=action.status,
        reason=reason,
        data=_action_data(action),
    )
    return action


@transaction.atomic
def action_reply_record(
    *, action: AccountabilityAction, actor: Actor, reply: str, replied_on: date, today: date | None = None
) -> AccountabilityAction:
    """Oversight records the reply of the office or officer (open → replied)."""
    action = _move(actor, action, ActionStatus.REPLIED)
    errors = FieldErrorCollector()
    reply = _required(reply, name="reply", field="reply", message=_("Give the reply received."), errors=errors)
    _day(replied_on, field="replied_on", errors=errors, today=today or timezone.localdate(), after=action.taken_on)
    errors.raise_if_any()
    return _moved(
        action,
        actor=actor,
        to=ActionStatus.REPLIED,
        kind=AccountabilityEvent.ACTION_REPLIED,
        reason=reply,
        reply=reply,
        replied_on=replied_on,
    )


@transaction.atomic
def action_conclude(
    *, action: AccountabilityAction, actor: Actor, outcome: str, concluded_on: date, today: date | None = None
) -> AccountabilityAction:
    """Oversight concludes an action with its outcome (open or replied → concluded)."""
    action = _move(actor, action, ActionStatus.CONCLUDED)
    errors = FieldErrorCollector()
    outcome = _required(outcome, name="outcome", field="outcome", message=_("Say how it ended."), errors=errors)
    _day(concluded_on, field="concluded_on", errors=errors, today=today or timezone.localdate(), after=action.taken_on)
    errors.raise_if_any()
    return _moved(
        action,
        actor=actor,
        to=ActionStatus.CONCLUDED,
        kind=AccountabilityEvent.ACTION_CONCLUDED,
        reason=outcome,
        outcome=outcome,
        concluded_on=concluded_on,
    )


@transaction.atomic
def action_withdraw(*, action: AccountabilityAction, actor: Actor, reason: str) -> AccountabilityAction:
    """Oversight withdraws an action recorded in error or revoked (open or replied → withdrawn). The
    scorecards stop counting it."""
    action = _move(actor, action, ActionStatus.WITHDRAWN)
    errors = FieldErrorCollector()
    reason = _required(
        reason, name="withdrawn_reason", field="reason", message=_("Say why it is withdrawn."), errors=errors
    )
    errors.raise_if_any()
    return _moved(
        action,
        actor=actor,
        to=ActionStatus.WITHDRAWN,
        kind=AccountabilityEvent.ACTION_WITHDRAWN,
        reason=reason,
        withdrawn_reason=reason,
    )
