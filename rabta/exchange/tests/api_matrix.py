"""The data exchange's rows of the endpoint × persona matrix (rabta/api/tests/test_matrix.py).

The world holds one agreement and one (rejected) import, made by an exchange officer, who is not
one of the matrix's personas: to every persona the agreement and the import are outside scope
(404), the lists are empty (200) and a new agreement is refused (403)."""

from rabta.api.testing.matrix import Row, outcome

_AGREEMENT = {"agreement_id": "exchange_agreement"}
_IMPORT = {"import_id": "exchange_import"}
_BODY = {
    "kind": "administration",
    "partner_country": "CN",
    "partner_name": "GACC",
    "datasets": ["declarations"],
    "fields": ["reference"],
    "valid_from": "2026-01-01",
}

ROWS = [
    Row("GET /api/exchange/agreements", outcome(200)),
    Row("POST /api/exchange/agreements", outcome(403), body=_BODY, why="exchange officers only; none here"),
    Row("GET /api/exchange/agreements/{agreement_id}", outcome(404), path=_AGREEMENT),
    Row(
        "POST /api/exchange/agreements/{agreement_id}/status",
        outcome(404),
        path=_AGREEMENT,
        body={"status": "suspended"},
    ),
    Row("GET /api/exchange/agreements/{agreement_id}/export", outcome(404), path=_AGREEMENT),
    Row(
        "POST /api/exchange/agreements/{agreement_id}/imports",
        outcome(404),
        path=_AGREEMENT,
        body={"format": "json", "content": "{}"},
    ),
    Row(
        "POST /api/exchange/agreements/{agreement_id}/bank-requests",
        outcome(404),
        path=_AGREEMENT,
        body={"ntn": "1234567-8"},
    ),
    Row("GET /api/exchange/log", outcome(200)),
    Row("GET /api/exchange/imports", outcome(200)),
    Row("GET /api/exchange/imports/{import_id}", outcome(404), path=_IMPORT),
    Row("GET /api/exchange/bank-requests", outcome(200)),
]
