"""rabta.complaints.services.messages: messages both ways, decided by who writes, on open complaints."""

from __future__ import annotations

import pytest

from rabta.api.errors import status_for
from rabta.complaints.choices import MessageDirection
from rabta.complaints.models import Message
from rabta.complaints.services import work
from rabta.complaints.services.messages import complaint_message_send
from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.notifications.models import Outbox

pytestmark = pytest.mark.django_db


def test_the_writer_decides_the_direction_and_each_message_leaves_an_event(submit, citizen, officer_a):
    complaint = submit()
    asked = complaint_message_send(complaint=complaint, actor=officer_a, body="Which street?")
    answered = complaint_message_send(complaint=complaint, actor=citizen, body="Main Boulevard.")
    assert (asked.direction, answered.direction) == (MessageDirection.TO_COMPLAINANT, MessageDirection.TO_OFFICE)
    kinds = list(Event.objects.for_subject(complaint).values_list("kind", flat=True))
    assert kinds.count("complaints.message_to_complainant") == 1 and kinds.count("complaints.message_to_office") == 1


def test_the_complainant_is_told_of_the_offices_message_not_of_their_own(submit, citizen, officer_a):
    complaint = submit()
    before = Outbox.objects.filter(template="complaint_message").count()
    complaint_message_send(complaint=complaint, actor=citizen, body="Any news?")
    assert Outbox.objects.filter(template="complaint_message").count() == before
    complaint_message_send(complaint=complaint, actor=officer_a, body="A crew goes tomorrow.")
    assert Outbox.objects.filter(template="complaint_message", user=citizen).count() >= 1


@pytest.mark.parametrize("body", ["", "   ", "\n\t"])
def test_an_empty_message_is_refused_by_field_and_nothing_is_written(submit, citizen, body):
    complaint = submit()
    with pytest.raises(DomainError) as caught:
        complaint_message_send(complaint=complaint, actor=citizen, body=body)
    assert caught.value.fields["body"][0]["code"] == "message_empty"
    assert not Message.objects.filter(complaint=complaint).exists()


def test_a_closed_complaint_takes_no_message(submit, citizen, officer_a):
    complaint = submit()
    work.complaint_reject(complaint=complaint, actor=officer_a, reason="abusive", explanation="Insults only")
    complaint.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        complaint_message_send(complaint=complaint, actor=citizen, body="Why?")
    assert status_for(caught.value) == 409
    assert not Message.objects.filter(complaint=complaint).exists()


def test_someone_who_neither_lodged_it_nor_works_in_an_office_may_not_write(submit, other_citizen):
    # (Scope is the fetch's: a caller reaches the service with a complaint it may see, or gets 404.)
    complaint = submit()
    with pytest.raises(DomainError) as caught:
        complaint_message_send(complaint=complaint, actor=other_citizen, body="Hello")
    assert status_for(caught.value) == 403
