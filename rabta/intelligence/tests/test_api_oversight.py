"""The oversight API of the intelligence domain: misuse signals (list, one, review) and the stored
recurring clusters (list, one), with the pages' rules (scope, a hidden complainant's identity) and
bounded pages. The matrix (rabta/api/tests/test_matrix.py) holds every persona's status."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.complaints.choices import Anonymity
from rabta.core.models import Event
from rabta.intelligence import selectors
from rabta.intelligence.events import IntelligenceEvent
from rabta.intelligence.models import MisuseSignal, RecurringCluster
from rabta.intelligence.services import signals_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def oversight_b(world):
    return make_user("oversight.b@gov.pk", "Sindh oversight", (Role.OVERSIGHT, None, world.gov_sindh))


@pytest.fixture
def signals(submit):
    """An abusive-language signal on a complaint whose complainant is hidden from the office, and
    one on a complaint whose name the office sees."""
    hidden = submit(text="you idiot officer", anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    shown = submit(text="you moron officer", anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC)
    signals_scan()
    return {
        "hidden": MisuseSignal.objects.get(complaint=hidden),
        "shown": MisuseSignal.objects.get(complaint=shown),
    }


def review(client, signal_id, body):
    return client.post(
        f"/api/intelligence/signals/{signal_id}/review", data=json.dumps(body), content_type="application/json"
    )


def test_the_list_names_a_complainant_only_where_the_office_may_see_the_name(
    verified_client, oversight, citizen, signals
):
    client = verified_client(oversight)
    response = client.get("/api/intelligence/signals")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_id = {item["id"]: item for item in body["items"]}
    assert by_id[signals["hidden"].pk]["complainant_name"] is None
    assert by_id[signals["shown"].pk]["complainant_name"] == citizen.full_name
    assert by_id[signals["hidden"].pk]["evidence"] == {"terms": ["idiot"]}
    one = client.get(f"/api/intelligence/signals/{signals['hidden'].pk}")
    assert one.status_code == 200 and one.json()["complaint"] == signals["hidden"].complaint.tracking_number
    # Nothing about the hidden complainant anywhere in the answer about their signal.
    assert citizen.full_name not in one.content.decode() and citizen.email not in one.content.decode()


def test_the_list_filters_by_status_and_refuses_an_unknown_one(verified_client, oversight, signals):
    client = verified_client(oversight)
    assert client.get("/api/intelligence/signals", {"status": "dismissed"}).json()["count"] == 0
    bad = client.get("/api/intelligence/signals", {"status": "maybe"})
    assert bad.status_code == 422
    assert bad.json()["fields"]["status"][0]["code"] == "enum"


def test_outside_scope_a_signal_is_not_found_and_the_list_is_refused_to_non_oversight(
    verified_client, oversight_b, officer_a, signals
):
    signal = signals["hidden"]
    client = verified_client(oversight_b)
    assert client.get("/api/intelligence/signals").json()["count"] == 0
    assert client.get(f"/api/intelligence/signals/{signal.pk}").status_code == 404
    refused = review(client, signal.pk, {"decision": "confirmed", "reason": "Insult."})
    assert refused.status_code == 404
    client = verified_client(officer_a)
    assert client.get("/api/intelligence/signals").status_code == 403
    assert client.get(f"/api/intelligence/signals/{signal.pk}").status_code == 404
    assert review(client, signal.pk, {"decision": "confirmed", "reason": "Insult."}).status_code == 404
    assert MisuseSignal.objects.get(pk=signal.pk).status == "open"
    assert not Event.objects.filter(kind=IntelligenceEvent.SIGNAL_REVIEWED).exists()


def test_a_review_is_recorded_with_its_reason_and_event_and_only_once(verified_client, oversight, signals):
    signal = signals["shown"]
    client = verified_client(oversight)
    done = review(client, signal.pk, {"decision": "confirmed", "reason": "Insults the officer."})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["review_reason"]) == ("confirmed", "Insults the officer.")
    event = Event.objects.get(kind=IntelligenceEvent.SIGNAL_REVIEWED)
    assert (event.from_state, event.to_state, event.actor_id) == ("open", "confirmed", oversight.pk)
    again = review(client, signal.pk, {"decision": "dismissed", "reason": "Changed my mind."})
    assert (again.status_code, again.json()["code"]) == (409, "signal_already_reviewed")
    assert MisuseSignal.objects.get(pk=signal.pk).status == "confirmed"


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"decision": "maybe", "reason": "Why not."}, 422, "decision", "literal_error"),
        ({"decision": "open", "reason": "Back to the queue."}, 422, "decision", "literal_error"),
        ({"reason": "Why not."}, 422, "decision", "missing"),
        ({"decision": "confirmed"}, 422, "reason", "missing"),
        ({"decision": "confirmed", "reason": "   "}, 400, "reason", "reason_required"),
        ({"decision": "confirmed", "reason": "bad\u0000byte"}, 400, "reason", "text_control_character"),
    ],
)
def test_bad_review_input_names_the_field_with_a_code_and_changes_nothing(
    verified_client, oversight, signals, body, status, field, code
):
    signal = signals["shown"]
    response = review(verified_client(oversight), signal.pk, body)
    assert response.status_code == status, response.content
    assert response.json()["fields"][field][0]["code"] == code
    assert MisuseSignal.objects.get(pk=signal.pk).status == "open"
    assert not Event.objects.filter(kind=IntelligenceEvent.SIGNAL_REVIEWED).exists()


@pytest.fixture
def clusters(world, categories, submit):
    """35 stored clusters of office A (5 rising), as the nightly job leaves them (oversight sees an
    office's clusters through its complaints: it has one)."""
    from rabta.complaints.models import Category
    from rabta.directory.models import Jurisdiction

    submit()
    now = timezone.now()
    category = Category.objects.get(code="PB-MUN-WATER")
    lahore = Jurisdiction.objects.get(code="PK-PB-LHR")
    return RecurringCluster.objects.bulk_create(
        RecurringCluster(
            office=world.office_a,
            category=category,
            district=lahore,
            recent=3 + i,
            previous=10,
            rising=i < 5,
            terms=["water", f"street{i}"],
            examples=[f"No water in street {i}."],
            computed_at=now,
        )
        for i in range(35)
    )


def test_clusters_come_a_page_at_a_time_rising_first(verified_client, oversight, clusters):
    client = verified_client(oversight)
    first = client.get("/api/intelligence/clusters").json()
    assert first["count"] == 35 and len(first["items"]) == selectors.PAGE_SIZE
    assert [c["rising"] for c in first["items"][:6]] == [True] * 5 + [False]
    rest = client.get("/api/intelligence/clusters", {"page": 2}).json()["items"]
    assert len(rest) == 35 - selectors.PAGE_SIZE
    assert {c["id"] for c in first["items"]}.isdisjoint({c["id"] for c in rest})
    small = client.get("/api/intelligence/clusters", {"page_size": 10, "page": 4}).json()["items"]
    assert len(small) == 5
    rising = client.get("/api/intelligence/clusters", {"rising": "true"}).json()
    assert rising["count"] == 5
    assert client.get("/api/intelligence/clusters", {"district": "PK-SD-KHI"}).json()["count"] == 0


def test_a_page_is_never_larger_than_its_bound(verified_client, oversight, clusters, world):
    from rabta.complaints.models import Category

    category = Category.objects.get(code="PB-MUN-WATER")
    RecurringCluster.objects.bulk_create(
        RecurringCluster(
            office=world.office_a,
            category=category,
            district=clusters[0].district,
            recent=3,
            computed_at=timezone.now(),
        )
        for _ in range(selectors.PAGE_SIZE_MAX)
    )
    client = verified_client(oversight)
    big = client.get("/api/intelligence/clusters", {"page_size": 10_000}).json()
    assert big["count"] == 35 + selectors.PAGE_SIZE_MAX and len(big["items"]) == selectors.PAGE_SIZE_MAX
    assert client.get("/api/intelligence/clusters", {"page_size": 0}).status_code == 422
    assert client.get("/api/intelligence/clusters", {"page_size": 10**9}).status_code == 422


def test_one_cluster_is_oversights_within_its_offices(verified_client, oversight, oversight_b, officer_a, clusters):
    cluster = clusters[0]
    body = verified_client(oversight).get(f"/api/intelligence/clusters/{cluster.pk}").json()
    assert (body["office"]["code"], body["category"]["code"], body["district"]["code"]) == (
        cluster.office.code,
        "PB-MUN-WATER",
        "PK-PB-LHR",
    )
    assert body["examples"] == ["No water in street 0."]
    assert verified_client(oversight_b).get(f"/api/intelligence/clusters/{cluster.pk}").status_code == 404
    assert verified_client(officer_a).get(f"/api/intelligence/clusters/{cluster.pk}").status_code == 404
    assert verified_client(officer_a).get("/api/intelligence/clusters").status_code == 403


# --- The pages, a page at a time -----------------------------------------------------------------


def test_the_recurring_page_shows_a_page_at_a_time_and_keeps_the_filters(verified_client, oversight, clusters):
    client = verified_client(oversight)
    first = client.get("/en/intelligence/recurring/", {"category": "PB-MUN-WATER"}).content.decode()
    assert first.count('class="card"') == selectors.PAGE_SIZE
    assert "Page 1 of 2" in first and 'href="?category=PB-MUN-WATER&amp;page=2"' in first
    second = client.get("/en/intelligence/recurring/", {"category": "PB-MUN-WATER", "page": 2}).content.decode()
    assert second.count('class="card"') == 35 - selectors.PAGE_SIZE and "Page 2 of 2" in second
    # A page past the end is the last; one that is not a number, the first.
    assert client.get("/en/intelligence/recurring/", {"page": 99}).content.decode().count('class="card"') == 10
    assert "Page 1 of 2" in client.get("/en/intelligence/recurring/", {"page": "x"}).content.decode()


def test_the_signals_page_shows_a_page_at_a_time(verified_client, oversight, signals, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)  # the two signals, one a page
    client = verified_client(oversight)
    first = client.get("/en/intelligence/signals/").content.decode()
    assert first.count('id="signal-') == 1 and "Page 1 of 2" in first and 'href="?page=2"' in first
    second = client.get("/en/intelligence/signals/", {"status": "open", "page": 2}).content.decode()
    assert second.count('id="signal-') == 1 and 'href="?status=open&amp;page=1"' in second
    shown = {page.split('id="signal-', 1)[1].split('"', 1)[0] for page in (first, second)}
    assert shown == {str(signals["hidden"].pk), str(signals["shown"].pk)}
