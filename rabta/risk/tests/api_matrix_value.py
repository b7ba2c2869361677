"""The value-control and audit rows of the endpoint × persona matrix (rabta/api/tests/test_matrix.py).

The world's declaration is the citizen's (their verified NTN is its importer's) and the customs
manager's collectorate's. The manager reads its value check; the trader sees the declaration but not
its check (403: the band is a targeting tool); everyone else reads it as missing. The audit list is
for risk analysts and customs management: the manager reads it (their collectorates), others 403.
"""

from rabta.api.testing.matrix import Row, outcome

ROWS = [
    Row(
        "GET /api/risk/declarations/{number}/value",
        outcome(404, customs_manager=200, citizen=403),
        path={"number": "declaration"},
        why="the trader sees the declaration but not the value band it is judged by",
    ),
    Row(
        "GET /api/risk/audit-candidates",
        outcome(403, customs_manager=200),
        why="risk analysts and customs management only",
    ),
]
