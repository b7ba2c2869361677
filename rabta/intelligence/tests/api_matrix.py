"""The intelligence rows of the endpoint × persona matrix (rabta/api/testing/matrix.py).

Suggestions are public: a complainant lodging anonymously types too. Whether a model is trained
changes what comes back, never the status (no model: an empty list). Recurring problems and misuse
signals are for oversight alone, as on the pages: the lists refuse everyone else signed in (403), and
one signal or stored cluster is not found (404) for anyone but oversight of its government. The
world holds one open signal on the complaint whose complainant is hidden from the office, and one
stored cluster of office A (rabta/api/tests/test_matrix.py)."""

from rabta.api.testing.matrix import Row, outcome, public

ROWS = [
    Row("POST /api/intelligence/suggest", public(200), body={"text": "No water in our street for a week"}),
    # Recurring problems are oversight's: everyone else signed in is refused, whatever they see.
    Row("GET /api/intelligence/recurring", outcome(403, oversight=200, oversight_b=200)),
    Row("GET /api/intelligence/signals", outcome(403, oversight=200, oversight_b=200)),
    Row(
        "GET /api/intelligence/signals/{signal_id}",
        outcome(404, oversight=200),
        path={"signal_id": "signal"},
        why="a signal is oversight's, within the government of its complaint",
    ),
    Row(
        "POST /api/intelligence/signals/{signal_id}/review",
        outcome(404, oversight=200),
        path={"signal_id": "signal"},
        body={"decision": "dismissed", "reason": "Quoting the officer's words back."},
    ),
    Row("GET /api/intelligence/clusters", outcome(403, oversight=200, oversight_b=200)),
    Row(
        "GET /api/intelligence/clusters/{cluster_id}",
        outcome(404, oversight=200),
        path={"cluster_id": "cluster"},
        why="a stored cluster is oversight's, of an office whose complaints it sees",
    ),
]
