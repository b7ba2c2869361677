import pytest

from rabta.complaints.models import DecisionReview
from rabta.complaints.services import reviews
from rabta.core.errors import DomainError
from rabta.directory.models import Post


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
