from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.complaints.models import ComplainantStanding, DecisionReview, OfficerAudit
from rabta.complaints.services import feedback, responsibility, reviews, work
from rabta.core.errors import DomainError
from rabta.directory.models import Post


def closed_complaint(submit, officer):
    complaint = submit()
    work.complaint_reject(complaint=complaint, actor=officer, reason="abusive", explanation="Insults only")
    return complaint


def test_ratings_raise_the_index_through_warn_throttle_and_suspend(submit, officer_a, citizen):
    levels = []
    complaints = [closed_complaint(submit, officer_a) for _ in range(4)]
    for complaint in complaints:
        responsibility.complaint_rate_responsibility(complaint=complaint, officer=officer_a, rating="abusive")
        levels.append(ComplainantStanding.objects.get(user=citizen).level)
    assert levels == ["warned", "throttled", "throttled", "suspended"]
    with pytest.raises(DomainError) as caught:
        submit()
    assert caught.value.fields["complainant"][0]["code"] == "complainant_suspended"


def test_throttled_complainant_gets_one_complaint_a_day(submit, officer_a, citizen):
    complaints = [closed_complaint(submit, officer_a) for _ in range(2)]
    for complaint in complaints:
        responsibility.complaint_rate_responsibility(complaint=complaint, officer=officer_a, rating="abusive")
    assert ComplainantStanding.objects.get(user=citizen).level == "throttled"
    with pytest.raises(DomainError) as caught:
        submit()
    assert caught.value.fields["complainant"][0]["code"] == "complainant_throttled"
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert submit().pk


def test_the_score_decays_with_a_half_life(submit, officer_a, citizen):
    responsibility.complaint_rate_responsibility(
        complaint=closed_complaint(submit, officer_a), officer=officer_a, rating="abusive"
    )
    now = timezone.now()
    assert responsibility.standing_score(citizen, now=now) == pytest.approx(5.0, abs=0.01)
    assert responsibility.standing_score(citizen, now=now + timedelta(days=180)) == pytest.approx(2.5, abs=0.01)


def test_a_complaint_is_rated_once_and_only_when_closed(submit, officer_a):
    open_one = submit()
    with pytest.raises(DomainError):
        responsibility.complaint_rate_responsibility(complaint=open_one, officer=officer_a, rating="genuine")
    closed = closed_complaint(submit, officer_a)
    responsibility.complaint_rate_responsibility(complaint=closed, officer=officer_a, rating="genuine")
    with pytest.raises(DomainError):
        responsibility.complaint_rate_responsibility(complaint=closed, officer=officer_a, rating="abusive")


def test_rejected_resolution_queues_an_audit_of_the_officer(submit, officer_a, citizen):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
    feedback.complaint_reopen(complaint=complaint, actor=citizen, reason="Nothing was done")
    audit = OfficerAudit.objects.get(complaint=complaint)
    assert audit.officer == officer_a and audit.reason == "reopened"


def file_review(applicant, decision_office, **overrides):
    """A valuation decided at BPS 18, filed for review."""
    values = {
        "applicant": applicant,
        "decision_type": "valuation",
        "decision_reference": "VR-1",
        "decision_office": decision_office,
        "decision_maker_rank": 18,
        "reasons": "Transaction value was proven by the bank contract",
    }
    values.update(overrides)
    return reviews.decision_review_file(**values)


def test_decision_review_needs_reasons_and_a_senior_or_independent_reviewer(world, citizen, supervisor_a, officer_b):
    with pytest.raises(DomainError) as caught:
        file_review(citizen, world.collectorate, reasons="")
    assert caught.value.fields["reasons"][0]["code"] == "reason_required"
    review = file_review(citizen, world.collectorate)
    junior_same_line = Post.objects.create(office=world.customs_hq, title="Deputy Collector", rank=18)
    with pytest.raises(DomainError) as caught:
        reviews.decision_review_assign(
            review=review, reviewer=supervisor_a, reviewer_post=junior_same_line, actor=supervisor_a
        )
    assert caught.value.fields["reviewer"][0]["code"] == "review_reviewer_not_senior"
    senior = Post.objects.create(office=world.customs_hq, title="Chief Collector", rank=21)
    reviews.decision_review_assign(review=review, reviewer=supervisor_a, reviewer_post=senior, actor=supervisor_a)
    with pytest.raises(DomainError):
        reviews.decision_review_decide(review=review, actor=officer_b, result="varied", reasons="x")
    with pytest.raises(DomainError):
        reviews.decision_review_decide(review=review, actor=supervisor_a, result="varied", reasons=" ")
    decided = reviews.decision_review_decide(
        review=review, actor=supervisor_a, result="varied", reasons="Value accepted at the contract price"
    )
    assert decided.result == "varied" and decided.decided_at is not None


def test_an_independent_office_may_review_whatever_its_grade(world, citizen, supervisor_a):
    review = file_review(citizen, world.collectorate, decision_type="penalty", decision_maker_rank=19)
    other_line = Post.objects.create(office=world.office_a, title="Adjudication officer", rank=17)
    assert (
        reviews.decision_review_assign(
            review=review, reviewer=supervisor_a, reviewer_post=other_line, actor=supervisor_a
        ).reviewer_post
        == other_line
    )


def test_the_applicant_can_never_review_their_own_case(world, citizen, supervisor_a):
    # The API offers only staff of the post's office as reviewers; the service refuses the applicant
    # whatever posts they may hold.
    review = file_review(citizen, world.office_a, decision_type="penalty")
    senior = Post.objects.create(office=world.head_a, title="Director General", rank=20)
    with pytest.raises(DomainError) as caught:
        reviews.decision_review_assign(review=review, reviewer=citizen, reviewer_post=senior, actor=supervisor_a)
    assert caught.value.fields["reviewer"][0]["code"] == "review_reviewer_is_applicant"
    assert DecisionReview.objects.get(pk=review.pk).reviewer_id is None
