"""The writes of the intelligence domain: misuse signals raised by the scan and reviewed by a
person, and the recurring-problem clusters the background job refreshes.

Misuse signals (``MisuseSignal``): :func:`signals_scan` (beat, ``tasks.signals_scan_task``) reads
the complaints lodged lately and raises, once per complaint and kind, *abusive language* (a word of
``abuse.WORDS`` in the complainant's own words) and *repeated complaint* (an earlier complaint of the
same complainant within ``REPEAT_WINDOW`` whose text is near-identical, character-trigram Jaccard
at least ``REPEAT_SIMILARITY``). A signal changes nothing about anyone: oversight reviews it
(:func:`signal_review`, confirmed or dismissed with a reason) and only a confirmation reaches the
complainant responsibility index, through ``rabta.accountability.services.standing_refresh``,
whose score counts confirmed signals (``accountability.services.SIGNAL_WEIGHTS``).

Recurring problems (``RecurringCluster``): :func:`recurring_refresh` (beat,
``tasks.recurring_refresh_task``) clusters the complaints of the last two windows per handling
office, category and district (``recurring.clusters_find``) and replaces the stored clusters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accountability.permissions import account
from rabta.accountability.services import standing_refresh
from rabta.accounts.types import Actor
from rabta.complaints.models import Complaint
from rabta.complaints.privacy import scrub_for_person
from rabta.core.errors import Conflict, DomainError
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.directory.choices import JurisdictionKind
from rabta.directory.models import Jurisdiction
from rabta.intelligence.abuse import abusive_terms
from rabta.intelligence.choices import SignalKind, SignalStatus
from rabta.intelligence.errors import IntelligenceError
from rabta.intelligence.events import IntelligenceEvent
from rabta.intelligence.models import MisuseSignal, RecurringCluster
from rabta.intelligence.normalize import char_ngrams, ngram_similarity
from rabta.intelligence.permissions import require_review_signals
from rabta.intelligence.recurring import ClusterInput, clusters_find, short

SCAN_LOOKBACK = timedelta(hours=6)  # beat runs the scan every 10 minutes: a missed run or two is caught up
SCAN_BATCH = 2000
REPEAT_WINDOW = timedelta(days=30)
REPEAT_SIMILARITY = 0.8
REPEAT_EARLIER_MAX = 200  # the earlier complaints of one complainant compared at most
EVIDENCE_MAX = 5
RECURRING_COMPLAINTS_MAX = 50_000


@dataclass(frozen=True)
class ScanResult:
    scanned: int
    abusive: int
    repeated: int


def _signal_raise(*, kind: SignalKind, complaint: Complaint, evidence: dict, score: float, now: datetime) -> bool:
    """One signal of ``kind`` on ``complaint`` with its event; False when there is one already
    (a scan over the same complaints again, or two scans at once: the constraint decides)."""
    if MisuseSignal.objects.filter(kind=kind, complaint=complaint).exists():
        return False
    try:
        with transaction.atomic():
            signal = MisuseSignal.objects.create(
                kind=kind,
                complaint=complaint,
                complainant_id=complaint.complainant_id,  # type: ignore[misc]  # the scan reads complaints with one
                evidence=evidence,
                score=round(score, 4),
                created_at=now,
            )
            event_record(
                kind=IntelligenceEvent.SIGNAL_RAISED,
                subject=signal,
                to_state=SignalStatus.OPEN,
                data={"kind": str(kind), "complaint": complaint.tracking_number},
            )
    except IntegrityError:
        return False
    return True


def signals_scan(*, now: datetime | None = None, lookback: timedelta = SCAN_LOOKBACK) -> ScanResult:
    """Raise the misuse signals of the complaints lodged in the last ``lookback`` (those with a
    complainant account: a fully anonymous complaint has no one to review). Idempotent."""
    now = now or timezone.now()
    batch = list(
        Complaint.objects.filter(created_at__gte=now - lookback, created_at__lte=now)
        .exclude(complainant=None)
        .order_by("id")
        .only("id", "tracking_number", "complainant_id", "created_at", "subject", "text")[:SCAN_BATCH]
    )
    abusive = repeated = 0
    earlier_of: dict[int, list[tuple[int, str, datetime, frozenset[str]]]] = {}
    if batch:
        first = min(c.created_at for c in batch) - REPEAT_WINDOW
        rows = (
            Complaint.objects.filter(complainant_id__in={c.complainant_id for c in batch}, created_at__gte=first)
            .order_by("-created_at")
            .values_list("id", "tracking_number", "created_at", "complainant_id", "subject", "text")
        )
        for pk, number, created, who, subject, text in rows:
            if who is not None and len(earlier_of.setdefault(who, [])) < REPEAT_EARLIER_MAX:
                earlier_of[who].append((pk, number, created, char_ngrams(f"{subject}\n{text}")))
    for complaint in batch:
        own = f"{complaint.subject}\n{complaint.text}"
        terms = abusive_terms(own)
        if terms and _signal_raise(
            kind=SignalKind.ABUSIVE_LANGUAGE,
            complaint=complaint,
            evidence={"terms": terms[:EVIDENCE_MAX]},
            score=float(len(terms)),
            now=now,
        ):
            abusive += 1
        grams = char_ngrams(own)
        window_from = complaint.created_at - REPEAT_WINDOW
        alike = sorted(
            (
                (ngram_similarity(grams, theirs), number)
                for pk, number, created, theirs in earlier_of.get(complaint.complainant_id or 0, [])
                if pk != complaint.pk and window_from <= created <= complaint.created_at and pk < complaint.pk
            ),
            reverse=True,
        )
        alike = [(s, n) for s, n in alike if s >= REPEAT_SIMILARITY][:EVIDENCE_MAX]
        if alike and _signal_raise(
            kind=SignalKind.REPEATED_COMPLAINT,
            complaint=complaint,
            evidence={"earlier": [{"tracking_number": n, "similarity": round(s, 3)} for s, n in alike]},
            score=alike[0][0],
            now=now,
        ):
            repeated += 1
    return ScanResult(scanned=len(batch), abusive=abusive, repeated=repeated)


DECISIONS = (SignalStatus.CONFIRMED, SignalStatus.DISMISSED)


@transaction.atomic
def signal_review(*, signal: MisuseSignal, actor: Actor, decision: str, reason: str) -> MisuseSignal:
    """A person confirms or dismisses an open signal, saying why. A confirmation refreshes the
    complainant's standing (``accountability.services.standing_refresh``, which counts confirmed
    signals); a dismissal changes nothing else. The signal was fetched within the actor's scope."""
    require_review_signals(actor)
    if actor is None:
        raise Conflict(IntelligenceError.NOT_ALLOWED, _("A misuse signal is reviewed by a person."))
    if decision not in DECISIONS:
        raise DomainError.for_field(
            "decision", IntelligenceError.SIGNAL_DECISION_UNKNOWN, _("Choose confirmed or dismissed.")
        )
    reason = text_clean(reason, model=MisuseSignal, name="review_reason", field="reason")
    if not reason:
        raise DomainError.for_field("reason", IntelligenceError.REASON_REQUIRED, _("Say why."))
    signal = MisuseSignal.objects.select_for_update().select_related("complainant").get(pk=signal.pk)
    if signal.status != SignalStatus.OPEN:
        raise Conflict(IntelligenceError.SIGNAL_ALREADY_REVIEWED, _("This signal has been reviewed already."))
    signal.status, signal.reviewed_by, signal.reviewed_at, signal.review_reason = (
        decision,
        account(actor),
        timezone.now(),
        reason,
    )
    signal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    event_record(
        kind=IntelligenceEvent.SIGNAL_REVIEWED,
        subject=signal,
        actor=actor,
        from_state=SignalStatus.OPEN,
        to_state=decision,
        reason=reason,
    )
    if decision == SignalStatus.CONFIRMED:
        standing_refresh(user=signal.complainant)
    return signal


@dataclass(frozen=True)
class RefreshResult:
    complaints: int
    clusters: int
    rising: int


def _districts() -> dict[int, int]:
    """Each place's district (itself when it is one; its nearest district ancestor otherwise; a
    place above districts stands for itself)."""
    rows = {pk: (kind, parent) for pk, kind, parent in Jurisdiction.objects.values_list("id", "kind", "parent_id")}
    out: dict[int, int] = {}
    for pk in rows:
        current: int | None = pk
        for _depth in range(10):
            if current is None or current not in rows:
                break
            if rows[current][0] == JurisdictionKind.DISTRICT:
                out[pk] = current
                break
            current = rows[current][1]
        out.setdefault(pk, pk)
    return out


def _example(complaint: Complaint) -> str:
    body = complaint.text_for_office or f"{complaint.subject}\n{complaint.text}"
    return short(scrub_for_person(body, complaint.complainant))


@transaction.atomic
def recurring_refresh(*, days: int = 30, min_size: int = 3, now: datetime | None = None) -> RefreshResult:
    """Cluster the complaints of the last ``2 × days`` per office, category and district and replace
    the stored clusters with the recurring ones (at least ``min_size`` in the recent window); one
    event for the run. The examples are scrubbed of every identifier whatever the anonymity."""
    now = now or timezone.now()
    recent_from, previous_from = now - timedelta(days=days), now - timedelta(days=2 * days)
    district = _districts()
    rows = list(
        Complaint.objects.filter(created_at__gte=previous_from, created_at__lte=now)
        .exclude(current_office=None)
        .order_by("-created_at")
        .values_list(
            "id",
            "created_at",
            "subject",
            "text_for_office",
            "text",
            "current_office_id",
            "category_id",
            "jurisdiction_id",
        )[:RECURRING_COMPLAINTS_MAX]
    )
    inputs = [
        ClusterInput(
            pk=pk,
            created=created,
            body=office_copy or f"{subject}\n{text}",
            group=(office, category, district.get(place, place)),
        )
        for pk, created, subject, office_copy, text, office, category, place in reversed(rows)
    ]
    found = clusters_find(inputs, recent_from=recent_from, min_size=min_size)
    wanted = {pk for c in found for pk in c.example_ids}
    people = {
        c.pk: c
        for c in Complaint.objects.filter(pk__in=wanted)
        .select_related("complainant")
        .only("id", "subject", "text", "text_for_office", "complainant")
    }
    RecurringCluster.objects.all().delete()
    stored = RecurringCluster.objects.bulk_create(
        RecurringCluster(
            office_id=c.group[0],
            category_id=c.group[1],
            district_id=c.group[2],
            recent=c.recent,
            previous=c.previous,
            rising=c.rising,
            terms=c.terms,
            examples=[_example(people[pk]) for pk in c.example_ids if pk in people],
            days=days,
            computed_at=now,
        )
        for c in found
    )
    result = RefreshResult(complaints=len(rows), clusters=len(stored), rising=sum(c.rising for c in found))
    if stored:
        event_record(
            kind=IntelligenceEvent.RECURRING_REFRESHED,
            subject=stored[0],
            data={"complaints": result.complaints, "clusters": result.clusters, "rising": result.rising, "days": days},
        )
    return result
