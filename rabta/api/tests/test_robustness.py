"""Bad input is a 4xx in the one error format, never a 500 or an HTML page (issue 16, items 12 and 15).

Cases are generated (random.Random(seed), parametrised) over every operation of the OpenAPI
document where that is the point: a lone surrogate or a NUL at a random place of a body, numbers
JSON does not have, integers no column holds.
"""

from __future__ import annotations

import json
import logging
import random

import pytest
import structlog
from django.test import Client

from rabta.api.api import api
from rabta.api.errors import is_error_format
from rabta.api.middleware import MAX_URI_LENGTH
from rabta.complaints.models import Complaint
from rabta.complaints.tests import conftest as complaints_conftest

pytestmark = pytest.mark.django_db
categories = complaints_conftest.categories  # the complaints tests' fixtures, shared
declaration = complaints_conftest.declaration
SEEDS = range(6)
SCHEMA = api.get_openapi_schema(path_prefix="/api/")
BODY_OPERATIONS = [
    (method, path)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
    if "application/json" in operation.get("requestBody", {}).get("content", {})
]
INTEGER_PARAMETERS = [
    (method, path, parameter)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
    for parameter in operation.get("parameters", [])
    if "integer" in json.dumps(parameter["schema"])
]


def assert_error_format(response, status=None):
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:200])
    body = response.json()
    assert is_error_format(body), body
    if status is not None:
        assert response.status_code == status, body
    assert 400 <= response.status_code < 500, body
    return body


@pytest.fixture
def signed_in(verified_client, citizen, categories):
    return verified_client(citizen)


def _fill(path: str, rng: random.Random) -> str:
    return "/".join(
        f"RB-{rng.randrange(10**4):04d}-XXXX-C" if part.startswith("{") else part for part in path.split("/")
    )


def _poison(rng: random.Random, bad: str) -> tuple[dict, str]:
    """A body with ``bad`` hidden at a random depth, and the field path the error should name."""
    names = ["subject", "text", "name", "reason", "body", "comment", "attributes", "notes", "full_name"]
    depth = rng.randrange(1, 4)
    keys = [rng.choice(names) for _ in range(depth)]
    value: object = rng.choice(["", "Ayesha ", "عائشہ ", "x" * rng.randrange(50)]) + bad + rng.choice(["", " خان", "!"])
    for key in reversed(keys[1:]):
        value = {key: value}
    return {keys[0]: value}, ".".join(keys)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("bad", ["\ud800", "\udfff", "\x00", "\udc80\ud83d"])
def test_unstorable_characters_anywhere_in_any_body_are_a_field_error(signed_in, seed, bad):
    rng = random.Random(f"{seed}-{bad!r}")
    for method, path in rng.sample(BODY_OPERATIONS, min(6, len(BODY_OPERATIONS))):
        body, field = _poison(rng, bad)
        raw = json.dumps(body)  # escapes the surrogate as \ud800, which JSON allows
        response = getattr(signed_in, method)(_fill(path, rng), raw, content_type="application/json")
        error = assert_error_format(response, 400)
        assert field in error["fields"], (path, error)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1E+999", "123e456789"])
def test_numbers_json_does_not_have_are_refused_before_any_service(signed_in, literal):
    raw = (
        '{"category": "CUS-DELAY", "jurisdiction": "PK-SD-KHI", "subject": "s", "text": "t", '
        f'"attributes": {{"gd_number": "KAPE-HC-12345", "days": {literal}}}, "latitude": {literal}}}'
    )
    response = signed_in.post("/api/complaints", raw, content_type="application/json")
    assert assert_error_format(response, 400)["code"] == "malformed_body"
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity", "1e400", "-1e309"])
def test_a_number_attribute_given_as_a_string_must_be_finite(signed_in, declaration, value):
    body = {
        "category": "CUS-DELAY",
        "jurisdiction": "PK-SD-KHI",
        "subject": "Stuck at the port",
        "text": "Nine days.",
        "attributes": {"gd_number": declaration.number, "days": value},
    }
    response = signed_in.post("/api/complaints", body, content_type="application/json")
    error = assert_error_format(response, 400)
    assert error["fields"]["attributes.days"][0]["code"] == "attribute_invalid"
    assert list(error["fields"]) == ["attributes.days"]  # the declaration is a real one


@pytest.mark.parametrize("body", ["{", '{"subject": }', "[1, 2", "\xff\xfe", '{"a": "\\x"}', "[" * 100_000])
def test_malformed_json_is_a_400_in_the_format(signed_in, body):
    response = signed_in.post("/api/complaints", body, content_type="application/json")
    assert assert_error_format(response, 400)["code"] == "malformed_body"


def test_every_integer_parameter_has_bounds_a_database_column_can_hold():
    """The class behind ``?page=10**30``: an integer no bigint holds is refused by the schema."""
    for method, path, parameter in INTEGER_PARAMETERS:
        text = json.dumps(parameter["schema"])
        assert '"maximum"' in text and '"minimum"' in text, (method, path, parameter)
    assert INTEGER_PARAMETERS


@pytest.mark.parametrize("seed", SEEDS)
def test_integers_beyond_a_bigint_are_a_422_naming_the_parameter(signed_in, seed):
    rng = random.Random(seed)
    for method, path, parameter in INTEGER_PARAMETERS:
        huge = rng.choice([10**30, 2**63, -(2**63) - 1, 10 ** rng.randrange(19, 400)])
        url = _fill(path, rng).replace(f"RB-{0:04d}", "RB-0000")
        if parameter["in"] == "path":
            url = url.replace(_fill("{x}", random.Random(0)), "")  # path parameters are filled below
            url = "/".join(str(huge) if part.startswith("{") else part for part in path.split("/"))
            url = url.replace("{tracking_number}", "RB-0000-0000-C")
            response = getattr(signed_in, method)(url, *([] if method == "get" else ["{}", "application/json"]))
        else:
            response = getattr(signed_in, method)(f"{url}?{parameter['name']}={huge}")
        error = assert_error_format(response)
        assert response.status_code in (404, 422), (url, error)
        if response.status_code == 422:
            assert parameter["name"] in error["fields"], (url, error)


@pytest.mark.parametrize("page", [10**30, 10**7, -1, 0, "x"])
def test_directory_pages_out_of_range_are_a_422(client, world, page):
    for name in ("jurisdictions", "governments", "departments", "offices"):
        response = client.get(f"/api/directory/{name}?page={page}")
        assert "page" in assert_error_format(response, 422)["fields"]


@pytest.mark.parametrize("seed", SEEDS)
def test_an_office_search_of_too_many_words_is_refused_before_the_database(client, world, seed):
    rng = random.Random(seed)
    words = [rng.choice(["Lahore", "لاہور", "office", "دفتر", "PB", "LG", "x"]) for _ in range(rng.randrange(11, 300))]
    response = client.get("/api/directory/offices", {"q": " ".join(words)[:600]})
    assert "q" in assert_error_format(response, 400)["fields"]
    assert client.get("/api/directory/offices", {"q": " ".join(words[:10])}).status_code == 200


def test_an_unknown_path_under_the_api_is_a_json_404(client):
    for path in ("/api/nope", "/api/complaints/RB-0000-0000-C/nothing", "/api/directory/offices/x/y/z"):
        assert assert_error_format(client.get(path), 404)["code"] == "not_found"


def test_a_method_a_path_does_not_take_is_a_json_405_with_allow(client):
    response = client.delete("/api/complaints/categories")
    assert assert_error_format(response, 405)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_a_body_larger_than_django_reads_is_a_json_413(signed_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = signed_in.post("/api/complaints", {"text": "x" * 2000}, content_type="application/json")
    assert assert_error_format(response, 413)["code"] == "request_too_large"


def test_an_address_too_long_is_a_json_414(client):
    response = client.get("/api/directory/offices?q=" + "x" * MAX_URI_LENGTH)
    assert assert_error_format(response, 414)["code"] == "uri_too_long"


def test_a_failed_csrf_check_is_a_json_403_with_its_own_code(verified_client, citizen, categories):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post("/api/complaints", {"subject": "s"}, content_type="application/json")
    assert assert_error_format(response, 403)["code"] == "csrf_failed"


@pytest.mark.parametrize("where", ["path", "query"])
def test_a_nul_in_the_address_is_a_400_not_a_database_error(signed_in, where):
    url = "/api/complaints/RB-%00" if where == "path" else "/api/directory/offices?q=a%00b"
    assert_error_format(signed_in.get(url), 400)


def test_a_server_error_under_the_api_is_json_too(citizen, monkeypatch):
    from rabta.complaints import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "category_list", broken)
    response = Client(raise_request_exception=False).get("/api/complaints/categories")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "Something went wrong on our side.", "fields": {}}


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_every_log_line_of_a_request_carries_its_request_id(client):
    seen = []

    class Spy(logging.Handler):
        def emit(self, record):
            seen.append((record.getMessage(), structlog.contextvars.get_contextvars().get("request_id")))

    spy = Spy()
    logging.getLogger("django.request").addHandler(spy)
    try:
        client.get("/api/nope", HTTP_X_REQUEST_ID="probe-123")
        client.delete("/api/complaints/categories", HTTP_X_REQUEST_ID="probe-456")
    finally:
        logging.getLogger("django.request").removeHandler(spy)
    assert seen == [
        ("Not Found: /api/nope", "probe-123"),
        ("Method Not Allowed: /api/complaints/categories", "probe-456"),
    ]
