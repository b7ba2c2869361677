"""The decision reviews rows of the endpoint × persona matrix (rabta/api/testing/matrix.py, run by
rabta/api/tests/test_matrix.py).

The world: the citizen has filed a review of a decision of office A (Local Government Lahore), and
a second one that is assigned to supervisor_a. Those who see them: the citizen (the applicant),
officer_a, supervisor_a and Punjab's oversight; everyone else signed in gets 404. Those who see a
review but may not make the move get 403.
"""

from rabta.api.testing.matrix import Row, outcome

# Who sees the citizen's review of office A's decision (DecisionReview.objects.visible_to).
SEES = ("citizen", "officer_a", "supervisor_a", "oversight")


def seen(status: int, **statuses: int) -> dict[str, int]:
    """The citizen's review at office A: those who see it get ``status`` unless named; the rest 404."""
    return outcome(404, **{**dict.fromkeys(SEES, status), **statuses})


def _assign(items):
    return {
        "data": {"reviewer": "supervisor.a@gov.pk", "post": items.post.pk},
        "content_type": "application/json",
    }


ROWS = [
    Row(
        "POST /api/reviews",
        outcome(403, citizen=201, other_citizen=201),
        body={
            "decision_type": "penalty",
            "decision_reference": "ORD-9",
            "decision_office": "PB-LG-LHR",
            "decision_maker_rank": 17,
            "reasons": "The penalty is too high.",
        },
        why="filed from an applicant's account only",
    ),
    Row("GET /api/reviews", outcome(200)),
    Row("GET /api/reviews/{reference}", seen(200), path={"reference": "review"}),
    Row("GET /api/reviews/{reference}/timeline", seen(200), path={"reference": "review"}),
    Row(
        "POST /api/reviews/{reference}/assign",
        seen(200, citizen=403, officer_a=403),
        path={"reference": "review"},
        body=_assign,
        why="a supervisor of the decision office's line or oversight assigns; not the office whose decision it is",
    ),
    Row(
        "POST /api/reviews/{reference}/decide",
        seen(403, supervisor_a=200),
        path={"reference": "assigned_review"},
        body={"result": "varied", "reasons": "The penalty is halved."},
        why="only the assigned reviewer (supervisor_a) decides",
    ),
]
