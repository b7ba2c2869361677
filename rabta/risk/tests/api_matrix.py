"""The risk rows of the endpoint × persona matrix (rabta/api/testing/matrix.py).

No persona of the matrix is a risk analyst: analysts' lists read empty (200), their writes are refused
(403), and a rule or model named in a body is outside everyone's scope (404). A declaration's lane
decisions are read by the customs manager of its collectorate; the trader who sees the declaration
does not learn why it was selected (404), nor does anyone else.
"""

from rabta.api.testing.matrix import Row, outcome

RULE = {"name": "Cheap TVs", "condition": 'hs4 == "8528" and value_per_kg < 100', "lane": "red"}

ROWS = [
    Row("GET /api/risk/rules", outcome(200)),
    Row("POST /api/risk/rules", outcome(403), body=RULE),
    Row("POST /api/risk/rules/retire", outcome(404), body={"rule": 999999}),
    Row(
        "POST /api/risk/rules/backtests",
        outcome(404),
        body={"rule": 999999, "start": "2026-01-01", "end": "2026-03-31"},
    ),
    Row("POST /api/risk/rules/activate", outcome(404), body={"rule": 999999}),
    Row(
        "POST /api/risk/rules/backtest",
        outcome(403),
        body={"condition": 'origin == "CN"', "start": "2026-01-01", "end": "2026-03-31"},
    ),
    Row("GET /api/risk/watchlists", outcome(200)),
    Row("POST /api/risk/watchlists", outcome(403), body={"name": "tv", "kind": "code", "entries": ["8528"]}),
    Row("GET /api/risk/models", outcome(200)),
    Row("POST /api/risk/models/approve", outcome(404), body={"version": 1}),
    Row("POST /api/risk/models/activate", outcome(404), body={"version": 1}),
    Row(
        "GET /api/risk/declarations/{number}/decisions",
        outcome(404, customs_manager=200),
        path={"number": "declaration"},
    ),
    Row("GET /api/risk/selection", outcome(403)),
]
