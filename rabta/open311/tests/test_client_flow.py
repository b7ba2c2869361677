"""A generic Open311 client, knowing nothing of Rabta but the discovery document: it finds the
endpoint, lists services, reads a definition, files a request, and follows it through resolution
with the service-request-updates extension while the office works it through Rabta's services."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from rabta.complaints.choices import Outcome, Status
from rabta.complaints.models import Complaint
from rabta.complaints.services.work import complaint_acknowledge, complaint_resolve, complaint_start
from rabta.open311.selectors import UPDATE_KINDS, request_status
from rabta.open311.tests.conftest import KEY

pytestmark = pytest.mark.django_db


class GeoReportClient:
    def __init__(self, http, discovery_url: str, api_key: str) -> None:
        self.http, self.api_key = http, api_key
        found = json.loads(http.get(discovery_url).content)
        endpoint = next(e for e in found["endpoints"] if "application/json" in e["formats"])
        self.base = urlsplit(endpoint["url"]).path

    def get(self, path: str, **params):
        response = self.http.get(f"{self.base}{path}.json", params)
        assert response.status_code == 200, response.content
        return json.loads(response.content)

    def post(self, path: str, **params):
        response = self.http.post(f"{self.base}{path}.json", {"api_key": self.api_key, **params})
        assert response.status_code == 200, response.content
        return json.loads(response.content)


def test_a_generic_client_files_and_follows_a_request_to_resolution(api, o311, officer_a):
    start = timezone.now() - timezone.timedelta(minutes=1)
    client = GeoReportClient(api, "/open311/v2/discovery.json", KEY)
    services = client.get("services")
    service = next(s for s in services if s["metadata"])
    definition = client.get(f"services/{service['service_code']}")
    answers = {}
    for attribute in definition["attributes"]:
        if attribute["required"]:
            answers[f"attribute[{attribute['code']}]"] = attribute["values"][0]["key"]
    [created] = client.post(
        "requests",
        service_code=service["service_code"],
        description="A deep pothole by the school gate.",
        lat="31.5497",
        long="74.3436",
        address_string="Lahore",
        **answers,
    )
    number = created["service_request_id"]
    assert client.get(f"tokens/{created['token']}")[0]["service_request_id"] == number

    complaint = Complaint.objects.get(tracking_number=number)
    complaint_acknowledge(complaint=complaint, actor=officer_a)
    complaint_start(complaint=Complaint.objects.get(pk=complaint.pk), actor=officer_a)
    # The complainant tells the office more, through the client.
    client.post(
        "servicerequestupdates", service_request_id=number, description="It is getting bigger.", update_id="app-7"
    )
    complaint_resolve(complaint=Complaint.objects.get(pk=complaint.pk), actor=officer_a, outcome=Outcome.RELIEF_GRANTED)

    [request] = client.get(f"requests/{number}")
    assert request["status"] == "closed" and request["status_notes"] == "Relief granted"
    assert datetime.fromisoformat(request["updated_datetime"]) >= datetime.fromisoformat(request["requested_datetime"])
    updates = [
        u
        for u in client.get("servicerequestupdates", api_key=KEY, start_date=start.isoformat())
        if u["service_request_id"] == number
    ]
    assert [u["status"] for u in updates] == ["open", "investigating", "in_progress", "fixed"]
    assert all(
        isinstance(u["update_id"], str) and datetime.fromisoformat(u["updated_datetime"]).tzinfo for u in updates
    )
    assert "getting bigger" not in json.dumps(updates)  # a complainant's words are not published as updates


def test_updates_need_a_key(api, o311):
    response = api.get("/open311/v2/servicerequestupdates.json")
    assert response.status_code == 403 and json.loads(response.content)[0]["field"] == "api_key"


@pytest.mark.parametrize("status", list(Status))
def test_every_status_maps_to_open_or_closed(status):
    expected = (
        "closed" if status in {Status.RESOLVED, Status.APPEAL_DECIDED, Status.CLOSED, Status.REJECTED} else "open"
    )
    assert request_status(status) == expected


def test_every_update_kind_is_public_on_the_timeline():
    """An Open311 update is published: each kind must be one the complainant's own timeline shows."""
    from rabta.complaints.selectors import Audience, event_audience

    assert all(event_audience(kind) == Audience.EVERYONE for kind in UPDATE_KINDS)
