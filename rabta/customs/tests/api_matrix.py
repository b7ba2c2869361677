"""The customs rows of the endpoint × persona matrix (rabta/api/testing/matrix.py, run by
rabta/api/tests/test_matrix.py).

The world: one declaration filed at the world's collectorate for an importer whose NTN the
citizen holds verified, so the citizen is its trader; the customs manager of that collectorate
works it. Everyone else signed in reads it as missing (404). The trader sees it but makes no
officer's move (403); the customs manager makes a manager's moves, is refused the examining
officer's (403), and a move the declaration's state refuses is 409.
"""

from rabta.api.testing.matrix import Row, outcome

SEES = ("citizen", "customs_manager")
NUMBER = {"number": "declaration"}


def seen(status: int, **statuses: int) -> dict[str, int]:
    """The declaration: those who see it get ``status`` unless named; every other signed-in persona 404."""
    return outcome(404, **{**dict.fromkeys(SEES, status), **statuses})


def officer_move(status: int = 200) -> dict[str, int]:
    return seen(403, customs_manager=status)


FILING = {
    "number": "MATRIX-HC-2",
    "declared_on": "2026-11-30",
    "collectorate": "FED-CUS-APP-KHI",
    "importer": "1234567-8",
    "items": [
        {
            "tariff_code": "85287200",
            "description": "LED television sets",
            "origin_country": "CN",
            "departure_country": "AE",
            "quantity": 10,
            "unit": "NMB",
            "net_mass_kg": 85,
            "customs_value": 250000,
        }
    ],
}

ROWS = [
    Row("GET /api/customs/declarations", outcome(200)),
    Row(
        "POST /api/customs/declarations",
        outcome(403, citizen=201),
        body=FILING,
        why="only the holder of the importer's verified NTN files for it",
    ),
    Row("GET /api/customs/declarations/{number}", seen(200), path=NUMBER),
    Row("GET /api/customs/declarations/{number}/timeline", seen(200), path=NUMBER),
    Row(
        "POST /api/customs/declarations/{number}/lane",
        officer_move(),
        path=NUMBER,
        body={"lane": "red", "reason": "Tip."},
    ),
    Row("POST /api/customs/declarations/{number}/documents-check", officer_move(), path=NUMBER, body={}),
    Row(
        "POST /api/customs/declarations/{number}/examination",
        seen(403),
        path=NUMBER,
        body={"outcome": "no_discrepancy"},
        why="an examining officer's move: the customs manager may not record it",
    ),
    Row("POST /api/customs/declarations/{number}/assessment", officer_move(), path=NUMBER, body={}),
    Row(
        "POST /api/customs/declarations/{number}/payment",
        officer_move(409),
        path=NUMBER,
        body={"amount": 0},
        why="a declaration not yet assessed cannot be paid",
    ),
    Row("POST /api/customs/declarations/{number}/release", officer_move(409), path=NUMBER, body={}),
    Row(
        "GET /api/customs/dashboard/panels",
        outcome(404, customs_manager=200),
        why="the dashboard is for customs management, oversight of a government with collectorates and risk analysts",
    ),
    Row("GET /api/customs/dashboard/collectorates", outcome(404, customs_manager=200)),
]
