"""The reads of the intelligence domain, each starting from ``visible_to(user)``: the misuse
signals waiting for review, the stored recurring clusters, and the triage suggestion for a
complaint on its work page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from rabta.accounts.models import User
from rabta.accounts.types import Actor
from rabta.complaints.models import Complaint
from rabta.complaints.privacy import complaint_view
from rabta.core.errors import DomainError
from rabta.core.permissions import get_visible_or_404
from rabta.intelligence.choices import SignalStatus
from rabta.intelligence.models import MisuseSignal, RecurringCluster
from rabta.intelligence.permissions import may_see_triage, require_recurring, require_review_signals
from rabta.intelligence.suggest import Suggestion, category_suggest

# The pages and the API lists show a page at a time: PAGE_SIZE by default, never more than
# PAGE_SIZE_MAX whatever a client asks for.
PAGE_SIZE = 25
PAGE_SIZE_MAX = 100


@dataclass(frozen=True)
class SignalRow:
    signal: MisuseSignal
    tracking_number: str
    # The complainant's name only where complaints' privacy lets this reader see it
    # (complaint_view): a hidden complainant stays hidden, their reveal is the work page's.
    complainant_name: str | None


def signal_list(*, user: Actor, status: str = SignalStatus.OPEN) -> QuerySet[MisuseSignal]:
    """The signals of complaints within the reader's scope with ``status`` (an unknown one reads as
    open), newest first (oversight only: ``Forbidden`` otherwise). A query: page it."""
    require_review_signals(user)
    return (
        MisuseSignal.objects.visible_to(user)
        .filter(status=status if status in SignalStatus.values else SignalStatus.OPEN)
        .select_related("complaint__complainant", "reviewed_by")
        .order_by("-created_at", "-id")
    )


def signal_rows(*, user: Actor, signals: Iterable[MisuseSignal]) -> list[SignalRow]:
    """Each signal with its complaint's number and the complainant's name as this reader may see
    it (``complaint_view``: None when the complainant is hidden from the office)."""
    if user is None:
        return []
    return [
        SignalRow(
            signal=s,
            tracking_number=s.complaint.tracking_number,
            complainant_name=complaint_view(s.complaint, reader_id=user.pk)["complainant_name"],
        )
        for s in signals
    ]


def signal_queue(*, user: Actor, status: str = SignalStatus.OPEN) -> list[SignalRow]:
    """The first page of :func:`signal_list`, as rows."""
    return signal_rows(user=user, signals=signal_list(user=user, status=status)[:PAGE_SIZE])


def signal_get(*, user: Actor, signal_id: int) -> MisuseSignal:
    """One signal within the reader's scope: not found outside it, and for anyone who is not
    oversight (who sees no signal at all), so that a signal's existence never leaks."""
    return get_visible_or_404(
        MisuseSignal.objects.select_related("complaint__complainant", "reviewed_by"), user, pk=signal_id
    )


@dataclass(frozen=True)
class ClusterFilters:
    office: str = ""
    category: str = ""
    district: str = ""
    rising_only: bool = False


def cluster_list(*, user: Actor, filters: ClusterFilters | None = None) -> QuerySet[RecurringCluster]:
    """The stored recurring clusters of the offices the reader oversees, rising first, then the
    largest; filtered by office, category and district code (oversight only). A query: page it."""
    require_recurring(user)
    filters = filters or ClusterFilters()
    rows = RecurringCluster.objects.visible_to(user).select_related("office", "category", "district")
    if filters.office:
        rows = rows.filter(office__code=filters.office)
    if filters.category:
        rows = rows.filter(category__code=filters.category)
    if filters.district:
        rows = rows.filter(district__code=filters.district)
    if filters.rising_only:
        rows = rows.filter(rising=True)
    return rows.order_by("-rising", "-recent", "id")


def cluster_get(*, user: Actor, cluster_id: int) -> RecurringCluster:
    """One stored cluster of an office the reader oversees; not found otherwise (and for anyone
    who is not oversight)."""
    return get_visible_or_404(
        RecurringCluster.objects.select_related("office", "category", "district"), user, pk=cluster_id
    )


@dataclass(frozen=True)
class Triage:
    """The model's view of a complaint on its work page: the suggestions, and whether the
    complaint looks unrouted (no office) or misrouted (the likeliest category, or its office, is
    not the complaint's). Only a person acts on it: the transfer form it fills."""

    suggestions: list[Suggestion]
    unrouted: bool
    misrouted: bool
    transfer_to: Suggestion | None  # the best suggestion whose office is not the current one
    model_version: str | None


def complaint_triage(*, user: Actor, complaint: Complaint, language: str | None = None) -> Triage | None:
    """None when the reader is not staff, or the model has nothing to say (no model, text it
    cannot read, nothing confident enough); otherwise the triage, from the words the office reads
    (complaint_view: the scrubbed copy when the complainant is hidden)."""
    if not may_see_triage(user) or user is None:
        return None
    view: dict[str, Any] = complaint_view(complaint, reader_id=user.pk)
    text = "\n".join(part for part in (view["subject"] or "", view["text"] or "") if part.strip())
    try:
        found = category_suggest(text=text[:5000], place=complaint.jurisdiction.code, language=language, top=3)
    except DomainError:
        return None
    if not found.suggestions:
        return None
    best = found.suggestions[0]
    unrouted = complaint.current_office_id is None
    current_office = complaint.current_office.code if complaint.current_office is not None else None
    misrouted = not unrouted and (
        (best.category is not None and best.category != complaint.category.code)
        or (best.office_code is not None and best.office_code != current_office)
    )
    transfer_to = next(
        (s for s in found.suggestions if s.office_code is not None and s.office_code != current_office), None
    )
    return Triage(
        suggestions=found.suggestions,
        unrouted=unrouted,
        misrouted=misrouted,
        transfer_to=transfer_to if (unrouted or misrouted) else None,
        model_version=found.model_version,
    )


def confirmed_signals_of(*, complainant: User, since: datetime | None = None) -> list[tuple[str, datetime | None]]:
    """The misuse signals a reviewer confirmed about ``complainant`` (from ``since`` on, when
    given), as (kind, reviewed_at): what the responsibility index in accountability counts. No
    scope: the index is the system's own computation, never shown as a list."""
    signals = MisuseSignal.objects.filter(complainant=complainant, status=SignalStatus.CONFIRMED)
    if since is not None:
        signals = signals.filter(reviewed_at__gte=since)
    return list(signals.values_list("kind", "reviewed_at"))
