"""The responsibility index: ratings raise a complainant's standing through warned, throttled and
suspended, decaying with time; intake refuses what the standing limits; a rejected resolution
queues an audit of the officer."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.accountability import services as responsibility
from rabta.accountability.models import ComplainantStanding, OfficerAudit
from rabta.complaints.services import feedback, work
from rabta.core.errors import DomainError


def closed_complaint(submit, officer):
    complaint = submit()
    work.complaint_reject(complaint=complaint, actor=officer, reason="abusive", explanation="Insults only")
    return complaint


def test_ratings_raise_the_index_through_warn_throttle_and_suspend(submit, officer_a, citizen):
    levels = []
    complaints = [closed_complaint(submit, officer_a) for _ in range(4)]
    for complaint in complaints:
        responsibility.complaint_rate_responsibility(complaint=complaint, actor=officer_a, rating="abusive")
        levels.append(ComplainantStanding.objects.get(user=citizen).level)
    assert levels == ["warned", "throttled", "throttled", "suspended"]
    with pytest.raises(DomainError) as caught:
        submit()
    assert caught.value.fields["complainant"][0]["code"] == "complainant_suspended"


def test_throttled_complainant_gets_one_complaint_a_day(submit, officer_a, citizen):
    complaints = [closed_complaint(submit, officer_a) for _ in range(2)]
    for complaint in complaints:
        responsibility.complaint_rate_responsibility(complaint=complaint, actor=officer_a, rating="abusive")
    assert ComplainantStanding.objects.get(user=citizen).level == "throttled"
    with pytest.raises(DomainError) as caught:
        submit()
    assert caught.value.fields["complainant"][0]["code"] == "complainant_throttled"
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert submit().pk


def test_the_score_decays_with_a_half_life(submit, officer_a, citizen):
    responsibility.complaint_rate_responsibility(
        complaint=closed_complaint(submit, officer_a), actor=officer_a, rating="abusive"
    )
    now = timezone.now()
    assert responsibility.standing_score(citizen, now=now) == pytest.approx(5.0, abs=0.01)
    assert responsibility.standing_score(citizen, now=now + timedelta(days=180)) == pytest.approx(2.5, abs=0.01)


def test_a_complaint_is_rated_once_and_only_when_closed(submit, officer_a):
    open_one = submit()
    with pytest.raises(DomainError):
        responsibility.complaint_rate_responsibility(complaint=open_one, actor=officer_a, rating="genuine")
    closed = closed_complaint(submit, officer_a)
    responsibility.complaint_rate_responsibility(complaint=closed, actor=officer_a, rating="genuine")
    with pytest.raises(DomainError):
        responsibility.complaint_rate_responsibility(complaint=closed, actor=officer_a, rating="abusive")


def test_rejected_resolution_queues_an_audit_of_the_officer(submit, officer_a, citizen):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    feedback.complaint_reopen(complaint=complaint, actor=citizen, reason="Nothing was done")
    audit = OfficerAudit.objects.get(complaint=complaint)
    assert audit.officer == officer_a and audit.reason == "reopened"
