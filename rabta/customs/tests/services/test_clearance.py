"""The clearance trail: each stage by whom it belongs to, in the order the state machine allows,
with the examination's result and an event (time and actor) per stage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rabta.core.errors import DomainError, Forbidden, InvalidTransition
from rabta.core.models import Event
from rabta.customs.choices import DiscrepancyType, Outcome, Status
from rabta.customs.errors import CustomsError
from rabta.customs.models import Examination
from rabta.customs.services.clearance import (
    declaration_assess,
    declaration_check_documents,
    declaration_examine,
    declaration_record_payment,
    declaration_release,
)
from rabta.customs.services.declarations import lane_assign
from rabta.customs.transitions import TRANSITIONS

pytestmark = pytest.mark.django_db


def test_a_red_lane_declaration_goes_through_every_stage_with_its_actor(filed, examiner, customs_manager):
    lane_assign(declaration=filed, actor=customs_manager, lane="red")
    declaration_examine(
        declaration=filed,
        actor=examiner,
        outcome=Outcome.DISCREPANCY,
        discrepancy_type=DiscrepancyType.UNDERVALUATION,
        extra_duty=Decimal("120000.00"),
        remarks="Invoice at a third of the market price.",
    )
    assessed = declaration_assess(declaration=filed, actor=examiner)
    # items' duty 500,000 + taxes 425,000 + the examination's extra duty 120,000
    assert assessed.assessed_amount == Decimal("1045000.00")
    declaration_record_payment(declaration=filed, actor=customs_manager, amount=Decimal("1045000.00"))
    released = declaration_release(declaration=filed, actor=customs_manager)
    assert released.status == Status.RELEASED and released.paid_amount == Decimal("1045000.00")
    trail = list(Event.objects.for_subject(filed).order_by("id").values_list("to_state", "actor__email"))
    assert trail == [
        (Status.FILED, "trader@example.pk"),
        (Status.LANE_ASSIGNED, None),
        (Status.LANE_ASSIGNED, "cm@customs.gov.pk"),
        (Status.EXAMINED, "examiner@customs.gov.pk"),
        (Status.ASSESSED, "examiner@customs.gov.pk"),
        (Status.DUTY_PAID, "cm@customs.gov.pk"),
        (Status.RELEASED, "cm@customs.gov.pk"),
    ]
    exam = Examination.objects.get(declaration=filed)
    assert (exam.outcome, exam.discrepancy_type, exam.examined_by) == (
        Outcome.DISCREPANCY,
        DiscrepancyType.UNDERVALUATION,
        examiner,
    )


def test_a_green_declaration_is_assessed_without_a_check(filed, examiner):
    assert declaration_assess(declaration=filed, actor=examiner).assessed_amount == Decimal("925000.00")


def test_a_red_lane_cannot_skip_its_examination(filed, customs_manager, examiner):
    lane_assign(declaration=filed, actor=customs_manager, lane="red")
    with pytest.raises(InvalidTransition):
        declaration_assess(declaration=filed, actor=examiner)
    declaration_check_documents(declaration=filed, actor=examiner)
    with pytest.raises(InvalidTransition):  # documents are not the examination the red lane needs
        declaration_assess(declaration=filed, actor=examiner)
    filed.refresh_from_db()
    assert filed.status == Status.DOCUMENTS_CHECKED


def test_a_yellow_lane_is_assessed_after_its_documents(filed, customs_manager, examiner):
    lane_assign(declaration=filed, actor=customs_manager, lane="yellow")
    declaration_check_documents(declaration=filed, actor=examiner, reason="Invoice and packing list agree.")
    assert declaration_assess(declaration=filed, actor=examiner).status == Status.ASSESSED


def test_stages_cannot_be_skipped_or_repeated(filed, customs_manager, examiner):
    with pytest.raises(InvalidTransition):
        declaration_release(declaration=filed, actor=customs_manager)
    declaration_assess(declaration=filed, actor=examiner)
    with pytest.raises(InvalidTransition):
        declaration_assess(declaration=filed, actor=examiner)
    with pytest.raises(InvalidTransition):
        lane_assign(declaration=filed, actor=customs_manager, lane="red")
    filed.refresh_from_db()
    assert filed.status == Status.ASSESSED


def test_the_payment_must_be_the_assessed_amount(filed, customs_manager, examiner):
    declaration_assess(declaration=filed, actor=examiner)
    with pytest.raises(DomainError) as caught:
        declaration_record_payment(declaration=filed, actor=customs_manager, amount=Decimal("1.00"))
    assert caught.value.fields["amount"][0]["code"] == CustomsError.VALUE_INVALID
    filed.refresh_from_db()
    assert filed.status == Status.ASSESSED and filed.paid_amount is None


@pytest.mark.parametrize(
    ("outcome", "kind", "duty", "field", "code"),
    [
        ("maybe", "", 0, "outcome", CustomsError.OUTCOME_UNKNOWN),
        (Outcome.DISCREPANCY, "", 0, "discrepancy_type", CustomsError.DISCREPANCY_TYPE_REQUIRED),
        (
            Outcome.NO_DISCREPANCY,
            DiscrepancyType.ORIGIN,
            0,
            "discrepancy_type",
            CustomsError.DISCREPANCY_TYPE_UNEXPECTED,
        ),
        (Outcome.DISCREPANCY, DiscrepancyType.QUANTITY, -5, "extra_duty", CustomsError.VALUE_INVALID),
    ],
)
def test_a_bad_examination_result_is_refused_and_changes_nothing(filed, examiner, outcome, kind, duty, field, code):
    with pytest.raises(DomainError) as caught:
        declaration_examine(declaration=filed, actor=examiner, outcome=outcome, discrepancy_type=kind, extra_duty=duty)
    assert caught.value.fields[field][0]["code"] == code
    filed.refresh_from_db()
    assert filed.status == Status.LANE_ASSIGNED and not Examination.objects.exists()


@pytest.mark.parametrize("who", ["trader", "customs_manager", "other_manager", "officer_a"])
def test_only_an_examining_officer_of_the_collectorate_examines(filed, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(Forbidden) as caught:
        declaration_examine(declaration=filed, actor=actor, outcome=Outcome.NO_DISCREPANCY)
    assert caught.value.code == CustomsError.NOT_ALLOWED
    assert not Examination.objects.exists()


def test_a_customs_manager_above_the_collectorate_may_act(filed, world, examiner):
    from conftest import make_user
    from rabta.accounts.roles import Role

    chief = make_user("chief@customs.gov.pk", "Chief Collector", (Role.CUSTOMS_MANAGER, world.customs_hq, None))
    declaration_assess(declaration=filed, actor=examiner)
    assert declaration_record_payment(declaration=filed, actor=chief, amount=Decimal("925000.00")).status == (
        Status.DUTY_PAID
    )


def test_every_state_has_a_row_in_the_transition_table():
    assert set(TRANSITIONS) == set(Status.values)
    assert TRANSITIONS[Status.RELEASED] == frozenset()
