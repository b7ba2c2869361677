"""Who may file, assign and decide a decision review, tested where it is decided
(rabta.reviews.permissions): every rule as a table over the shared personas, and that the services
ask it before they look anything up.

The answers: 403 ``not_allowed`` for a review the caller sees but may not act on, "ok" otherwise;
the 404 for what is outside scope is the API's fetch (rabta/reviews/tests/test_api.py).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.api.errors import status_for
from rabta.core.errors import DomainError
from rabta.directory.models import Post
from rabta.reviews import permissions
from rabta.reviews import services as reviews
from rabta.reviews.permissions import ReviewAction

PERSONAS = ("citizen", "other_citizen", "officer_a", "supervisor_a", "officer_b", "oversight", "administrator")
OK, REFUSED = "ok", 403


def test_anonymous_visitors_file_no_review():
    assert not permissions.may_file_review(AnonymousUser())


# Decision reviews, of a decision made by office A.


@pytest.fixture
def review(personas, world):
    return reviews.decision_review_file(
        applicant=personas.citizen,
        decision_type="valuation",
        decision_reference="VR-1",
        decision_office=world.office_a,
        decision_maker_rank=17,
        reasons="The bank contract proves the value",
    )


REVIEW_TABLE = {
    "file": {"citizen": OK, "other_citizen": OK},
    ReviewAction.ASSIGN: {"supervisor_a": OK, "oversight": OK},
    ReviewAction.DECIDE: {"supervisor_a": OK},  # the reviewer assigned below
}


@pytest.mark.parametrize("action", list(REVIEW_TABLE))
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_file_assign_and_decide_a_review(persona, action, personas, review, world):
    user = getattr(personas, persona)
    post = Post.objects.create(office=world.head_a, title="Director", rank=20)
    reviews.decision_review_assign(review=review, reviewer=personas.supervisor_a, reviewer_post=post, actor=None)
    review.refresh_from_db()
    expected = REVIEW_TABLE[action].get(persona, REFUSED)
    if action == "file":
        allowed = permissions.may_file_review(user)
        check = lambda: permissions.require_review_file(user)  # noqa: E731
    elif action == ReviewAction.ASSIGN:
        allowed = permissions.review_assignable_by(user, review)
        check = lambda: permissions.require_review(user, review, action)  # noqa: E731
    else:
        allowed = permissions.review_decidable_by(user, review)
        check = lambda: permissions.require_review(user, review, action)  # noqa: E731
    assert allowed is (expected == OK)
    if expected == OK:
        check()
    else:
        with pytest.raises(DomainError) as caught:
            check()
        assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)


def test_a_supervisor_below_the_decision_office_does_not_assign(review, world):
    below = make_user("below@gov.pk", "Below", (Role.SUPERVISOR, world.office_b, None))
    above_other_line = make_user("other@gov.pk", "Other line", (Role.SUPERVISOR, world.head_b, None))
    for user in (below, above_other_line):
        assert not permissions.review_assignable_by(user, review)


def test_refused_review_callers_learn_nothing_about_offices_posts_or_reviewers(personas, review):
    # The rule is asked before the office, post or reviewer is looked for: a made-up one still gets 403.
    with pytest.raises(DomainError) as caught:
        reviews.decision_review_file_at(
            applicant=personas.officer_a,
            decision_office_code="NO-SUCH-OFFICE",
            decision_type="valuation",
            decision_reference="VR-2",
            decision_maker_rank=17,
            reasons="x",
        )
    assert status_for(caught.value) == 403
    with pytest.raises(DomainError) as caught:
        reviews.decision_review_assign_named(
            review=review, reviewer_identifier="nobody@example.pk", post_id=999999, actor=personas.officer_a
        )
    assert status_for(caught.value) == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_but_the_applicant_reads_a_review_as_staff(persona, personas, review):
    assert permissions.review_read_as_staff(getattr(personas, persona), review) is (persona != "citizen")
