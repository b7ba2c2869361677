"""The intelligence reads: the signal queue (oversight, within scope, never a hidden complainant's
name), the stored clusters (oversight's offices, filters), and the triage on the work page."""

from __future__ import annotations

import pytest

from rabta.complaints.choices import Anonymity
from rabta.complaints.models import Complaint
from rabta.core.errors import Forbidden, NotFound
from rabta.intelligence import selectors
from rabta.intelligence.models import MisuseSignal
from rabta.intelligence.services import recurring_refresh, signals_scan

pytestmark = pytest.mark.django_db


def test_the_queue_names_a_complainant_only_when_the_office_may_see_the_name(submit, oversight, citizen):
    shown = submit(text="you idiot", anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC)
    hidden = submit(text="you moron", anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    signals_scan()
    rows = {row.tracking_number: row for row in selectors.signal_queue(user=oversight)}
    assert rows[shown.tracking_number].complainant_name == citizen.full_name
    assert rows[hidden.tracking_number].complainant_name is None


def test_the_queue_is_oversights_and_a_signal_outside_scope_is_not_found(submit, oversight, officer_a):
    submit(text="you idiot")
    signals_scan()
    with pytest.raises(Forbidden):
        selectors.signal_queue(user=officer_a)
    signal = MisuseSignal.objects.get()
    assert selectors.signal_get(user=oversight, signal_id=signal.pk) == signal
    with pytest.raises(NotFound):
        selectors.signal_get(user=oversight, signal_id=signal.pk + 1000)


def test_the_queue_lists_by_status(submit, oversight):
    submit(text="you idiot")
    signals_scan()
    assert len(selectors.signal_queue(user=oversight, status="open")) == 1
    assert selectors.signal_queue(user=oversight, status="dismissed") == []


def test_clusters_are_filtered_by_office_category_and_district(submit, oversight, world):
    for i in range(3):
        submit(text=f"No water supply in Gulberg street 4, pipeline broken, day {i}")
    recurring_refresh(days=30, min_size=3)
    assert len(selectors.cluster_list(user=oversight)) == 1
    by = selectors.ClusterFilters
    assert len(selectors.cluster_list(user=oversight, filters=by(office=world.office_a.code))) == 1
    assert len(selectors.cluster_list(user=oversight, filters=by(category="PB-MUN-WATER", district="PK-PB-LHR"))) == 1
    assert len(selectors.cluster_list(user=oversight, filters=by(district="PK-SD-KHI"))) == 0
    assert len(selectors.cluster_list(user=oversight, filters=by(office="NOPE"))) == 0


def test_clusters_are_not_for_officers(officer_a):
    with pytest.raises(Forbidden):
        selectors.cluster_list(user=officer_a)


@pytest.fixture
def garbage(world, categories):
    from rabta.complaints.models import Category

    return Category.objects.create(code="PB-MUN-SANIT", name="Sanitation and garbage", department=world.lg_punjab)


def test_triage_suggests_another_category_for_a_misrouted_complaint_and_nothing_for_the_public(
    model_file, garbage, submit, officer_a, citizen
):
    complaint = submit(category_code="PB-MUN-SANIT", subject="Water", text="no water supply in our street, tap dry")
    complaint = Complaint.objects.select_related("category", "current_office", "jurisdiction").get(pk=complaint.pk)
    triage = selectors.complaint_triage(user=officer_a, complaint=complaint)
    assert triage is not None
    assert triage.suggestions[0].category == "PB-MUN-WATER"
    assert triage.misrouted and not triage.unrouted
    assert selectors.complaint_triage(user=citizen, complaint=complaint) is None


def test_triage_of_a_well_routed_complaint_offers_no_transfer(model_file, garbage, submit, officer_a):
    complaint = submit(category_code="PB-MUN-WATER", subject="Water", text="no water supply in our street, tap dry")
    complaint = Complaint.objects.select_related("category", "current_office", "jurisdiction").get(pk=complaint.pk)
    triage = selectors.complaint_triage(user=officer_a, complaint=complaint)
    assert triage is not None and not triage.misrouted and triage.transfer_to is None


def test_no_model_means_no_triage(submit, officer_a, settings, tmp_path):
    from rabta.intelligence.suggest import model_forget

    settings.RABTA_INTELLIGENCE_MODEL = tmp_path / "absent"
    model_forget()
    complaint = submit(category_code="PB-MUN-WATER", text="no water supply in our street")
    assert selectors.complaint_triage(user=officer_a, complaint=complaint) is None
