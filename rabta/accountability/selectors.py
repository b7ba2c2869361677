"""Reads of standings, ratings and officer audits. Every read starts from ``visible_to(user)``,
except a complainant's own standing, which is read by its owner's account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rabta.accountability.errors import AccountabilityError
from rabta.accountability.models import (
    AccountabilityAction,
    ComplainantStanding,
    OfficerAudit,
    ResponsibilityRating,
    oversight_governments,
)
from rabta.accountability.permissions import account, may_move_action, may_oversee, require_oversight
from rabta.accounts.models import RoleAssignment, User
from rabta.accounts.types import Actor
from rabta.complaints.models import Complaint
from rabta.core.errors import FieldErrorCollector, NotFound
from rabta.core.events import event_rows
from rabta.core.permissions import get_visible_or_404
from rabta.directory.models import Office

LIST_LIMIT = 200


def standing_mine(*, user: Actor) -> ComplainantStanding | None:
    """The signed-in complainant's own standing (None: never rated, so nothing to show)."""
    me = account(user)
    return None if me is None else ComplainantStanding.objects.filter(user=me).first()


def standing_get(*, user: Actor, complainant_id: int) -> ComplainantStanding:
    """One complainant's standing, if it is within ``user``'s scope; 404 otherwise."""
    return get_visible_or_404(ComplainantStanding.objects.all(), user, user_id=complainant_id)


def standing_ratings(*, user: Actor, complainant_id: int) -> tuple[list[ResponsibilityRating], int]:
    """The ratings behind a complainant's standing, newest first, as ``user`` may read them: those of
    complaints within the user's scope (with their complaint), and how many others there are.
    Complaints outside the scope are not named, not even by tracking number."""
    ratings = ResponsibilityRating.objects.filter(complaint__complainant_id=complainant_id)
    visible = ratings.filter(complaint__in=Complaint.objects.visible_to(user).values("pk"))
    listed = list(visible.select_related("complaint").order_by("-created_at"))
    return listed, ratings.count() - len(listed)


def standing_list(
    *, user: Actor, appeal_open: bool | None = None, level: str | None = None
) -> list[ComplainantStanding]:
    """Oversight's list: complainants in its scope with a warning or limit, or an appeal waiting;
    appeals first, then the highest scores."""
    require_oversight(user)
    rows = ComplainantStanding.objects.visible_to(user).exclude(
        level=ComplainantStanding.Level.NORMAL, appeal_open=False
    )
    if appeal_open is not None:
        rows = rows.filter(appeal_open=appeal_open)
    if level:
        rows = rows.filter(level=level)
    return list(rows.order_by("-appeal_open", "-score")[:LIST_LIMIT])


def audit_list(*, user: Actor, status: str = OfficerAudit.Status.OPEN) -> list[OfficerAudit]:
    """Oversight's queue of officer audits in its scope, oldest first."""
    require_oversight(user)
    rows = OfficerAudit.objects.visible_to(user).filter(status=status).select_related("complaint", "officer")
    return list(rows.order_by("created_at")[:LIST_LIMIT])


def audit_get(*, user: Actor, audit_id: int) -> OfficerAudit:
    """One audit within ``user``'s scope, with what its answer shows; 404 otherwise."""
    return get_visible_or_404(OfficerAudit.objects.select_related("complaint", "officer"), user, pk=audit_id)


def complaint_rated(*, complaint: Complaint) -> bool:
    """Whether the handling office has rated this complaint's complainant (once per complaint): the
    work page offers the rating only until then."""
    return ResponsibilityRating.objects.filter(complaint=complaint).exists()


# Accountability actions (issue 11) ---------------------------------------------------------------

ACTIONS_PAGE = 50


@dataclass(frozen=True)
class ActionFilters:
    kind: str = ""
    status: str = ""
    office: str = ""  # an office's code: that office only
    officer: int | None = None
    since: date | None = None  # taken on or after
    until: date | None = None  # taken on or before


def _actions() -> QuerySet[AccountabilityAction]:
    return AccountabilityAction.objects.select_related("office", "officer")


def action_filters_check(filters: ActionFilters) -> None:
    """A filter that can match nothing because it is malformed is an error naming it, not an empty list."""
    errors = FieldErrorCollector()
    if filters.kind and filters.kind not in AccountabilityAction.Kind.values:
        errors.add("kind", AccountabilityError.ACTION_KIND_UNKNOWN, _("Choose one of the kinds of action."))
    if filters.status and filters.status not in AccountabilityAction.Status.values:
        errors.add("status", AccountabilityError.ACTION_STATUS_UNKNOWN, _("Choose one of the statuses."))
    if filters.since and filters.until and filters.since > filters.until:
        errors.add("until", AccountabilityError.ACTION_DATE_INVALID, _("The end of the period is before its start."))
    errors.raise_if_any()


def action_list(
    *, user: Actor, filters: ActionFilters | None = None, limit: int | None = ACTIONS_PAGE
) -> list[AccountabilityAction]:
    """The actions ``user`` may see (oversight: its governments' offices; an officer: those on
    themself), newest first, filtered."""
    filters = filters or ActionFilters()
    action_filters_check(filters)
    rows = _actions().filter(pk__in=AccountabilityAction.objects.visible_to(user).values("pk"))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.office:
        rows = rows.filter(office__code=filters.office)
    if filters.officer is not None:
        rows = rows.filter(officer_id=filters.officer)
    if filters.since:
        rows = rows.filter(taken_on__gte=filters.since)
    if filters.until:
        rows = rows.filter(taken_on__lte=filters.until)
    rows = rows.order_by("-taken_on", "-id")
    return list(rows if limit is None else rows[:limit])


def action_offices_all_visible(*, user: Actor, offices: QuerySet[Office]) -> bool:
    """Does ``user`` see every action on ``offices`` (oversight of each one's government)? Then the
    exact counts of their actions tell them nothing they cannot list. One query."""
    governments = oversight_governments(user)
    if not governments:
        return False
    return not offices.exclude(department__government_id__in=governments).exists()


def action_governments_overseen(*, user: Actor) -> set[int]:
    """The governments whose offices' actions ``user`` sees in full (oversight assignments)."""
    return set(oversight_governments(user))


def action_get(*, user: Actor, action_id: int) -> AccountabilityAction:
    """One action within ``user``'s sight; 404 otherwise."""
    return get_visible_or_404(_actions(), user, pk=action_id)


@dataclass(frozen=True)
class ActionDetail:
    action: AccountabilityAction
    complaints: list[str]  # tracking numbers only: the evidence never names a complainant
    audits: list[OfficerAudit]
    timeline: list[dict[str, Any]]
    may_move: bool


def _actor_label(event: Any) -> str:
    actor = event.actor
    return actor.full_name if actor is not None else _("the system")


def action_detail(*, user: Actor, action_id: int) -> ActionDetail:
    """An action with its evidence and timeline, as ``user`` may read it. The evidence is listed by
    tracking number only, and only the complaints and audits the reader can see themselves (the
    officer named is told how many more there are through the count, not their numbers)."""
    action = action_get(user=user, action_id=action_id)
    numbers = list(
        action.complaints.filter(pk__in=Complaint.objects.visible_to(user).values("pk"))
        .order_by("tracking_number")
        .values_list("tracking_number", flat=True)
    )
    audits = list(
        action.audits.filter(pk__in=OfficerAudit.objects.visible_to(user).values("pk"))
        .select_related("complaint")
        .order_by("pk")
    )
    return ActionDetail(
        action=action,
        complaints=numbers,
        audits=audits,
        timeline=event_rows(action, actor_label=_actor_label),
        may_move=may_move_action(user, action),
    )


def action_offices(*, user: Actor) -> QuerySet[Office]:
    """The offices ``user`` may record actions on (the form's office picker): its governments' offices."""
    if not may_oversee(user):
        return Office.objects.none()
    return Office.objects.filter(department__government_id__in=oversight_governments(user), is_active=True)


def action_office_get(*, user: Actor, code: str) -> Office:
    """One office ``user`` may record actions on; 404 otherwise."""
    office = action_offices(user=user).select_related("department").filter(code=code).first()
    if office is None:
        raise NotFound(_("No such office."))
    return office


def action_office_staff(*, user: Actor, office: Office) -> list[User]:
    """The staff serving in ``office`` (the officer picker of the form), for oversight of it only."""
    if not action_offices(user=user).filter(pk=office.pk).exists():
        return []
    ids = RoleAssignment.objects.filter(office=office, active=True).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "pk"))


def action_evidence_audits(*, user: Actor, office: Office | None = None) -> list[OfficerAudit]:
    """Officer audits the form may cite (in scope, at most a page), of the office's complaints when
    one is given, newest first."""
    if not may_oversee(user):
        return []
    rows = OfficerAudit.objects.visible_to(user).select_related("complaint", "officer")
    if office is not None:
        rows = rows.filter(complaint__current_office=office)
    return list(rows.order_by("-created_at")[:ACTIONS_PAGE])


def action_may_record(*, user: Actor) -> bool:
    """Whether the list page offers "Record an action"."""
    return may_oversee(user) and bool(oversight_governments(user))
