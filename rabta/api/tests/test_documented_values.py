"""The README and the OpenAPI document list the accepted values of every enumerated input, and the
anonymous tracking call (issue 16, item 17). Derived from the enums, so a new value fails here until
it is documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from rabta.accountability.models import OfficerAudit, ResponsibilityRating
from rabta.api.api import api
from rabta.complaints.choices import Anonymity, Kind, Outcome, Priority, RejectReason, Status
from rabta.intelligence.choices import SignalStatus
from rabta.reviews.models import DecisionReview

README = (Path(settings.BASE_DIR).parent / "README.md").read_text()
SCHEMA = api.get_openapi_schema(path_prefix="/api/")
RESOLVABLE = [Outcome.RELIEF_GRANTED, Outcome.PARTIAL_RELIEF, Outcome.NO_RELIEF]
# (field, its values, where the API takes it: a request schema or "METHOD path" for a query parameter)
INPUTS = [
    ("kind", list(Kind), ["SubmitIn"]),
    ("anonymity", list(Anonymity), ["SubmitIn"]),
    ("status", list(Status), ["get /api/complaints"]),
    ("outcome", RESOLVABLE, ["ResolveIn"]),
    ("decision", RESOLVABLE, ["AppealDecideIn"]),
    ("reason", list(RejectReason), ["RejectIn"]),
    ("priority", list(Priority), ["PriorityIn"]),
    ("rating", list(ResponsibilityRating.Rating), ["RatingIn"]),
    ("finding", list(OfficerAudit.Finding), ["AuditCloseIn"]),
    ("decision_type", list(DecisionReview.DecisionType), ["ReviewFileIn", "get /api/reviews"]),
    ("result", list(DecisionReview.Result), ["ReviewDecideIn"]),
    # A misuse signal's list filter and its review (intelligence); the README names them in the
    # rows of the same field.
    ("status", list(SignalStatus), ["get /api/intelligence/signals"]),
    ("decision", [SignalStatus.CONFIRMED, SignalStatus.DISMISSED], ["SignalReviewIn"]),
]
IDS = [f"{name}-{places[0]}" for name, _, places in INPUTS]


def _enum_values(node) -> set[str]:
    """Every value an OpenAPI fragment allows, following $refs and anyOf/allOf."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "$ref" in item:
                stack.append(SCHEMA["components"]["schemas"][item["$ref"].rsplit("/", 1)[1]])
            found.update(str(v) for v in item.get("enum", []))
            if "const" in item:
                found.add(str(item["const"]))
            stack.extend(v for k, v in item.items() if k in {"anyOf", "allOf", "oneOf", "items"})
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _input(where: str, field: str):
    if " " not in where:
        return SCHEMA["components"]["schemas"][where]["properties"][field]
    method, path = where.split(" ", 1)
    parameters = SCHEMA["paths"][path][method]["parameters"]
    return next(p["schema"] for p in parameters if p["name"] == field and p["in"] == "query")


@pytest.mark.parametrize(("field", "values", "places"), INPUTS, ids=IDS)
def test_the_openapi_lists_the_values_of_every_enumerated_input(field, values, places):
    for where in places:
        node = _input(where, field)
        assert _enum_values(node) == {str(v) for v in values}, (where, json.dumps(node))


@pytest.mark.parametrize(("field", "values", "places"), INPUTS, ids=IDS)
def test_the_readme_lists_the_values_of_every_enumerated_input(field, values, places):
    row = next((line for line in README.splitlines() if line.startswith(f"| `{field}`")), None)
    assert row is not None, f"README has no row for {field}"
    for value in values:
        assert f"`{value}`" in row, (field, value)


def test_the_readme_and_the_openapi_name_the_anonymous_tracking_call():
    # The token is a secret: it travels in a header or a POST body, never in the URL (issue 16, 6).
    assert "GET  /api/complaints/track        header X-Tracking-Token" in README
    paths = SCHEMA["paths"]["/api/complaints/track"]
    assert "X-Tracking-Token" in paths["get"]["description"]
    assert not [p for p in paths["get"].get("parameters", []) if p["name"] == "token"]
    ref = paths["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert body["required"] == ["token"]


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI keeps one component per name: a second schema of the same name (there were two
    DecideIn) silently documents one operation's body with the other's fields."""
    from ninja import Schema

    seen: dict[str, tuple[str, dict]] = {}
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("rabta.") or ".tests." in cls.__module__:
            continue
        here = (f"{cls.__module__}.{cls.__qualname__}", cls.model_json_schema())
        first = seen.setdefault(cls.__name__, here)
        # The same name twice is harmless only when both describe the same thing (ErrorOut).
        assert first[1] == here[1], (cls.__name__, first[0], here[0])
