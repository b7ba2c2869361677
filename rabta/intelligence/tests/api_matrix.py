"""The intelligence rows of the endpoint × persona matrix (rabta/api/testing/matrix.py).

Suggestions are public: a complainant lodging anonymously types too. Whether a model is trained
changes what comes back, never the status (no model: an empty list). Recurring problems are for
oversight alone."""

from rabta.api.testing.matrix import Row, outcome, public

ROWS = [
    Row("POST /api/intelligence/suggest", public(200), body={"text": "No water in our street for a week"}),
    # Recurring problems are oversight's: everyone else signed in is refused, whatever they see.
    Row("GET /api/intelligence/recurring", outcome(403, oversight=200, oversight_b=200)),
]
