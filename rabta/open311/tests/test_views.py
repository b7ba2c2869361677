"""GeoReport v2 conformance: every answer validated against the published JSON Schemas (read from
../shared/data), XML and JSON carrying the same content, every error case with its status and the
parameter it names, the 90-day window, and empty parameters read as absent ones."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from rabta.complaints.models import Complaint
from rabta.open311.formats import LIST_ITEMS
from rabta.open311.services import client_revoke
from rabta.open311.tests.conftest import KEY, OTHER_KEY, file_request, get

pytestmark = pytest.mark.django_db


def _json(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def _assert_error(response, status: int, field: str | None, reason: str | None = None):
    assert response.status_code == status, response.content
    body = _json(response)
    assert isinstance(body, list) and body
    for error in body:
        assert error["code"] == status and isinstance(error["description"], str) and error["description"]
    if field is not None:
        assert field in {error["field"] for error in body}, body
    if reason is not None:
        assert reason in {error["reason"] for error in body}, body


def _when(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value  # every datetime carries its time zone
    return parsed


# --- conformance -------------------------------------------------------------------------------


def test_services_list_validates_and_leaves_out_private_kinds(api, o311, schema_validator):
    body = _json(get(api, "services"))
    schema_validator("services.json").validate(body)
    codes = {s["service_code"] for s in body}
    assert codes == {"PB-MUN-WATER", "PB-MUN-ROAD"}  # harassment has no service: never listed
    roads = next(s for s in body if s["service_code"] == "PB-MUN-ROAD")
    assert roads["metadata"] is True and roads["type"] == "realtime"
    assert next(s for s in body if s["service_code"] == "PB-MUN-WATER")["metadata"] is False


def test_service_definition_gives_every_datatype(api, o311, schema_validator):
    body = _json(get(api, "services/PB-MUN-ROAD"))
    schema_validator("service-definition.json").validate(body)
    types = {a["code"]: a["datatype"] for a in body["attributes"]}
    assert types == {
        "size": "singlevaluelist",
        "hazards": "multivaluelist",
        "depth_cm": "number",
        "seen_on": "datetime",
        "notes": "text",
    }
    size = next(a for a in body["attributes"] if a["code"] == "size")
    assert size["required"] is True and [v["key"] for v in size["values"]] == ["small", "large"]
    assert [a["order"] for a in body["attributes"]] == [1, 2, 3, 4, 5]


def test_a_private_kind_has_no_definition(api, o311):
    _assert_error(get(api, "services/PB-HRT-HARASS"), 404, "service_code", "service_unknown")


def test_post_then_read_validates_and_every_identifier_is_a_string(api, o311, schema_validator):
    response = file_request(api, lat="31.5204", long="74.3587")
    assert response.status_code == 200, response.content
    created = _json(response)
    assert set(created[0]) == {"service_request_id", "token", "service_notice", "account_id"}
    assert created[0]["account_id"] is None
    number = created[0]["service_request_id"]
    one = _json(get(api, f"requests/{number}"))
    schema_validator("requests.json").validate(one)
    row = one[0]
    assert row["service_request_id"] == number and row["status"] == "open"
    assert row["agency_responsible"] == "Local Government Lahore"
    assert row["address_id"] == "PK-PB-LHR"
    assert row["lat"] == pytest.approx(31.520) and row["long"] == pytest.approx(74.359)  # rounded, never exact
    _when(row["requested_datetime"]), _when(row["expected_datetime"]), _when(row["updated_datetime"])
    assert all(isinstance(row[k], str) for k in ("service_request_id", "service_code", "address_id"))
    listed = _json(get(api, "requests"))
    schema_validator("requests.json").validate(listed)
    assert [r["service_request_id"] for r in listed] == [number]
    token = _json(get(api, f"tokens/{created[0]['token']}"))
    assert token == [{"service_request_id": number, "token": created[0]["token"]}]


def test_request_path_is_answered_in_both_spellings(api, o311):
    number = _json(file_request(api))[0]["service_request_id"]
    assert _json(get(api, f"request/{number}")) == _json(get(api, f"requests/{number}"))


# --- XML and JSON carry the same content -------------------------------------------------------


def _from_xml(element: ET.Element):
    children = list(element)
    if not children:
        return element.text or None
    if element.tag in LIST_ITEMS:
        return [_from_xml(child) for child in children]
    return {child.tag: _from_xml(child) for child in children}


def _as_text(value):
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize(
    "path",
    ["discovery", "services", "services/PB-MUN-ROAD", "requests", "requests/{n}", "tokens/{t}"],
)
def test_xml_and_json_carry_the_same_content(api, o311, path):
    created = _json(file_request(api, lat="31.5", long="74.3", description='Leak <near> the "mosque" & school'))[0]
    path = path.format(n=created["service_request_id"], t=created["token"])
    as_json = _json(get(api, path))
    response = get(api, path, fmt="xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer, in a test
    as_xml = _from_xml(root)
    if isinstance(as_json, list) and not isinstance(as_xml, list):
        as_xml = [as_xml] if as_xml else []
    assert _as_text(as_xml) == _as_text(as_json)


def test_xml_errors_have_the_same_content(api, o311):
    as_json = _json(get(api, "requests/RB-0000-0000-0"))
    response = get(api, "requests/RB-0000-0000-0", fmt="xml")
    assert response.status_code == 404
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer, in a test
    assert root.tag == "errors"
    assert _as_text(_from_xml(root)) == _as_text(as_json)


# --- errors ------------------------------------------------------------------------------------


def test_posting_needs_a_valid_key_of_an_active_client(api, o311):
    before = Complaint.objects.count()
    _assert_error(file_request(api, api_key=None), 403, "api_key", "api_key_required")
    _assert_error(file_request(api, api_key="   "), 403, "api_key", "api_key_required")
    _assert_error(file_request(api, api_key="guess-" + KEY), 403, "api_key", "api_key_invalid")
    client_revoke(client=o311.client, actor=None, reason="leaked")
    _assert_error(file_request(api), 403, "api_key", "client_revoked")
    assert _json(file_request(api, api_key=OTHER_KEY))[0]["service_request_id"]  # the other client still files
    assert Complaint.objects.count() == before + 1


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"service_code": None}, "service_code", "service_code_required"),
        ({"service_code": ""}, "service_code", "service_code_required"),
        ({"service_code": "NOPE"}, "service_code", "service_unknown"),
        ({"service_code": "PB-HRT-HARASS"}, "service_code", "service_unknown"),
        ({"address_id": None}, "lat", None),
        ({"address_id": "PK-XX-NOWHERE"}, "address_id", "address_unknown"),
        ({"address_id": "PK-SD-KHI"}, "address_id", "address_unknown"),  # outside the client's own place
        ({"address_id": None, "lat": "91", "long": "74"}, "lat", "coordinate_invalid"),
        ({"address_id": None, "lat": "31", "long": "nan"}, "long", "coordinate_invalid"),
        ({"address_id": None, "lat": "31.5"}, "long", "coordinate_invalid"),
        ({"description": "  "}, "description", "description_required"),
        ({"media_url": "javascript:alert(1)"}, "media_url", "media_url_invalid"),
        ({"service_code": "PB-MUN-ROAD"}, "attributes.size", "attribute_missing"),
        ({"service_code": "PB-MUN-ROAD", "attribute[size]": "huge"}, "attributes.size", "attribute_invalid"),
        (
            {"service_code": "PB-MUN-ROAD", "attribute[size]": "small", "attribute[hazards][]": ["fire"]},
            "attributes.hazards",
            "attribute_invalid",
        ),
        (
            {"service_code": "PB-MUN-ROAD", "attribute[size]": "small", "attribute[depth_cm]": "deep"},
            "attributes.depth_cm",
            "attribute_invalid",
        ),
        ({"jurisdiction_id": "PK-ZZ"}, "jurisdiction_id", "jurisdiction_unknown"),
        # Intake's refusals name the parameter the client sent, not intake's own field.
        ({"description": "x" * 6000}, "description", None),
        ({"description": "Leak\x07 in the bell"}, "description", "text_control_character"),
        (
            {"service_code": "PB-MUN-ROAD", "attribute[size]": "small", "attribute[notes]": "a\x01b"},
            "attributes.notes",
            "attribute_invalid",
        ),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(api, o311, fields, field, reason):
    before = Complaint.objects.count()
    response = file_request(api, **fields)
    status = 404 if reason == "jurisdiction_unknown" else 400
    _assert_error(response, status, field, reason)
    assert Complaint.objects.count() == before


def test_coordinates_alone_are_placed_at_the_clients_place_or_refused(api, o311):
    placed = _json(file_request(api, address_id=None, lat="31.55", long="74.34"))[0]
    assert Complaint.objects.get(tracking_number=placed["service_request_id"]).jurisdiction.code == "PK-PB-LHR"
    # The helpline has no place of its own: coordinates alone cannot say which office serves them.
    _assert_error(
        file_request(api, api_key=OTHER_KEY, address_id=None, lat="31.55", long="74.34"),
        400,
        "lat",
        "location_required",
    )
    by_name = _json(
        file_request(api, api_key=OTHER_KEY, address_id=None, address_string="12 Mall Road, Lahore, Punjab")
    )[0]
    assert Complaint.objects.get(tracking_number=by_name["service_request_id"]).jurisdiction.code == "PK-PB-LHR"


def test_attributes_single_and_multiple_values_are_kept(api, o311):
    created = _json(
        file_request(
            api,
            service_code="PB-MUN-ROAD",
            **{
                "attribute[size]": "large",
                "attribute[hazards][]": ["water", "dark", "water"],
                "attribute[depth_cm]": "12",
            },
        )
    )[0]
    complaint = Complaint.objects.get(tracking_number=created["service_request_id"])
    assert complaint.attributes == {"size": "large", "hazards": ["water", "dark"], "depth_cm": 12.0}


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"start_date": "yesterday"}, "start_date", "datetime_invalid"),
        (
            {"start_date": "2026-03-01T00:00:00+05:00", "end_date": "2026-02-01T00:00:00+05:00"},
            "end_date",
            "date_range_reversed",
        ),
        (
            {"start_date": "2026-01-01T00:00:00+05:00", "end_date": "2026-06-01T00:00:00+05:00"},
            "end_date",
            "date_range_too_long",
        ),
        ({"status": "pending"}, "status", "status_unknown"),
        ({"page": "0"}, "page", "number_invalid"),
        ({"page_size": "1001"}, "page_size", "number_invalid"),
        ({"page_size": "-5"}, "page_size", "number_invalid"),
    ],
)
def test_bad_queries_are_400_naming_the_parameter(api, o311, params, field, reason):
    _assert_error(get(api, "requests", params), 400, field, reason)


def test_unknown_items_are_404(api, o311):
    _assert_error(get(api, "requests/RB-0000-0000-0"), 404, "service_request_id", "request_unknown")
    _assert_error(get(api, "tokens/not-a-token"), 404, "token", "token_unknown")
    _assert_error(get(api, "services/NOPE"), 404, "service_code", "service_unknown")
    _assert_error(get(api, "requests", {"jurisdiction_id": "PK-ZZ"}), 404, "jurisdiction_id", "jurisdiction_unknown")
    _assert_error(api.get("/open311/v2/requests.csv"), 404, "path")
    _assert_error(api.get("/open311/v2/nothing.json"), 404, "path")


def test_a_method_not_offered_is_405_with_allow(api, o311):
    response = api.delete("/open311/v2/services.json")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert _json(response)[0]["code"] == 405 and _json(response)[0]["reason"] == "method_not_allowed"


def test_filing_is_rate_limited_per_api_key(api, o311, settings):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "open311": {"subject": "2/h"}}
    assert file_request(api).status_code == 200
    assert file_request(api).status_code == 200
    refused = file_request(api)
    _assert_error(refused, 429, None, "rate_limited")
    assert int(refused["Retry-After"]) > 0
    assert file_request(api, api_key=OTHER_KEY, address_id="PK-PB-LHR").status_code == 200  # another key, its own count


# --- the window, paging and filters ------------------------------------------------------------


def test_the_default_window_is_the_last_90_days_and_ids_override_it(api, o311):
    with time_machine.travel(timezone.now() - timedelta(days=120), tick=False):
        old = _json(file_request(api, description="An old leak"))[0]["service_request_id"]
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        recent = _json(file_request(api, description="A recent leak"))[0]["service_request_id"]
    assert [r["service_request_id"] for r in _json(get(api, "requests"))] == [recent]
    start = (timezone.now() - timedelta(days=125)).isoformat()
    assert [r["service_request_id"] for r in _json(get(api, "requests", {"start_date": start}))] == [old]
    both = _json(
        get(
            api,
            "requests",
            {"service_request_id": f"{old},{recent}", "service_code": "PB-MUN-ROAD", "status": "closed"},
        )
    )
    assert {r["service_request_id"] for r in both} == {old, recent}  # the id list overrides every other filter


def test_filters_status_code_and_paging(api, o311):
    numbers = [_json(file_request(api, description=f"Leak number {i}"))[0]["service_request_id"] for i in range(5)]
    road = _json(file_request(api, service_code="PB-MUN-ROAD", **{"attribute[size]": "small"}))[0]["service_request_id"]
    closed = Complaint.objects.get(tracking_number=numbers[0])
    Complaint.objects.filter(pk=closed.pk).update(status="closed", closed_at=timezone.now())
    assert [r["service_request_id"] for r in _json(get(api, "requests", {"service_code": "PB-MUN-ROAD"}))] == [road]
    assert [r["service_request_id"] for r in _json(get(api, "requests", {"status": "closed"}))] == [numbers[0]]
    assert len(_json(get(api, "requests", {"status": "open"}))) == 5
    assert len(_json(get(api, "requests", {"status": "open,closed"}))) == 6
    first = _json(get(api, "requests", {"page_size": "4"}))
    second = _json(get(api, "requests", {"page_size": "4", "page": "2"}))
    assert len(first) == 4 and len(second) == 2
    assert not {r["service_request_id"] for r in first} & {r["service_request_id"] for r in second}


def test_empty_parameters_behave_like_absent_ones(api, o311):
    _json(file_request(api))
    empty = {
        "service_code": "",
        "status": "",
        "start_date": "",
        "end_date": "",
        "page": "",
        "page_size": "",
        "service_request_id": "",
        "jurisdiction_id": "",
    }
    assert _json(get(api, "requests", empty)) == _json(get(api, "requests"))
    assert _json(get(api, "services", {"jurisdiction_id": ""})) == _json(get(api, "services"))


def test_the_list_query_count_does_not_grow_with_rows(api, o311, django_assert_num_queries):
    for i in range(3):
        file_request(api, description=f"Leak {i}")
    # The listed services, then one page of requests.
    with django_assert_num_queries(2):
        small = get(api, "requests")
    for i in range(12):
        file_request(api, description=f"More {i}")
    with django_assert_num_queries(2):
        large = get(api, "requests")
    assert len(_json(small)) == 3 and len(_json(large)) == 15


def test_jurisdiction_id_keeps_the_requests_at_that_place_or_below(api, o311):
    number = _json(file_request(api))[0]["service_request_id"]
    assert [r["service_request_id"] for r in _json(get(api, "requests", {"jurisdiction_id": "PK-PB"}))] == [number]
    assert [r["service_request_id"] for r in _json(get(api, "requests", {"jurisdiction_id": "PK-PB-LHR"}))] == [number]
    assert _json(get(api, "requests", {"jurisdiction_id": "PK-SD"})) == []
