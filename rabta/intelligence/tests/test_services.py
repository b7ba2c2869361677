"""The intelligence services: misuse signals raised by the scan and reviewed by a person (only a
confirmation reaches the responsibility index), and the recurring clusters the nightly job stores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rabta.accountability.models import ComplainantStanding
from rabta.accountability.services import standing_score
from rabta.complaints.choices import Anonymity
from rabta.complaints.models import Complaint
from rabta.core.errors import Conflict, DomainError, Forbidden
from rabta.core.models import Event
from rabta.intelligence.choices import SignalKind, SignalStatus
from rabta.intelligence.events import IntelligenceEvent
from rabta.intelligence.models import MisuseSignal, RecurringCluster
from rabta.intelligence.services import recurring_refresh, signal_review, signals_scan

pytestmark = pytest.mark.django_db

SAME = "No water in Gulberg street 4 for seven days, the pipeline near the mosque is broken and nobody came."


def test_abusive_words_in_any_script_raise_one_open_signal_and_change_nothing_else(submit, citizen):
    rude = submit(text="The officer is a HARAAMI and a کمینہ, no water for a week.")
    submit(subject="Stray dogs", text="Stray kutte in the street; the chor who stole the meter is known.")
    result = signals_scan()
    assert (result.scanned, result.abusive) == (2, 1)
    signal = MisuseSignal.objects.get()
    assert (signal.kind, signal.complaint_id, signal.complainant_id) == (
        SignalKind.ABUSIVE_LANGUAGE,
        rude.pk,
        citizen.pk,
    )
    assert signal.status == SignalStatus.OPEN and set(signal.evidence["terms"]) == {"harami", "کمینہ"}
    assert Event.objects.filter(kind=IntelligenceEvent.SIGNAL_RAISED, subject_id=str(signal.pk)).count() == 1
    assert not ComplainantStanding.objects.filter(user=citizen).exists()  # never an automatic penalty
    assert standing_score(citizen) == 0


def test_the_scan_is_idempotent(submit):
    submit(text="You idiot, fix the water.")
    signals_scan()
    again = signals_scan()
    assert (again.abusive, again.repeated) == (0, 0)
    assert MisuseSignal.objects.count() == 1


def test_a_near_identical_complaint_from_the_same_complainant_is_a_repeated_signal(submit, other_citizen):
    first = submit(text=SAME)
    second = submit(text=SAME.replace("seven", "7"))
    submit(text=SAME, complainant=other_citizen)  # someone else writing the same is no misuse
    submit(text="A stray dog bit a child near the park gate yesterday evening.")
    result = signals_scan()
    assert result.repeated == 1
    signal = MisuseSignal.objects.get(kind=SignalKind.REPEATED_COMPLAINT)
    assert signal.complaint_id == second.pk
    assert [e["tracking_number"] for e in signal.evidence["earlier"]] == [first.tracking_number]
    assert signal.score >= 0.8


def test_a_repeat_older_than_the_window_is_not_a_signal(submit):
    old = submit(text=SAME)
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=45))
    submit(text=SAME)
    assert signals_scan().repeated == 0


def test_a_fully_anonymous_complaint_has_nobody_to_signal(submit):
    submit(text="you idiot", complainant=None, anonymity=Anonymity.FULLY_ANONYMOUS)
    assert signals_scan().scanned == 0


def test_a_confirmed_signal_counts_in_the_index_through_the_accountability_service(submit, citizen, oversight):
    submit(text="You bastard officers, no water again.")
    signals_scan()
    signal = MisuseSignal.objects.get()
    reviewed = signal_review(
        signal=signal, actor=oversight, decision="confirmed", reason="Insults the officer by name."
    )
    assert (reviewed.status, reviewed.reviewed_by_id) == (SignalStatus.CONFIRMED, oversight.pk)
    standing = ComplainantStanding.objects.get(user=citizen)
    assert standing.score == pytest.approx(5.0, abs=0.01) and standing.level == "warned"
    event = Event.objects.get(kind=IntelligenceEvent.SIGNAL_REVIEWED)
    assert (event.from_state, event.to_state, event.actor_id) == ("open", "confirmed", oversight.pk)


def test_a_dismissed_signal_changes_no_standing(submit, citizen, oversight):
    submit(text="idiot")
    signals_scan()
    signal_review(signal=MisuseSignal.objects.get(), actor=oversight, decision="dismissed", reason="Quoting someone.")
    assert standing_score(citizen) == 0
    assert not ComplainantStanding.objects.filter(user=citizen).exists()


def test_a_review_needs_oversight_a_known_decision_a_reason_and_an_open_signal(submit, oversight, officer_a):
    submit(text="idiot")
    signals_scan()
    signal = MisuseSignal.objects.get()
    with pytest.raises(Forbidden):
        signal_review(signal=signal, actor=officer_a, decision="confirmed", reason="x")
    with pytest.raises(DomainError) as caught:
        signal_review(signal=signal, actor=oversight, decision="maybe", reason="x")
    assert "decision" in caught.value.fields
    with pytest.raises(DomainError) as caught:
        signal_review(signal=signal, actor=oversight, decision="confirmed", reason="   ")
    assert "reason" in caught.value.fields
    assert MisuseSignal.objects.get().status == SignalStatus.OPEN  # bad input changed nothing
    signal_review(signal=signal, actor=oversight, decision="dismissed", reason="fine")
    with pytest.raises(Conflict):
        signal_review(signal=signal, actor=oversight, decision="confirmed", reason="changed my mind")


def test_the_nightly_refresh_stores_rising_clusters_per_office_category_and_district(submit, world):
    for i in range(4):
        submit(
            text=f"No water supply in Gulberg street 4, pipeline broken, day {i}. Ayesha Khan 0300-1234567",
            anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE if i == 0 else Anonymity.NAME_HIDDEN_FROM_PUBLIC,
        )
    submit(text="A stray dog bit a child near the park gate yesterday evening.")
    result = recurring_refresh(days=30, min_size=3)
    assert (result.clusters, result.rising) == (1, 1)
    cluster = RecurringCluster.objects.get()
    assert (cluster.office_id, cluster.category.code, cluster.district.code) == (
        world.office_a.pk,
        "PB-MUN-WATER",
        "PK-PB-LHR",
    )
    assert (cluster.recent, cluster.previous, cluster.rising) == (4, 0, True)
    assert "pipeline" in cluster.terms and len(cluster.examples) == 3
    shown = " ".join(cluster.examples)
    for identifier in ("Ayesha", "Khan", "0300", "1234567"):
        assert identifier not in shown
    assert recurring_refresh(days=30, min_size=3).clusters == 1 and RecurringCluster.objects.count() == 1  # replaced


def test_a_refresh_with_nothing_recurring_leaves_no_clusters(submit):
    submit(text="A stray dog bit a child near the park gate yesterday evening.")
    assert recurring_refresh(days=30, min_size=3).clusters == 0
    assert not RecurringCluster.objects.exists()
