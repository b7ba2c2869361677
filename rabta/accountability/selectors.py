"""Reads of standings, ratings and officer audits. Every read starts from ``visible_to(user)``,
except a complainant's own standing, which is read by its owner's account."""

from __future__ import annotations

from rabta.accountability.models import ComplainantStanding, OfficerAudit, ResponsibilityRating
from rabta.accountability.permissions import account, require_oversight
from rabta.accounts.types import Actor
from rabta.complaints.models import Complaint
from rabta.core.permissions import get_visible_or_404

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
