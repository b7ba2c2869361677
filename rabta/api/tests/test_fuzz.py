"""Every operation of the OpenAPI document, fuzzed (schemathesis), as anonymous, a signed-in
complainant and a signed-in officer: no answer is a 5xx, and every 4xx is the one error format
(issue 16, item 12). The five 500s the probe found were examples; this looks for the rest.

The schema is read from the Django app itself (/api/openapi.json over WSGI, no server). Runs are
bounded (MAX_EXAMPLES per operation and persona, no shrinking) and deterministic (derandomized),
so a failure is the same failure on every run. CI runs it on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from rabta.api.api import api
from rabta.api.errors import is_error_format
from rabta.complaints.tests import conftest as complaints_conftest
from rabta.reviews import services as reviews

pytestmark = pytest.mark.django_db
categories = complaints_conftest.categories  # the complaints tests' fixtures, shared
submit = complaints_conftest.submit

MAX_EXAMPLES = 12
MAX_BOUNDARY_CASES = 25
CSRF_TOKEN = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # 32 characters: a valid CSRF secret, sent as cookie and header
OPERATIONS = [
    (method.upper(), path)
    for path, operations in api.get_openapi_schema(path_prefix="/api/")["paths"].items()
    for method in operations
]


@cache
def schema():
    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def in_test_transaction():
    """The WSGI handler closes 'old' database connections at each request's start and end, which
    inside the test's transaction would close it; Django's test client turns this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def cast(settings, verified_client, citizen, officer_a, submit, world, in_test_transaction):
    """Real items for path parameters (a generated tracking number is only ever a 404), and a
    signed-in session per persona. Rate limits are raised: the fuzz is not a flood test."""
    settings.RABTA_RATE_LIMITS = {
        scope: {"address": "100000/h", "subject": "100000/h"} for scope in settings.RABTA_RATE_LIMITS
    }
    complaint = submit()
    review = reviews.decision_review_file(
        applicant=citizen,
        decision_type="penalty",
        decision_reference="ORD-1",
        decision_office=world.office_a,
        decision_maker_rank=17,
        reasons="Too high.",
    )
    sessions = {"anonymous": None}
    for persona, user in (("complainant", citizen), ("officer", officer_a)):
        sessions[persona] = verified_client(user).cookies["sessionid"].value
    known = {
        "tracking_number": complaint.tracking_number,
        "other": complaint.tracking_number,
        "reference": review.reference,
        "code": world.office_a.code,
        "complainant": citizen.pk,
    }
    return sessions, known


def _real_parameters(operation, known):
    names = [parameter.name for parameter in operation.path_parameters]
    return {name: known[name] for name in names if name in known}


@pytest.mark.parametrize("persona", ["anonymous", "complainant", "officer"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_operation_answers_5xx_or_leaves_the_one_error_format(cast, persona, method, path):
    sessions, known = cast
    operation = schema()[path][method]
    real = _real_parameters(operation, known)
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if real:  # half the cases reach an item that exists
        strategies += [
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real),
        ]
    cookies = {"csrftoken": CSRF_TOKEN}
    if sessions[persona]:
        cookies["sessionid"] = sessions[persona]

    check_answer = _checker(cookies)

    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported as found
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def check(case):
        check_answer(case)

    check()


@pytest.mark.parametrize("persona", ["complainant", "officer"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_boundary_cases_of_every_operation_answer_in_the_format(cast, persona, method, path):
    """schemathesis' coverage phase: each field at and past its bounds, wrong types, missing
    fields, for items that exist. Deterministic; every k-th case, at most MAX_BOUNDARY_CASES."""
    sessions, known = cast
    operation = schema()[path][method]
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    config = schema().config.generation_for(operation=operation)
    cases = list(schema().iter_coverage_cases(operation, generation_modes=modes, generation_config=config))
    check_answer = _checker({"csrftoken": CSRF_TOKEN, "sessionid": sessions[persona]})
    real = _real_parameters(operation, known)
    for case in cases[:: max(1, len(cases) // MAX_BOUNDARY_CASES)]:
        if real and case.path_parameters and all(isinstance(v, str | int) for v in case.path_parameters.values()):
            case.path_parameters = {**case.path_parameters, **real}
        check_answer(case)


def _checker(cookies):
    def check_answer(case):
        response = case.call(cookies=cookies, headers={"X-CSRFToken": CSRF_TOKEN})
        shown = f"{case.method} {case.formatted_path} {case.query or ''} {str(case.body)[:200]!r}"
        assert response.status_code < 500, f"{shown} -> {response.status_code} {response.text[:500]}"
        if response.status_code >= 400:
            try:
                body = json.loads(response.content)
            except ValueError:
                body = response.text[:300]
            assert is_error_format(body), f"{shown} -> {response.status_code} {body}"

    return check_answer
