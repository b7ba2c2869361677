"""The API root's row of the endpoint × persona matrix (rabta/api/testing/matrix.py)."""

from rabta.api.testing.matrix import Row, public

ROWS = [
    Row("GET /api/", public()),
]
