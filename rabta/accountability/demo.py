"""The accountability demo (`rabta loaddemo`): a few actions Punjab's demo oversight took on the
demo officer's office, with demo complaints behind them, in several states."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

DEMO_AFTER: tuple[str, ...] = ("directory", "accounts", "complaints")


def demo_load(*, offices: int, seed: int, shared_data: Path | None, stdout: TextIO) -> str:
    """Returns what ``loaddemo`` prints. Idempotent: skipped when the demo actions exist."""
    from django.db.models import Q
    from django.utils import timezone

    from rabta.accountability import services
    from rabta.accountability.models import AccountabilityAction, oversight_governments
    from rabta.accounts.models import RoleAssignment, User
    from rabta.complaints.models import Complaint
    from rabta.directory.models import Office

    overseer = User.objects.filter(email="oversight@demo.rabta.pk").first()
    officer = User.objects.filter(email="officer@demo.rabta.pk").first()
    if overseer is None or officer is None:
        return "accountability actions: skipped (demo oversight or officer missing)"
    if AccountabilityAction.objects.filter(recorded_by=overseer).exists():
        return "accountability actions: 0 recorded (present already)"
    assignment = (
        RoleAssignment.objects.filter(user=officer, active=True)
        .exclude(office=None)
        .select_related("office__department")
        .first()
    )
    if assignment is None or assignment.office is None:
        return "accountability actions: skipped (the demo officer has no office)"
    office = assignment.office
    named: int | None = officer.pk
    governments = oversight_governments(overseer)
    if office.department.government_id not in governments:
        # A small generated directory may seat the demo officer outside Punjab: the actions then
        # go on the first office the demo oversight oversees, on the office as a whole.
        overseen = Office.objects.filter(department__government_id__in=governments, is_active=True).order_by("code")
        first = overseen.first()
        if first is None:
            return "accountability actions: skipped (the demo oversight oversees no office)"
        office, named = first, None
    evidence = list(
        Complaint.objects.filter(
            Q(current_office=office), Q(status="reopened") | Q(status="appealed") | Q(status="closed")
        )
        .order_by("id")
        .values_list("tracking_number", flat=True)[:3]
    )
    today = timezone.localdate()
    common: dict[str, Any] = {"actor": overseer, "office_code": office.code, "authority": "Chief Secretary Punjab"}
    show_cause = services.action_record(
        kind="show_cause",
        officer_id=named,
        grounds="Complaints closed without relief and reopened by their complainants.",
        taken_on=today - timedelta(days=20),
        reply_due=today - timedelta(days=6),
        complaint_numbers=evidence,
        **common,
    )
    services.action_reply_record(
        action=show_cause,
        actor=overseer,
        reply="The officer explains that the field staff were on election duty.",
        replied_on=today - timedelta(days=8),
    )
    explanation = services.action_record(
        kind="explanation_sought",
        grounds="Over-90-day backlog in the district office.",
        taken_on=today - timedelta(days=12),
        reply_due=today + timedelta(days=2),
        complaint_numbers=evidence[:1],
        **common,
    )
    commendation = services.action_record(
        kind="commendation",
        officer_id=named,
        grounds="Highest satisfaction rate in the division last quarter.",
        taken_on=today - timedelta(days=40),
        **common,
    )
    services.action_conclude(
        action=commendation,
        actor=overseer,
        outcome="Letter of appreciation placed on the service record.",
        concluded_on=today - timedelta(days=35),
    )
    made = len([show_cause, explanation, commendation])
    return f"accountability actions: {made} recorded on {office.code}"
