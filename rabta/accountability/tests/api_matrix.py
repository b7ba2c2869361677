"""The accountability rows of the endpoint × persona matrix (rabta/api/testing/matrix.py, run by
rabta/api/tests/test_matrix.py).

The world is the complaints rows' (rabta/complaints/tests/api_matrix.py): the citizen's complaints
at office A, the citizen warned, the other citizen with an appeal waiting, an audit queued by an
appeal. Standings and audits are oversight's, within its government: everyone else signed in is
refused the lists (403) and does not see one standing or audit (404).
"""

from rabta.api.testing.matrix import Row, outcome
from rabta.complaints.tests.api_matrix import office_move

ROWS = [
    # A move of the handling office on one closed complaint, under the complaint's path.
    Row(
        "POST /api/complaints/{tracking_number}/responsibility-rating",
        office_move(201),
        path={"tracking_number": "unrated"},
        body={"rating": "abusive"},
    ),
    # The complainant responsibility index and the officer audits
    Row("GET /api/accountability/standing/me", outcome(200)),
    Row(
        "POST /api/accountability/standing/me/appeal",
        outcome(409, citizen=200),
        body={"text": "I was provoked."},
        why="only a warned complainant without an open appeal may appeal; the other citizen's is open",
    ),
    Row("GET /api/accountability/standing", outcome(403, oversight=200, oversight_b=200)),
    Row(
        "GET /api/accountability/standing/{complainant}",
        outcome(404, oversight=200),
        path={"complainant": "standing_appealed"},
        why="a standing is oversight's to read, within its government",
    ),
    Row(
        "POST /api/accountability/standing/{complainant}/decide",
        outcome(404, oversight=200),
        path={"complainant": "standing_appealed"},
        body={"grant": True, "reasons": "Provoked; first time."},
    ),
    Row("GET /api/accountability/audits", outcome(403, oversight=200, oversight_b=200)),
    Row(
        "POST /api/accountability/audits/{audit_id}/close",
        outcome(404, oversight=200),
        path={"audit_id": "audit"},
        body={"finding": "sound", "notes": "The resolution was fair."},
    ),
]

# Accountability actions (issue 11): oversight of the office's government records and moves them;
# the officer named (officer_a) reads those on themself and may do nothing with them (403); nobody
# else sees one (404). The list answers everyone signed in with what they may see (mostly nothing).
ACTION = {
    "kind": "show_cause",
    "office": "PB-LG-LHR",
    "authority": "Chief Secretary Punjab",
    "grounds": "Complaints closed without a site visit.",
    "taken_on": "2026-11-02",
}
ROWS += [
    Row("GET /api/accountability/actions", outcome(200)),
    Row(
        "POST /api/accountability/actions",
        outcome(403, oversight=201, oversight_b=400),
        body=ACTION,
        why="Sindh's oversight does not know Punjab's office: its code is an unknown office (400, naming the field)",
    ),
    Row(
        "GET /api/accountability/actions/{action_id}",
        outcome(404, oversight=200, officer_a=200),
        path={"action_id": "action"},
        why="the action names officer_a, who reads it",
    ),
    Row(
        "POST /api/accountability/actions/{action_id}/reply",
        outcome(404, oversight=200, officer_a=403),
        path={"action_id": "action"},
        body={"reply": "Staff were on leave.", "replied_on": "2026-11-05"},
    ),
    Row(
        "POST /api/accountability/actions/{action_id}/conclude",
        outcome(404, oversight=200, officer_a=403),
        path={"action_id": "action"},
        body={"outcome": "Warning placed on record.", "concluded_on": "2026-11-05"},
    ),
    Row(
        "POST /api/accountability/actions/{action_id}/withdraw",
        outcome(404, oversight=200, officer_a=403),
        path={"action_id": "action"},
        body={"reason": "Recorded in error."},
    ),
]
