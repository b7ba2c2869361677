"""Who sees which declaration: the importer's account, the staff of its collectorates, a risk
analyst; nobody else (outside scope reads as missing)."""

from __future__ import annotations

import pytest

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.core.errors import NotFound
from rabta.customs.models import Declaration
from rabta.customs.selectors import declaration_get, declaration_list, declaration_timeline
from rabta.customs.tests.conftest import TRADER_NTN, give_ntn

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["trader", "customs_manager", "examiner"])
def test_the_importer_and_the_collectorate_see_the_declaration(filed, request, who):
    user = request.getfixturevalue(who)
    assert declaration_get(user=user, number=filed.number).pk == filed.pk
    assert list(declaration_list(user=user)) == [filed]


@pytest.mark.parametrize("who", ["other_trader", "other_manager", "officer_a", "supervisor_a", "oversight", "citizen"])
def test_everyone_else_reads_it_as_missing(filed, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        declaration_get(user=user, number=filed.number)
    assert list(declaration_list(user=user)) == []


def test_anonymous_sees_nothing(filed):
    from django.contrib.auth.models import AnonymousUser

    assert not Declaration.objects.visible_to(AnonymousUser()).exists()
    assert not Declaration.objects.visible_to(None).exists()


def test_an_unverified_claim_to_the_ntn_shows_nothing(filed, citizen):
    give_ntn(citizen, TRADER_NTN, verified=False)
    assert list(declaration_list(user=citizen)) == []


def test_a_risk_analyst_sees_every_declaration(filed):
    analyst = make_user("risk@customs.gov.pk", "Risk Analyst", (Role.RISK_ANALYST, None, None))
    assert list(declaration_list(user=analyst)) == [filed]


def test_the_timeline_names_officers_to_staff_only(filed, trader, customs_manager):
    from rabta.customs.services.declarations import lane_assign

    lane_assign(declaration=filed, actor=customs_manager, lane="yellow")
    for_trader = [row["actor"] for row in declaration_timeline(user=trader, number=filed.number)]
    for_staff = [row["actor"] for row in declaration_timeline(user=customs_manager, number=filed.number)]
    assert for_trader == ["you", "system", "customs"]
    assert for_staff == ["Bilal Traders", "system", "you"]
