"""The enforcement rows of the endpoint × persona matrix (rabta/api/testing/matrix.py, run by
rabta/api/tests/test_matrix.py).

The world: an enforcement officer of the world's collectorate reported an incident there and a
supervisor of the collectorate approved it. Of the matrix's personas only the customs manager of
that collectorate knows of it (approved reports of their collectorates); nobody in the cast reports
incidents, reviews them or amends them, so every move is 404 to those who cannot see the report
and 403 to the customs manager, who can.
"""

from rabta.api.testing.matrix import Row, outcome

_INCIDENT = {"incident_ref": "incident"}


def _seen(status: int) -> dict[str, int]:
    return outcome(404, customs_manager=status)


_BODY = {
    "formation": "FED-CUS-APP-KHI",
    "occurred_on": "2026-11-01",
    "incident_type": "seizure",
    "modus_operandi": "undeclared",
    "description": "Undeclared cigarettes in a container.",
    "goods": [{"tariff_code": "85171300", "description": "Smartphones", "quantity": "10", "unit": "NMB", "value": "1"}],
}


def _evidence(items):
    return {"data": {"file": items.upload(), "reason": "Photo of the seal"}}


ROWS = [
    Row("POST /api/enforcement/incidents", outcome(403), body=_BODY, why="enforcement officers report; none here"),
    Row("GET /api/enforcement/incidents", outcome(200)),
    Row(
        "GET /api/enforcement/trends",
        outcome(403, customs_manager=200),
        why="enforcement staff, customs managers and risk analysts read the trends",
    ),
    Row("GET /api/enforcement/movers", outcome(403, customs_manager=200)),
    Row("GET /api/enforcement/incidents/{incident_ref}", _seen(200), path=_INCIDENT),
    Row("GET /api/enforcement/incidents/{incident_ref}/timeline", _seen(200), path=_INCIDENT),
    Row(
        "PUT /api/enforcement/incidents/{incident_ref}",
        _seen(403),
        path=_INCIDENT,
        body=_BODY,
        why="only the reporter edits a draft",
    ),
    Row("POST /api/enforcement/incidents/{incident_ref}/submit", _seen(403), path=_INCIDENT),
    Row("POST /api/enforcement/incidents/{incident_ref}/approve", _seen(403), path=_INCIDENT),
    Row("POST /api/enforcement/incidents/{incident_ref}/return", _seen(403), path=_INCIDENT, body={"reason": "Why?"}),
    Row(
        "POST /api/enforcement/incidents/{incident_ref}/amend",
        _seen(403),
        path=_INCIDENT,
        body={"reason": "Typo", "changes": {"route": "Chaman-Quetta"}},
    ),
    Row(
        "POST /api/enforcement/incidents/{incident_ref}/case",
        _seen(403),
        path=_INCIDENT,
        body={"case_status": "under_investigation", "reason": "FIR lodged"},
    ),
    Row("GET /api/enforcement/incidents/{incident_ref}/evidence", _seen(200), path=_INCIDENT),
    Row(
        "GET /api/enforcement/incidents/{incident_ref}/evidence/{evidence_id}",
        _seen(200),
        path={**_INCIDENT, "evidence_id": "incident_evidence"},
    ),
    Row(
        "POST /api/enforcement/incidents/{incident_ref}/evidence",
        _seen(403),
        path=_INCIDENT,
        body=_evidence,
        why="the reporter or a supervisor of the line adds evidence; the customs manager reads it",
    ),
    Row(
        "GET /api/enforcement/declarations/{number}/incidents",
        outcome(404, citizen=403, customs_manager=200),
        path={"number": "declaration"},
        why="the trader sees their declaration but not the incidents naming them",
    ),
]
