"""Work on a complaint, transfers, escalation with frozen time, feedback, reopen, appeal."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.api.errors import status_for
from rabta.complaints import selectors
from rabta.complaints.choices import Status
from rabta.complaints.models import Category, Complaint, DeadlinePolicy, Escalation, RoutingRule
from rabta.complaints.services import feedback, routing, work
from rabta.complaints.services.deadlines import add_business_days, policy_for
from rabta.complaints.services.escalation import escalation_sweep
from rabta.complaints.transitions import ALLOWED, transition
from rabta.core.errors import DomainError, InvalidTransition
from rabta.core.models import Event
from rabta.directory.models import Jurisdiction


@pytest.mark.parametrize("start", list(ALLOWED))
def test_every_forbidden_transition_raises_and_changes_nothing(submit, start):
    complaint = submit()
    Complaint.objects.filter(pk=complaint.pk).update(status=start)
    complaint.refresh_from_db()
    events_before = Event.objects.count()
    for target in set(Status.values) - set(ALLOWED[start]):
        with pytest.raises(InvalidTransition) as caught:
            transition(complaint, target, actor=None)
        assert caught.value.code == "transition_not_allowed"
        complaint.refresh_from_db()
        assert complaint.status == start
    assert Event.objects.count() == events_before


def test_routing_rule_for_the_exact_place_beats_the_province(submit, world, categories):
    RoutingRule.objects.create(category=categories.water, jurisdiction=world.punjab, office=world.head_a)
    assert submit().current_office == world.head_a
    RoutingRule.objects.create(category=categories.water, jurisdiction=world.lahore, office=world.office_a)
    chosen = submit()
    assert chosen.current_office == world.office_a
    assert chosen.routing_rule.jurisdiction == world.lahore


def test_without_rule_or_local_office_the_head_office_serving_the_place_takes_it(submit, world):
    # Hyderabad is in Sindh but has no Sindh LG office of its own: Sindh's head office covers it.
    Jurisdiction.objects.create(code="PK-SD-HYD", name="Hyderabad", kind="district", parent=world.sindh)
    complaint = submit(category_code="SD-MUN-WATER", jurisdiction_code="PK-SD-HYD")
    assert complaint.current_office == world.head_b
    assert complaint.routing_reason == "department office serving the place"


def test_a_category_of_another_government_is_refused_with_the_categories_that_serve_the_place(submit, world):
    # Formerly routed to Sindh's head office: a Sindh category about a place in Punjab.
    with pytest.raises(DomainError) as caught:
        submit(category_code="SD-MUN-WATER", jurisdiction_code="PK-PB-LHR")
    error = caught.value
    assert status_for(error) == 400 and error.fields["category"][0]["code"] == "no_office_for_place"
    assert error.fields["suggested_categories"][0]["code"] == "PB-MUN-WATER"  # same name first
    assert "PB-MUN-WATER" in error.message
    assert not Complaint.objects.exists()


def test_transfers_are_capped_and_each_hop_is_an_event(submit, world, officer_a, settings):
    # Between two offices that both serve Lahore (a transfer never leaves the place's offices).
    settings.RABTA_MAX_TRANSFERS = 2
    complaint = submit()
    routing.complaint_transfer(complaint=complaint, to_office=world.head_a, reason="Head office", actor=officer_a)
    routing.complaint_transfer(complaint=complaint, to_office=world.office_a, reason="Back to Lahore", actor=officer_a)
    with pytest.raises(DomainError) as caught:
        routing.complaint_transfer(complaint=complaint, to_office=world.head_a, reason="Again", actor=officer_a)
    assert caught.value.code == "transfer_cap_reached"
    complaint.refresh_from_db()
    assert complaint.current_office == world.office_a and complaint.transfer_count == 2
    assert Event.objects.for_subject(complaint).filter(kind="complaints.transferred").count() == 2


def test_resolve_with_no_relief_needs_reasons(submit, officer_a):
    complaint = submit()
    with pytest.raises(DomainError) as caught:
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="no_relief")
    assert caught.value.fields["reasons"][0]["code"] == "reason_required"
    complaint.refresh_from_db()
    assert complaint.status == Status.ROUTED
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="no_relief", reasons="Outside our budget year")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.next_escalation_at is None


def test_reject_as_duplicate_names_the_original(submit, officer_a):
    original, repeat = submit(), submit()
    with pytest.raises(DomainError):
        work.complaint_reject(complaint=repeat, actor=officer_a, reason="duplicate", explanation="Same as before")
    work.complaint_reject(
        complaint=repeat, actor=officer_a, reason="duplicate", explanation="Same as before", duplicate_of=original
    )
    repeat.refresh_from_db()
    assert repeat.status == Status.REJECTED and repeat.duplicate_of == original


def test_unresolved_complaint_escalates_to_supervisor_on_day_20_and_head_on_day_41(submit, world):
    with time_machine.travel(timezone.now() - timedelta(days=50), tick=False):
        complaint = submit()
    submitted = complaint.created_at
    result = escalation_sweep(now=submitted + timedelta(days=19, hours=23))
    assert (result.to_supervisor, result.to_head) == (0, 0)
    result = escalation_sweep(now=submitted + timedelta(days=20, minutes=1))
    complaint.refresh_from_db()
    assert result.to_supervisor == 1
    assert complaint.escalation_level == 1 and complaint.escalated_to == world.head_a
    result = escalation_sweep(now=submitted + timedelta(days=41, minutes=1))
    complaint.refresh_from_db()
    assert result.to_head == 1 and complaint.escalation_level == 2 and complaint.next_escalation_at is None
    assert list(Escalation.objects.filter(complaint=complaint).values_list("level", flat=True).order_by("level")) == [
        1,
        2,
    ]


def test_sweep_twice_escalates_once(submit):
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        submit()
        submit()
    first = escalation_sweep()
    second = escalation_sweep()
    assert first.to_supervisor == 2
    assert (second.to_supervisor, second.to_head) == (0, 0)
    assert Escalation.objects.count() == 2
    assert Event.objects.filter(kind="complaints.escalated").count() == 2


def test_escalation_tells_the_complainant_once(submit, django_capture_on_commit_callbacks):
    from django.core import mail

    with time_machine.travel(timezone.now() - timedelta(days=25), tick=False):
        complaint = submit()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        escalation_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        escalation_sweep()  # nothing more is due: no second message
    assert [m.subject for m in mail.outbox] == [f"Complaint {complaint.tracking_number} escalated"]
    assert mail.outbox[0].to == [complaint.complainant.email]


def test_a_top_office_escalates_to_its_department_head(submit, world, categories):
    """An office with nothing above it (here the head office itself) still escalates somewhere."""
    RoutingRule.objects.create(category=categories.water, jurisdiction=None, office=world.head_a)
    with time_machine.travel(timezone.now() - timedelta(days=21), tick=False):
        complaint = submit()
    assert complaint.current_office == world.head_a
    assert escalation_sweep().to_supervisor == 1
    complaint.refresh_from_db()
    assert (complaint.escalation_level, complaint.escalated_to) == (1, world.head_a)
    assert complaint.next_escalation_at == complaint.escalate_head_at


def test_escalation_events_say_level_office_and_the_sweeps_moment(submit, world):
    with time_machine.travel(timezone.now() - timedelta(days=45), tick=False):
        complaint = submit()
    moment = complaint.created_at + timedelta(days=42)
    escalation_sweep(now=moment)
    event = Event.objects.for_subject(complaint).get(kind="complaints.escalated")
    assert (event.actor_role, event.to_state, event.occurred_at) == ("system", "level 2", moment)
    assert event.data == {"level": 2, "to_office": world.head_a.pk}


def test_resolved_complaints_do_not_escalate(submit, officer_a):
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        complaint = submit()
        work.complaint_acknowledge(complaint=complaint, actor=officer_a)
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    assert escalation_sweep().to_supervisor == 0


def test_complaints_pending_over_90_days_are_listed_to_those_who_may_see_them(submit, officer_a, officer_b):
    with time_machine.travel(timezone.now() - timedelta(days=95), tick=False):
        old = submit()
    submit()
    assert selectors.complaints_pending_long(user=officer_a, days=90) == [old]
    assert selectors.complaints_pending_long(user=officer_b, days=90) == []  # another office's


def test_feedback_once_then_closed_confirmed(submit, citizen, officer_a):
    complaint = submit()
    with pytest.raises(DomainError) as caught:
        feedback.feedback_give(complaint=complaint, actor=citizen, rating=5, satisfied=True)
    assert caught.value.code == "feedback_not_resolved"
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    with pytest.raises(DomainError):
        feedback.feedback_give(complaint=complaint, actor=officer_a, rating=5, satisfied=True)
    feedback.feedback_give(complaint=complaint, actor=citizen, rating=5, satisfied=True)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.closed_confirmed is True
    with pytest.raises(DomainError) as caught:
        feedback.feedback_give(complaint=complaint, actor=citizen, rating=1, satisfied=False)
    assert caught.value.code in {"feedback_already_given", "feedback_not_resolved"}


def test_no_answer_closes_as_unconfirmed_once(submit, officer_a):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    later = timezone.now() + timedelta(days=11)
    assert feedback.closure_sweep(now=later) == 1
    assert feedback.closure_sweep(now=later) == 0
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.closed_confirmed is False


def test_reopen_is_counted_and_capped(submit, citizen, officer_a, settings):
    settings.RABTA_MAX_REOPENS = 1
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    feedback.complaint_reopen(complaint=complaint, actor=citizen, reason="Water still not back")
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED and complaint.reopen_count == 1
    assert complaint.next_escalation_at is not None
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    with pytest.raises(DomainError) as caught:
        feedback.complaint_reopen(complaint=complaint, actor=citizen, reason="Still not")
    assert caught.value.code == "reopen_cap_reached"


def test_appeal_goes_up_the_line_and_not_to_the_resolver(submit, citizen, officer_a, supervisor_a, world):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="no_relief", reasons="Not our budget")
    appeal = feedback.appeal_file(complaint=complaint, actor=citizen, reasons="The pipeline is the city's duty")
    assert appeal.assigned_office == world.head_a
    with pytest.raises(DomainError) as caught:
        feedback.appeal_decide(appeal=appeal, actor=officer_a, decision="relief_granted", reasons="ok")
    assert caught.value.code == "not_allowed"
    with pytest.raises(DomainError):
        feedback.appeal_decide(appeal=appeal, actor=supervisor_a, decision="relief_granted", reasons="")
    feedback.appeal_decide(appeal=appeal, actor=supervisor_a, decision="relief_granted", reasons="Duty of the city")
    complaint.refresh_from_db()
    # The decision grants relief the resolution refused: it is decided, then back with the office.
    assert Event.objects.for_subject(complaint).filter(to_state=Status.APPEAL_DECIDED).exists()
    assert complaint.status == Status.REOPENED and complaint.outcome == "relief_granted"


def test_appeal_after_its_deadline_is_refused(submit, citizen, officer_a):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    with time_machine.travel(timezone.now() + timedelta(days=60)), pytest.raises(DomainError) as caught:
        feedback.appeal_file(complaint=complaint, actor=citizen, reasons="Too late")
    assert caught.value.code == "appeal_deadline_passed"
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_the_most_specific_deadline_policy_applies_and_a_blank_part_matches_anything(submit, world, categories):
    # The fixture's policy has every part blank (the built-in days). Add more specific ones.
    DeadlinePolicy.objects.create(priority="urgent", resolve_days=5)
    DeadlinePolicy.objects.create(category=categories.water, resolve_days=10)
    DeadlinePolicy.objects.create(category=categories.water, office=world.office_a, resolve_days=20)
    cases = [
        # (category, place, priority) -> resolve days
        (("PB-MUN-WATER", "PK-PB-LHR", "normal"), 20),  # category and office beat category alone
        (("PB-MUN-WATER", "PK-PB-LHR", "urgent"), 20),  # ... and beat priority alone
        (("SD-MUN-WATER", "PK-SD-KHI", "urgent"), 5),  # priority alone, for every category and office
        (("SD-MUN-WATER", "PK-SD-KHI", "normal"), 15),  # only the all-blank policy matches
    ]
    moment = timezone.now().replace(microsecond=0)
    for number, ((category, place, priority), days) in enumerate(cases):
        # Priority comes from the category's policy, not from the complainant (saved: the memo hears it).
        chosen = Category.objects.get(code=category)
        chosen.priority = priority
        chosen.save()
        with time_machine.travel(moment, tick=False):
            complaint = submit(category_code=category, jurisdiction_code=place, idempotency_key=str(number))
        assert complaint.priority == priority
        assert policy_for(complaint).resolve_days == days, (category, priority)
        assert complaint.resolve_due_at == add_business_days(moment, days)
