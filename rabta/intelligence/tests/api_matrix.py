"""The intelligence rows of the endpoint × persona matrix (rabta/api/testing/matrix.py).

Suggestions are public: a complainant lodging anonymously types too. Whether a model is trained
changes what comes back, never the status (no model: an empty list)."""

from rabta.api.testing.matrix import Row, public

ROWS = [
    Row("POST /api/intelligence/suggest", public(200), body={"text": "No water in our street for a week"}),
]
