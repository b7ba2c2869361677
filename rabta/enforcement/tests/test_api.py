"""The enforcement API end to end: an officer files, a supervisor approves, the trends and the
movers show it at once; errors name their fields; what is outside a reader's scope is 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rabta.api.testing.matrix import signed_in
from rabta.enforcement.models import Incident

pytestmark = pytest.mark.django_db
BASE = "/api/enforcement"


def _body(**overrides):
    body = {
        "formation": "FED-CUS-APP-KHI-ASO",
        "occurred_on": str(timezone.localdate() - timedelta(days=2)),
        "incident_type": "narcotics",
        "modus_operandi": "concealment_body",
        "description": "Heroin in the lining of a suitcase.",
        "goods": [
            {
                "tariff_code": "30049099",
                "description": "Packets",
                "quantity": "2.5",
                "unit": "KGM",
                "value": "900000",
                "origin_country": "AF",
            }
        ],
        "parties": [{"role": "person", "name": "A passenger", "country": "AF"}],
        "route": "Torkham-Peshawar",
    }
    return {**body, **overrides}


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_file_approve_and_the_trends_reflect_it_at_once(staff):
    reporter, supervisor, analyst = (signed_in(staff.reporter), signed_in(staff.supervisor), signed_in(staff.analyst))
    created = _post(reporter, f"{BASE}/incidents", _body())
    assert created.status_code == 201, created.json()
    ref = created.json()["reference"]
    assert created.json()["review_status"] == "draft" and created.json()["goods"][0]["quantity"] == "2.500"
    assert supervisor.get(f"{BASE}/incidents/{ref}").status_code == 404  # a draft is the reporter's alone
    assert _post(reporter, f"{BASE}/incidents/{ref}/submit").json()["review_status"] == "submitted"
    assert analyst.get(f"{BASE}/incidents/{ref}").status_code == 404  # not approved yet
    approved = _post(supervisor, f"{BASE}/incidents/{ref}/approve")
    assert approved.status_code == 200 and approved.json()["approved_by"] == "Kamal Supervisor"
    trends = analyst.get(f"{BASE}/trends", {"by": "route"}).json()
    assert [(t["value"], t["incidents"]) for t in trends] == [("Torkham-Peshawar", 1)]
    by_formation = analyst.get(f"{BASE}/trends", {"by": "formation"}).json()
    assert by_formation[0]["value"] == "FED-CUS-APP-KHI-ASO" and by_formation[0]["goods_value"] == "900000.00"
    movers = analyst.get(f"{BASE}/movers", {"by": "origin"}).json()
    assert movers[0]["value"] == "AF" and movers[0]["this_month"] == 1 and movers[0]["change"] is None
    timeline = analyst.get(f"{BASE}/incidents/{ref}/timeline").json()
    assert [e["kind"] for e in timeline] == [
        "enforcement.incident_drafted",
        "enforcement.incident_submitted",
        "enforcement.incident_approved",
    ]


def test_bad_input_names_each_field_and_saves_nothing(staff):
    reporter = signed_in(staff.reporter)
    future = str(timezone.localdate() + timedelta(days=30))
    response = _post(
        reporter,
        f"{BASE}/incidents",
        _body(
            occurred_on=future,
            goods=[{"tariff_code": "0000", "description": "x", "quantity": "0", "unit": "KGM", "value": "1"}],
        ),
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["occurred_on"][0]["code"] == "date_in_future"
    assert fields["goods.0.tariff_code"][0]["code"] == "code_malformed"
    assert fields["goods.0.quantity"][0]["code"] == "quantity_invalid"
    assert Incident.objects.count() == 0
    # A body that is not the schema at all is the API's own 422 naming the field.
    broken = _post(reporter, f"{BASE}/incidents", {"formation": "FED-CUS-APP-KHI-ASO"})
    assert broken.status_code == 422 and "occurred_on" in str(broken.json())


def test_the_reporter_approving_is_refused_with_its_code(staff):
    supervisor = signed_in(staff.supervisor)
    ref = _post(supervisor, f"{BASE}/incidents", _body(formation="FED-CUS-APP-KHI")).json()["reference"]
    _post(supervisor, f"{BASE}/incidents/{ref}/submit")
    refused = _post(supervisor, f"{BASE}/incidents/{ref}/approve")
    assert refused.status_code == 403 and refused.json()["code"] == "approver_is_reporter"


def test_outside_scope_is_404_and_trends_are_scoped_to_the_readers_formations(staff):
    reporter, quetta = signed_in(staff.reporter), signed_in(staff.quetta_supervisor)
    ref = _post(reporter, f"{BASE}/incidents", _body()).json()["reference"]
    _post(reporter, f"{BASE}/incidents/{ref}/submit")
    assert quetta.get(f"{BASE}/incidents/{ref}").status_code == 404
    assert _post(quetta, f"{BASE}/incidents/{ref}/approve").status_code == 404
    _post(signed_in(staff.supervisor), f"{BASE}/incidents/{ref}/approve")
    assert quetta.get(f"{BASE}/trends").json() == []  # Karachi's incidents are not Quetta's trends
    assert signed_in(staff.manager).get(f"{BASE}/trends").json()[0]["incidents"] == 1
    refused = signed_in(staff.outsider).get(f"{BASE}/trends")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"by": "colour"}, "by", "dimension_unknown"),
        ({"start": "2026-06-01", "end": "2026-01-01"}, "start", "period_invalid"),
        ({"start": "2000-01-01", "end": "2026-01-01"}, "start", "period_invalid"),
    ],
)
def test_trend_questions_that_cannot_be_answered_name_the_field(staff, params, field, code):
    response = signed_in(staff.analyst).get(f"{BASE}/trends", params)
    assert response.status_code == 400 and response.json()["fields"][field][0]["code"] == code


def test_an_amendment_shows_in_the_report_with_what_changed(staff):
    reporter = signed_in(staff.reporter)
    ref = _post(reporter, f"{BASE}/incidents", _body()).json()["reference"]
    _post(reporter, f"{BASE}/incidents/{ref}/submit")
    _post(signed_in(staff.supervisor), f"{BASE}/incidents/{ref}/approve")
    amended = _post(
        reporter,
        f"{BASE}/incidents/{ref}/amend",
        {
            "reason": "Weighed again",
            "goods": [
                {
                    "tariff_code": "30049099",
                    "description": "Packets",
                    "quantity": "2.4",
                    "unit": "KGM",
                    "value": "860000",
                    "origin_country": "AF",
                }
            ],
        },
    )
    assert amended.status_code == 200, amended.json()
    body = amended.json()
    assert body["goods"][0]["quantity"] == "2.400" and body["total_value"] == "860000.00"
    assert body["amendments"][0]["reason"] == "Weighed again" and "goods" in body["amendments"][0]["changes"]
