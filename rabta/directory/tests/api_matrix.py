"""The directory's rows of the endpoint × persona matrix (rabta/api/testing/matrix.py): all public."""

from rabta.api.testing.matrix import Row, public

ROWS = [
    Row("GET /api/directory/jurisdictions", public()),
    Row("GET /api/directory/governments", public()),
    Row("GET /api/directory/departments", public()),
    Row("GET /api/directory/offices", public()),
    Row("GET /api/directory/offices/{code}", public(), path={"code": "office_a"}),
]
