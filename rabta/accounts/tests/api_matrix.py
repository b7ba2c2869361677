"""The accounts API's rows of the endpoint × persona matrix (rabta/api/testing/matrix.py)."""

from rabta.api.testing.matrix import Row, outcome, public

REGISTRATION = {
    "full_name": "Zainab Qureshi",
    "password": "a long and unguessable pass phrase",
    "complainant_type": "citizen",
    "email": "zainab.qureshi@example.pk",
}

ROWS = [
    Row("POST /api/accounts/register", public(201), body=REGISTRATION),
    Row("GET /api/accounts/me", outcome(200)),
    Row(
        "POST /api/accounts/verify",
        outcome(400),
        body={"channel": "email", "code": "000000"},
        why="nobody in the world has a code waiting: a wrong code is refused on the field",
    ),
    Row("POST /api/accounts/verify/send", outcome(202), body={"channel": "email"}),
    Row("GET /api/accounts/roles", public()),
]
