"""rabta.complaints.services.clock: the clock that stops while the office waits for the complainant."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.complaints.choices import MessageDirection, Outcome
from rabta.complaints.models import Complaint, Message
from rabta.complaints.services import clock, work
from rabta.complaints.services.escalation import escalation_sweep
from rabta.complaints.services.messages import message_post
from rabta.complaints.tests.test_api import api
from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.notifications.models import Outbox

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
# A Monday morning in Lahore, weeks ago, so that every sweep below runs at a moment of the test's choosing.
BASE = timezone.make_aware(datetime(2026, 9, 7, 10, 0))


def at(moment):
    return time_machine.travel(moment, tick=False)


def fresh(complaint):
    return Complaint.objects.get(pk=complaint.pk)


def events(complaint, kind):
    return list(Event.objects.for_subject(complaint).filter(kind=kind).order_by("id"))


@pytest.fixture
def lodged(submit):
    with at(BASE):
        return submit()


# The clock ---------------------------------------------------------------------------------------


def test_waiting_for_the_complainant_stops_escalation_and_the_reply_restarts_it_later(lodged, officer_a, citizen):
    planned = lodged.escalate_supervisor_at
    assert planned == BASE + 20 * DAY
    with at(BASE + 5 * DAY):
        clock.complaint_request_information(complaint=lodged, actor=officer_a, body="Which street is it?")
    paused = fresh(lodged)
    assert paused.clock_paused_at == BASE + 5 * DAY
    assert paused.next_escalation_at is None and paused.next_reminder_at is None
    # Day 25: past the supervisor's day, but the ball is in the complainant's court.
    assert escalation_sweep(now=BASE + 25 * DAY).to_supervisor == 0

    with at(BASE + 15 * DAY):
        message_post(complaint=paused, author=citizen, body="Main Boulevard.", direction=MessageDirection.TO_OFFICE)
    running = fresh(lodged)
    assert running.clock_paused_at is None
    # Ten days stood still: every deadline moved on by ten days.
    assert running.escalate_supervisor_at == planned + 10 * DAY
    assert running.resolve_due_at == lodged.resolve_due_at + 10 * DAY
    assert running.next_escalation_at == planned + 10 * DAY
    assert escalation_sweep(now=BASE + 30 * DAY - timedelta(minutes=1)).to_supervisor == 0
    assert escalation_sweep(now=BASE + 30 * DAY + timedelta(minutes=1)).to_supervisor == 1

    (pause,) = events(lodged, "complaints.clock_paused")
    (resume,) = events(lodged, "complaints.clock_resumed")
    assert pause.actor == officer_a and pause.data["message"] and pause.reason == clock.PAUSED_FOR_ANSWER
    assert resume.reason == clock.RESUMED_BY_REPLY and resume.data["paused_seconds"] == 10 * 86400
    # The question is an ordinary message the complainant is told about.
    question = Message.objects.get(pk=pause.data["message"])
    assert question.direction == MessageDirection.TO_COMPLAINANT
    assert Outbox.objects.filter(user=citizen, template="complaint_message").exists()


def test_the_office_can_go_on_without_the_answer_and_a_late_reply_changes_nothing(lodged, officer_a, citizen):
    with at(BASE + DAY):
        clock.complaint_request_information(complaint=lodged, actor=officer_a, body="A photo, please.")
    with at(BASE + 3 * DAY):
        clock.complaint_go_on(complaint=lodged, actor=officer_a)
    once = fresh(lodged)
    assert once.clock_paused_at is None and once.escalate_supervisor_at == BASE + 22 * DAY
    with at(BASE + 4 * DAY):
        message_post(complaint=once, author=citizen, body="Here it is.", direction=MessageDirection.TO_OFFICE)
    assert fresh(lodged).escalate_supervisor_at == BASE + 22 * DAY
    assert [e.reason for e in events(lodged, "complaints.clock_resumed")] == [clock.RESUMED_BY_OFFICE]


def test_an_unanswered_question_stops_the_clock_for_the_limit_only(lodged, officer_a, settings):
    settings.RABTA_MAX_CLOCK_PAUSE_DAYS = 15
    with at(BASE + 2 * DAY):
        clock.complaint_request_information(complaint=lodged, actor=officer_a, body="Your meter number?")
    assert clock.clock_resume_overdue(now=BASE + 16 * DAY) == 0  # 14 days: still waiting
    assert clock.clock_resume_overdue(now=BASE + 40 * DAY) == 1
    assert clock.clock_resume_overdue(now=BASE + 40 * DAY) == 0  # idempotent
    resumed = fresh(lodged)
    # Counted as 15 days paused, not the 38 days of silence.
    assert resumed.escalate_supervisor_at == BASE + 35 * DAY
    (event,) = events(lodged, "complaints.clock_resumed")
    assert event.reason == clock.RESUMED_BY_LIMIT and event.actor_role == "system"
    assert event.data["paused_seconds"] == 15 * 86400


def test_resolving_while_waiting_ends_the_pause(lodged, officer_a):
    clock.complaint_request_information(complaint=lodged, actor=officer_a, body="Still a problem?")
    work.complaint_acknowledge(complaint=lodged, actor=officer_a)
    work.complaint_resolve(complaint=lodged, actor=officer_a, outcome=Outcome.RELIEF_GRANTED)
    assert fresh(lodged).clock_paused_at is None
    assert clock.clock_resume_overdue(now=timezone.now() + 60 * DAY) == 0


@pytest.mark.parametrize("ending", ["resolve", "reject"])
def test_a_complaint_that_leaves_the_open_statuses_leaves_every_sweep(submit, officer_a, ending):
    complaint = submit()
    assert complaint.next_reminder_at and complaint.next_escalation_at
    if ending == "resolve":
        work.complaint_acknowledge(complaint=complaint, actor=officer_a)
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome=Outcome.RELIEF_GRANTED)
    else:
        work.complaint_reject(complaint=complaint, actor=officer_a, reason="out_of_scope", explanation="Not ours.")
    done = fresh(complaint)
    # Nothing left for the sweeps: the rows leave their partial indexes instead of piling up there.
    assert (done.next_reminder_at, done.next_escalation_at, done.clock_paused_at) == (None, None, None)
    assert Complaint.objects.filter(next_reminder_at__isnull=False).count() == 0


def test_bad_requests_to_stop_the_clock_change_nothing(submit, lodged, officer_a, categories):
    anonymous = submit(complainant=None, anonymity="fully_anonymous")
    resolved, other = submit(), submit()
    work.complaint_acknowledge(complaint=resolved, actor=officer_a)
    work.complaint_resolve(complaint=resolved, actor=officer_a, outcome=Outcome.RELIEF_GRANTED)
    clock.complaint_request_information(complaint=lodged, actor=officer_a, body="Which house?")
    cases = [
        (lambda: clock.complaint_request_information(complaint=lodged, actor=officer_a, body="Again?"), lodged),
        (lambda: clock.complaint_request_information(complaint=resolved, actor=officer_a, body="?"), resolved),
        (lambda: clock.complaint_request_information(complaint=anonymous, actor=officer_a, body="?"), anonymous),
        (lambda: clock.complaint_go_on(complaint=resolved, actor=officer_a), resolved),
        (lambda: clock.complaint_request_information(complaint=other, actor=officer_a, body="  "), other),
    ]
    codes = []
    for action, complaint in cases:
        before = (Message.objects.count(), Event.objects.count())
        snapshot = fresh(complaint)
        with pytest.raises(DomainError) as caught:
            action()
        fields = caught.value.fields
        codes.append(fields["body"][0]["code"] if fields else caught.value.code)
        assert (Message.objects.count(), Event.objects.count()) == before
        after = fresh(complaint)
        assert (after.clock_paused_at, after.next_escalation_at) == (
            snapshot.clock_paused_at,
            snapshot.next_escalation_at,
        )
    assert codes == [
        "clock_already_paused",
        "transition_not_allowed",
        "complainant_unreachable",
        "clock_not_paused",
        "message_empty",
    ]


def test_the_clock_through_the_api(verified_client, personas, submit):
    number = submit().tracking_number
    assert (
        api(verified_client(personas.officer_b), "post", f"/{number}/request-information", {"body": "?"}).status_code
        == 404
    )
    assert (
        api(verified_client(personas.citizen), "post", f"/{number}/request-information", {"body": "?"}).status_code
        == 403
    )
    officer = verified_client(personas.officer_a)
    response = api(officer, "post", f"/{number}/request-information", {"body": "Which block?"})
    assert response.status_code == 200 and response.json()["waiting_for_complainant_since"]
    again = api(officer, "post", f"/{number}/request-information", {"body": "Which block?"})
    assert (again.status_code, again.json()["code"]) == (409, "clock_already_paused")

    citizen = verified_client(personas.citizen)
    assert api(citizen, "get", f"/{number}").json()["waiting_for_complainant_since"]
    assert api(citizen, "post", f"/{number}/messages", {"body": "Block C."}).status_code == 201
    assert api(citizen, "get", f"/{number}").json()["waiting_for_complainant_since"] is None
    kinds = [row["kind"] for row in api(citizen, "get", f"/{number}/timeline").json()]
    assert kinds.index("complaints.clock_paused") < kinds.index("complaints.clock_resumed")
    officer = verified_client(personas.officer_a)
    response = api(officer, "post", f"/{number}/go-on")
    assert (response.status_code, response.json()["code"]) == (409, "clock_not_paused")


def test_a_hidden_complainants_reply_restarts_the_clock_without_naming_them(submit, officer_a, citizen):
    complaint = submit(anonymity="identity_hidden_from_office")
    clock.complaint_request_information(complaint=complaint, actor=officer_a, body="Which block?")
    message_post(complaint=complaint, author=citizen, body="Block C.", direction=MessageDirection.TO_OFFICE)
    (event,) = events(complaint, "complaints.clock_resumed")
    assert event.actor is None and event.actor_role == "complainant"
