"""The scorecards rows of the endpoint × persona matrix (rabta/api/testing/matrix.py, run by
rabta/api/tests/test_matrix.py): the published measures are open to everyone; the complaints behind
a figure are office staff's and oversight's, and an office outside the caller's scope is a 404."""

from rabta.api.testing.matrix import Row, outcome, public

UNIT = {"level": "scorecard_level", "id": "office_a"}

ROWS = [
    Row("GET /api/scorecards/governments", public(200), why="published statistics, no login"),
    Row("GET /api/scorecards/league", public(200), why="published statistics, no login"),
    Row("GET /api/scorecards/users", public(200), why="counts only, no login"),
    Row("GET /api/scorecards/{level}/{id}", public(200), path=UNIT, why="published statistics, no login"),
    Row("GET /api/scorecards/{level}/{id}/categories", public(200), path=UNIT, why="published statistics"),
    Row(
        "GET /api/scorecards/{level}/{id}/complaints",
        outcome(
            404,
            no_role=403,
            citizen=403,
            other_citizen=403,
            customs_manager=403,
            administrator=403,
            officer_a=200,
            supervisor_a=200,
            oversight=200,
        ),
        path=UNIT,
        why="staff in whose scope office A lies; other staff do not see it (404); complainants may not list",
    ),
    Row(
        "GET /api/scorecards/live",
        outcome(403, supervisor_a=200, supervisor_b=200, oversight=200, oversight_b=200, administrator=200),
        why="the live dashboard is senior management's: supervisors, oversight units, administrators",
    ),
]
