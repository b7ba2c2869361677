"""The scorecards rows of the endpoint × persona matrix (rabta/api/testing/matrix.py, run by
rabta/api/tests/test_matrix.py): the published measures are open to everyone."""

from rabta.api.testing.matrix import Row, public

ROWS = [
    Row("GET /api/scorecards/governments", public(200), why="published statistics, no login"),
]
