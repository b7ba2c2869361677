from __future__ import annotations

from datetime import date

import pytest

from rabta.core.errors import Conflict, DomainError, Forbidden, InvalidTransition
from rabta.core.models import Event
from rabta.tariff.choices import ChangeStatus
from rabta.tariff.events import TariffEvent
from rabta.tariff.models import DutyRate, Measure, TariffChange, TariffCode
from rabta.tariff.selectors import tariff_in_force
from rabta.tariff.services.changes import tariff_change_approve, tariff_change_propose, tariff_change_reject

pytestmark = pytest.mark.django_db

RATE = {"code": "84713010", "duty": "rd", "basis": "ad_valorem", "percent": "15", "valid_from": "2025-07-01"}


def propose(actor, kind="rate_add", reason="Finance Act 2025", **data):
    return tariff_change_propose(
        actor=actor, kind=kind, data={**RATE, **data} if kind == "rate_add" else data, reason=reason
    )


def test_a_proposed_rate_applies_only_once_a_second_officer_approves_it(tariff, proposer, approver):
    change = propose(proposer)
    before = {rate.duty for rate in tariff_in_force("84713010", on=date(2025, 8, 1)).rates}
    assert "rd" not in before and change.status == ChangeStatus.PROPOSED

    approved = tariff_change_approve(actor=approver, change=change, note="Checked against the Act.")

    rates = {rate.duty: rate for rate in tariff_in_force("84713010", on=date(2025, 8, 1)).rates}
    assert rates["rd"].percent == 15
    assert "rd" not in {rate.duty for rate in tariff_in_force("84713010", on=date(2025, 6, 30)).rates}
    assert approved.status == ChangeStatus.APPROVED and approved.decided_by == approver
    assert approved.applied == f"rate:{rates['rd'].pk}"
    kinds = list(Event.objects.filter(kind__startswith="tariff.change").values_list("kind", "actor"))
    assert kinds == [(TariffEvent.CHANGE_PROPOSED, proposer.pk), (TariffEvent.CHANGE_APPROVED, approver.pk)]
    assert Event.objects.filter(kind=TariffEvent.RATE_ADDED, subject_id=str(rates["rd"].pk), actor=approver).exists()


def test_the_proposer_cannot_approve_their_own_change(tariff, proposer):
    change = propose(proposer)
    with pytest.raises(Forbidden) as refused:
        tariff_change_approve(actor=proposer, change=change)
    assert refused.value.code == "own_proposal"
    assert TariffChange.objects.get().status == ChangeStatus.PROPOSED


def test_only_tariff_officers_propose_or_decide(tariff, proposer, officer_a, administrator):
    for outsider in (officer_a, administrator):
        with pytest.raises(Forbidden) as refused:
            propose(outsider)
        assert refused.value.code == "not_allowed"
    change = propose(proposer)
    with pytest.raises(Forbidden):
        tariff_change_approve(actor=officer_a, change=change)
    assert TariffChange.objects.count() == 1


def test_a_rejected_change_never_reaches_the_tariff_and_needs_a_reason(tariff, proposer, approver):
    change = propose(proposer)
    with pytest.raises(DomainError) as no_note:
        tariff_change_reject(actor=approver, change=change, note="  ")
    assert no_note.value.fields["note"][0]["code"] == "required"

    tariff_change_reject(actor=approver, change=change, note="Not in the Act.")

    assert not DutyRate.objects.filter(code__code="84713010", duty="rd").exists()
    assert Event.objects.filter(kind=TariffEvent.CHANGE_REJECTED, reason="Not in the Act.").exists()
    with pytest.raises(InvalidTransition) as again:
        tariff_change_approve(actor=approver, change=change)
    assert again.value.code == "already_decided"


def test_a_new_open_rate_closes_the_open_one_the_day_before(tariff, proposer, approver):
    old = DutyRate.objects.get(code__code="84713010", duty="st", valid_to__isnull=True)
    change = propose(proposer, duty="st", percent="20")
    tariff_change_approve(actor=approver, change=change)

    old.refresh_from_db()
    assert old.valid_to == date(2025, 6, 30)
    on_day = {rate.duty: rate.percent for rate in tariff_in_force("84713010", on=date(2025, 7, 1)).rates}
    day_before = {rate.duty: rate.percent for rate in tariff_in_force("84713010", on=date(2025, 6, 30)).rates}
    assert (on_day["st"], day_before["st"]) == (20, 18)
    assert Event.objects.filter(kind=TariffEvent.RATE_ENDED, subject_id=str(old.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field", "code", "error"),
    [
        ({"code": "99999999"}, "code", "code_unknown", DomainError),
        ({"code": "84x1"}, "code", "code_malformed", DomainError),
        ({"code": ""}, "code", "required", DomainError),
        ({"valid_from": "2025-07-01", "valid_to": "2025-06-01"}, "valid_to", "dates_reversed", DomainError),
        ({"valid_from": "2025-13-01"}, "valid_from", "invalid_date", DomainError),
        ({"valid_from": "2021-01-01"}, "valid_from", "outside_code_validity", DomainError),
        (
            {"duty": "st", "valid_from": "2022-03-01", "valid_to": "2022-12-31"},
            "valid_from",
            "overlapping_validity",
            Conflict,
        ),
        ({"percent": "-5"}, "percent", "rate_negative", DomainError),
        ({"percent": "1800"}, "percent", "rate_absurd", DomainError),
        ({"percent": "NaN"}, "percent", "rate_absurd", DomainError),
        ({"percent": "abc"}, "percent", "invalid_row", DomainError),
        ({"duty": "vat"}, "duty", "invalid_choice", DomainError),
        ({"basis": "specific", "percent": None, "amount": "500"}, "per_unit", "required", DomainError),
        ({"amount": "5"}, "amount", "rate_basis_mismatch", DomainError),
    ],
)
def test_bad_rate_input_names_the_field_and_changes_nothing(tariff, proposer, data, field, code, error):
    events, rates = Event.objects.count(), DutyRate.objects.count()
    with pytest.raises(error) as refused:
        propose(proposer, **data)
    assert type(refused.value) is error
    assert [item["code"] for item in refused.value.fields[field]] == [code]
    assert refused.value.message.startswith(f"{field}: ")
    assert (Event.objects.count(), DutyRate.objects.count(), TariffChange.objects.count()) == (events, rates, 0)


def test_an_overlap_that_arose_after_the_proposal_is_refused_at_approval(tariff, proposer, approver):
    first = propose(proposer, valid_to="2025-12-31")
    second = propose(proposer, valid_from="2025-10-01")
    tariff_change_approve(actor=approver, change=first)
    with pytest.raises(Conflict) as refused:
        tariff_change_approve(actor=approver, change=second)
    assert refused.value.fields["valid_from"][0]["code"] == "overlapping_validity"
    assert TariffChange.objects.get(pk=second.pk).status == ChangeStatus.PROPOSED


def test_a_national_line_down_to_twelve_digits_is_added_under_its_parent(tariff, proposer, approver):
    data = {
        "code": "8471.3010.10",
        "description": "Rugged laptops",
        "description_ur": "مضبوط لیپ ٹاپ",
        "unit": "u",
        "valid_from": "2025-07-01",
    }
    tariff_change_approve(
        actor=approver, change=tariff_change_propose(actor=proposer, kind="code_add", data=data, reason="New split")
    )
    line = TariffCode.objects.get(code="8471301010")
    assert (line.parent.code, line.level, line.section.number) == ("84713010", 10, "XVI")
    assert "مضبوط" in line.search_text


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"code": "847130"}, "code", "code_not_national"),
        ({"code": "84713010"}, "code", "code_exists"),
        ({"code": "8471309912"}, "code", "parent_unknown"),
        ({"code": "84713011", "description": ""}, "description", "required"),
        ({"code": "84713011", "unit": "bushel"}, "unit", "invalid_choice"),
        ({"code": "84713011", "description": "x" * 1001}, "description", "text_too_long"),
    ],
)
def test_bad_national_lines_are_refused_by_field(tariff, proposer, data, field, code):
    full = {"description": "Laptops, other", "valid_from": "2025-07-01", **data}
    with pytest.raises(DomainError) as refused:
        tariff_change_propose(actor=proposer, kind="code_add", data=full, reason="New split")
    assert refused.value.fields[field][0]["code"] == code
    assert not TariffChange.objects.exists()


def test_end_dating_a_measure_lifts_it_from_the_next_day(tariff, proposer, approver):
    permit = Measure.objects.get(code__code="3004", kind="restricted")
    change = tariff_change_propose(
        actor=proposer,
        kind="end",
        data={"target": "measure", "id": permit.pk, "valid_to": "2025-01-31"},
        reason="Lifted",
    )
    tariff_change_approve(actor=approver, change=change)

    assert [m.pk for m in tariff_in_force("30049099", on=date(2025, 1, 31)).measures] == [permit.pk]
    assert tariff_in_force("30049099", on=date(2025, 2, 1)).measures == []
    assert Event.objects.filter(kind=TariffEvent.MEASURE_ENDED, subject_id=str(permit.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"target": "measure", "id": 999999, "valid_to": "2025-01-31"}, "id", "unknown_target"),
        ({"target": "code", "code": "85287211", "valid_to": "2024-01-31"}, "valid_to", "already_ended"),
        ({"target": "code", "code": "85287219", "valid_to": "2020-01-31"}, "valid_to", "dates_reversed"),
        ({"target": "tariff", "valid_to": "2025-01-31"}, "target", "invalid_choice"),
    ],
)
def test_bad_end_dating_is_refused_by_field(tariff, proposer, data, field, code):
    with pytest.raises(DomainError) as refused:
        tariff_change_propose(actor=proposer, kind="end", data=data, reason="End")
    assert refused.value.fields[field][0]["code"] == code


def test_a_measure_needing_a_document_must_name_its_agency_and_document(tariff, proposer):
    data = {"code": "85171300", "kind": "certificate", "direction": "import", "valid_from": "2025-07-01"}
    with pytest.raises(DomainError) as refused:
        tariff_change_propose(actor=proposer, kind="measure_add", data=data, reason="New certificate")
    assert set(refused.value.fields) == {"agency", "document"}
