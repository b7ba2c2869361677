"""The border agencies' rows of the endpoint × persona matrix (rabta/api/testing/matrix.py).

No persona of the matrix works for an agency: each agency route finds no agency (404), whatever the
persona's customs role; the registry is listed to everyone signed in (customs staff read every
agency, the rest none: an empty list). Customs' view of a declaration's agency outcomes is its
customs manager's (200); the trader who sees the declaration does not learn it (404), nor anyone else.
"""

from rabta.api.testing.matrix import Row, outcome

RULE = {"name": "Indian rice", "condition": 'origin == "IN"', "outcome": "hold"}
PERIOD = {"condition": 'origin == "IN"', "start": "2026-01-01", "end": "2026-03-31"}

ROWS = [
    Row("GET /api/risk/agencies", outcome(200)),
    Row("GET /api/risk/agency/rules", outcome(404)),
    Row("POST /api/risk/agency/rules", outcome(404), body=RULE),
    Row("POST /api/risk/agency/rules/retire", outcome(404), body={"rule": 999999}),
    Row("POST /api/risk/agency/rules/backtest", outcome(404), body=PERIOD),
    Row("GET /api/risk/agency/selections", outcome(404)),
    Row("POST /api/risk/agency/selections/result", outcome(404), body={"selection": 999999, "result": "cleared"}),
    Row("GET /api/risk/agency/declarations/{number}", outcome(404), path={"number": "declaration"}),
    Row("GET /api/risk/agency/shares", outcome(404)),
    Row("POST /api/risk/agency/shares", outcome(404), body={"name": "rice", "kind": "code", "entries": ["1006"]}),
    Row(
        "GET /api/risk/declarations/{number}/agencies",
        outcome(404, customs_manager=200),
        path={"number": "declaration"},
    ),
]
