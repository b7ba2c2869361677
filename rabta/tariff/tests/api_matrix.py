"""The tariff's rows of the endpoint × persona matrix (rabta/api/testing/matrix.py).

Reading the tariff is public. Changes under review belong to the customs tariff policy officers,
none of whom is among the matrix's personas: to every signed-in persona a proposal does not exist
(404) and proposing is refused (403); the asker of a question sees it but may not answer it (403).
rabta/tariff/tests/test_api.py covers the officers' side.
"""

from rabta.api.testing.matrix import Row, outcome, public

CODE = {"code": "tariff_code"}
CHANGE = {"change_id": "tariff_change"}
ENQUIRY = {"enquiry_id": "tariff_enquiry"}  # the citizen's question, not yet answered
PROPOSAL = {
    "kind": "rate_add",
    "reason": "Finance Act",
    "data": {"code": "84713010", "duty": "rd", "basis": "ad_valorem", "percent": "5", "valid_from": "2025-07-01"},
}

ROWS = [
    Row("GET /api/tariff/search", public(422), why="the row sends no q; test_api.py searches"),
    Row("GET /api/tariff/codes/{code}", public(), path=CODE),
    Row("GET /api/tariff/codes/{code}/history", public(), path=CODE),
    Row("GET /api/tariff/changes", outcome(200), why="an empty list for all but tariff officers"),
    Row("POST /api/tariff/changes", outcome(403), body=PROPOSAL),
    Row("GET /api/tariff/changes/{change_id}", outcome(404), path=CHANGE),
    Row("POST /api/tariff/changes/{change_id}/approve", outcome(404), path=CHANGE, body={"note": ""}),
    Row("POST /api/tariff/changes/{change_id}/reject", outcome(404), path=CHANGE, body={"note": "No."}),
    # The enquiry point: answered questions are public; an unanswered one is its asker's and the
    # tariff officers'. Anyone signed in may ask.
    Row("GET /api/tariff/enquiries", public()),
    Row(
        "POST /api/tariff/enquiries",
        outcome(201),
        body={"question": "Which permit do smartphones need?", "code": "8517"},
    ),
    Row("GET /api/tariff/enquiries/{enquiry_id}", {**public(404), "citizen": 200}, path=ENQUIRY),
    Row(
        "POST /api/tariff/enquiries/{enquiry_id}/answer",
        outcome(404, citizen=403),
        path=ENQUIRY,
        body={"answer": "PTA type approval."},
    ),
]
