"""``get_visible_or_404``, the fetch behind every read (rabta.core.permissions): an item outside the
reader's scope, a missing one and a malformed look-up all read alike as not found, so a 404 tells
no reader whether the item exists. Tested on a real domain queryset (decision reviews, which use
the shared office scopes of rabta.accounts.roles) over the shared personas."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from rabta.api.errors import status_for
from rabta.core.errors import NotFound
from rabta.core.permissions import get_visible_or_404
from rabta.reviews.models import DecisionReview
from rabta.reviews.services import decision_review_file

# Persona -> whether the citizen's review of a decision by office A is within their scope.
SCOPE = {
    "citizen": True,  # their own
    "other_citizen": False,
    "officer_a": True,  # the deciding office
    "supervisor_a": True,  # an office above it
    "officer_b": False,  # another government's office
    "oversight": True,  # the deciding office's government
    "administrator": False,  # configuration only
}


@pytest.fixture
def review(personas, world):
    return decision_review_file(
        applicant=personas.citizen,
        decision_type="valuation",
        decision_reference="VR-9",
        decision_office=world.office_a,
        decision_maker_rank=17,
        reasons="The invoice shows the price paid",
    )


@pytest.mark.parametrize("persona", list(SCOPE))
def test_an_item_is_found_only_within_the_readers_scope(persona, personas, review):
    user = getattr(personas, persona)
    if SCOPE[persona]:
        assert get_visible_or_404(DecisionReview.objects.all(), user, pk=review.pk) == review
        return
    with pytest.raises(NotFound) as caught:
        get_visible_or_404(DecisionReview.objects.all(), user, pk=review.pk)
    assert status_for(caught.value) == 404


def test_anonymous_readers_find_nothing(review):
    with pytest.raises(NotFound):
        get_visible_or_404(DecisionReview.objects.all(), AnonymousUser(), pk=review.pk)


def test_hidden_missing_and_malformed_read_alike(personas, review):
    """The same error for an item that exists but is hidden, one that never existed, and a look-up
    value that is not even of the key's type."""
    errors = []
    for user, lookup in (
        (personas.other_citizen, {"pk": review.pk}),
        (personas.citizen, {"pk": review.pk + 1000}),
        (personas.citizen, {"pk": "not-a-number"}),
    ):
        with pytest.raises(NotFound) as caught:
            get_visible_or_404(DecisionReview.objects.all(), user, **lookup)
        errors.append(caught.value.as_dict())
    assert errors[0] == errors[1] == errors[2]


def test_the_fetch_keeps_the_querysets_own_narrowing(personas, review):
    # A selector's queryset may narrow further; visibility is applied on top of it, never instead.
    narrowed = DecisionReview.objects.filter(decision_reference="another reference")
    with pytest.raises(NotFound):
        get_visible_or_404(narrowed, personas.citizen, pk=review.pk)
