"""Recurring problems for oversight: similar complaints per office, category and place, rising
ones flagged, readable, with no identity shown, and refused to anyone but oversight."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from rabta.complaints.choices import Anonymity
from rabta.complaints.models import Complaint
from rabta.core.errors import Forbidden
from rabta.intelligence.recurring import recurring_problems

WATER = [
    "No water supply in Gulberg street 4 for a week, the pipeline is broken. Call me on 0300-1234567.",
    "no water supply in gulberg street 4 since monday, pipeline broken",
    "Gulberg street 4: water supply stopped, the pipeline is broken again",
    "water supply in Gulberg street 4 is off, broken pipeline",
]


@pytest.fixture
def lodged(submit, citizen):
    made = [
        submit(
            subject="No water",
            text=text,
            anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE if i == 0 else Anonymity.NAME_HIDDEN_FROM_PUBLIC,
        )
        for i, text in enumerate(WATER)
    ]
    made.append(submit(subject="Dog bite", text="A stray dog bit a child near the park gate yesterday evening."))
    return made


def _age(complaint, days):
    Complaint.objects.filter(pk=complaint.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_similar_complaints_form_one_rising_cluster_with_terms_and_scrubbed_examples(lodged, oversight, world):
    found = recurring_problems(user=oversight, days=30, min_size=3)
    assert len(found) == 1
    cluster = found[0]
    assert (cluster.office, cluster.category, cluster.place) == (world.office_a.code, "PB-MUN-WATER", "PK-PB-LHR")
    assert (cluster.recent, cluster.previous, cluster.rising) == (4, 0, True)
    assert {"gulberg", "pipeline"} <= set(cluster.terms)
    assert len(cluster.examples) == 3
    shown = " ".join(cluster.examples)
    for identifier in ("Ayesha", "Khan", "0300", "1234567"):
        assert identifier not in shown


def test_a_cluster_as_large_as_before_is_recurring_but_not_rising(lodged, oversight, submit):
    for text in WATER[:3]:
        _age(submit(subject="No water", text=text), 40)
    cluster = recurring_problems(user=oversight, days=30, min_size=3)[0]
    assert (cluster.recent, cluster.previous, cluster.rising) == (4, 3, False)


def test_small_clusters_are_not_recurring(lodged, oversight):
    assert recurring_problems(user=oversight, days=30, min_size=5) == []


@pytest.mark.parametrize("who", ["citizen", "officer_a", "supervisor_a", "administrator"])
def test_only_oversight_sees_recurring_problems(lodged, request, who):
    with pytest.raises(Forbidden):
        recurring_problems(user=request.getfixturevalue(who))


def test_oversight_of_another_government_sees_none_of_them(lodged, world):
    from conftest import make_user
    from rabta.accounts.roles import Role

    sindh = make_user("oversight.sd@gov.pk", "Sindh oversight", (Role.OVERSIGHT, None, world.gov_sindh))
    assert recurring_problems(user=sindh) == []


def test_api_recurring_is_oversights(verified_client, lodged, oversight, officer_a):
    refused = verified_client(officer_a).get("/api/intelligence/recurring")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    response = verified_client(oversight).get("/api/intelligence/recurring?days=30")
    assert response.status_code == 200
    body = response.json()
    assert body[0]["rising"] is True and body[0]["recent"] == 4
    assert "Ayesha" not in json.dumps(body, ensure_ascii=False)
