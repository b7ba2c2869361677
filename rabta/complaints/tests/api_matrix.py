"""The complaints rows of the endpoint × persona matrix
(rabta/api/testing/matrix.py, run by rabta/api/tests/test_matrix.py).

The world: the citizen's complaints are routed to office A (Local Government Lahore), in the
state each row names; office B (Sindh), the other citizen, a user with no role, oversight of
Sindh and the administrator are outside their scope (404). Those who see an item but may not
make the move get 403 (the office's moves are not the complainant's, and the reverse).
"""

from rabta.api.testing.matrix import Row, outcome, public

# Who sees the citizen's complaint at office A: the citizen, the office, the office above it, and
# Punjab's oversight. Everyone else signed in: 404.
SEES = ("citizen", "officer_a", "supervisor_a", "oversight")
STAFF = (
    "officer_a",
    "officer_above_a",
    "supervisor_a",
    "officer_b",
    "supervisor_b",
    "oversight",
    "oversight_b",
)  # office staff and oversight: the customs manager's work is declarations, not an inbox (403)


def seen(status: int, **statuses: int) -> dict[str, int]:
    """An item of the citizen's at office A: those who see it get ``status`` unless named; the rest 404."""
    return outcome(404, **{**dict.fromkeys(SEES, status), **statuses})


def office_move(status: int = 200, **statuses: int) -> dict[str, int]:
    """A move of the handling office (officer or supervisor in scope); the complainant and oversight 403."""
    return seen(status, **{"citizen": 403, "oversight": 403, **statuses})


def complainant_move(status: int = 200) -> dict[str, int]:
    """A move of the complainant's; the offices in scope 403."""
    return seen(403, citizen=status)


COMPLAINT = {
    "category": "PB-MUN-WATER",
    "jurisdiction": "PK-PB-LHR",
    "subject": "No water",
    "text": "No water in Gulberg for a week.",
}
TN = {"tracking_number": "routed"}


def _upload(items):
    return {"data": {"file": items.upload()}}


def _token_header(items):
    return {"HTTP_X_TRACKING_TOKEN": items.anonymous_token}


def _token_body(items):
    return {"data": {"token": items.anonymous_token}, "content_type": "application/json"}


ROWS = [
    # Reading
    Row("GET /api/complaints/categories", public()),
    Row("GET /api/complaints/canned-replies", outcome(403, **dict.fromkeys(STAFF, 200))),
    Row("GET /api/complaints", outcome(200)),
    Row("GET /api/complaints/track", public(), body=_token_header),
    Row("POST /api/complaints/track", public(), body=_token_body),
    Row("GET /api/complaints/pending-long", outcome(403, **dict.fromkeys(STAFF, 200))),
    Row("GET /api/complaints/{tracking_number}", seen(200), path=TN),
    Row("GET /api/complaints/{tracking_number}/timeline", seen(200), path=TN),
    Row("GET /api/complaints/{tracking_number}/messages", seen(200), path=TN),
    Row("GET /api/complaints/{tracking_number}/attachments", seen(200), path=TN),
    Row(
        "GET /api/complaints/{tracking_number}/attachments/{attachment_id}",
        seen(200),
        path={**TN, "attachment_id": "attachment"},
    ),
    # Lodging
    Row("POST /api/complaints", outcome(201), body=COMPLAINT),
    Row("POST /api/complaints/anonymous", public(201), body=COMPLAINT),
    # Talking about a complaint
    Row("POST /api/complaints/{tracking_number}/messages", seen(201), path=TN, body={"body": "Any news?"}),
    Row("POST /api/complaints/{tracking_number}/notes", seen(201, citizen=403), path=TN, body={"body": "Call WASA."}),
    Row("POST /api/complaints/{tracking_number}/attachments", seen(201), path=TN, body=_upload),
    # The office's moves, each on a complaint in a state that allows it
    Row("POST /api/complaints/{tracking_number}/acknowledge", office_move(), path=TN),
    Row("POST /api/complaints/{tracking_number}/start", office_move(), path={"tracking_number": "acknowledged"}),
    Row(
        "POST /api/complaints/{tracking_number}/interim-reply",
        office_move(),
        path={"tracking_number": "acknowledged"},
        body={"body": "A crew is on its way."},
    ),
    Row(
        "POST /api/complaints/{tracking_number}/request-information",
        office_move(),
        path={"tracking_number": "acknowledged"},
        body={"body": "Which street?"},
    ),
    Row("POST /api/complaints/{tracking_number}/go-on", office_move(), path={"tracking_number": "waiting"}),
    Row(
        "POST /api/complaints/{tracking_number}/priority",
        office_move(),
        path=TN,
        body={"priority": "high", "reason": "A hospital is without water."},
    ),
    Row(
        "POST /api/complaints/{tracking_number}/resolve",
        office_move(),
        path={"tracking_number": "acknowledged"},
        body={"outcome": "relief_granted", "reasons": "Pipe mended."},
    ),
    Row(
        "POST /api/complaints/{tracking_number}/reject",
        office_move(),
        path=TN,
        body={"reason": "out_of_scope", "explanation": "Not a public service."},
    ),
    Row(
        "POST /api/complaints/{tracking_number}/transfer",
        office_move(oversight=200),
        path=TN,
        body={"to_office": "PB-LG-HQ", "reason": "The head office handles it."},
        why="oversight may move a complaint to the right office",
    ),
    Row(
        "POST /api/complaints/{tracking_number}/duplicates/{other}",
        office_move(),
        path={"tracking_number": "acknowledged", "other": "routed"},
    ),
    Row(
        "POST /api/complaints/{tracking_number}/reveal",
        seen(403, oversight=200),
        path={"tracking_number": "hidden"},
        body={"reason": "A threat to life."},
        why="only oversight reveals a hidden identity (audited)",
    ),
    # The complainant's moves on a resolved complaint
    Row(
        "POST /api/complaints/{tracking_number}/feedback",
        complainant_move(),
        path={"tracking_number": "resolved"},
        body={"rating": 4, "satisfied": True},
    ),
    Row(
        "POST /api/complaints/{tracking_number}/reopen",
        complainant_move(),
        path={"tracking_number": "resolved"},
        body={"reason": "Still no water."},
    ),
    Row(
        "POST /api/complaints/{tracking_number}/appeal",
        complainant_move(),
        path={"tracking_number": "resolved"},
        body={"reason": "Only half the street has water."},
    ),
    Row(
        "POST /api/complaints/{tracking_number}/appeal/decide",
        seen(200, citizen=403, officer_a=403),
        path={"tracking_number": "appealed"},
        body={"decision": "relief_granted", "reasons": "The whole street is owed water."},
        why="decided by the office above the resolving one (supervisor_a's) or oversight. The API would let an "
        "officer of that office decide too, but visibility follows the handling office, so officer_above_a cannot "
        "reach the complaint (404): raised with the lead, not changed here",
    ),
]
