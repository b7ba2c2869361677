"""Who may do what with the border agencies (rabta.risk.permissions_agency), and what each reader's
``visible_to`` holds: an agency its own, customs the registry and the outcomes on its declarations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import declaration_input, item
from rabta.risk.models import RiskRule
from rabta.risk.models_agency import Agency, AgencyMember, AgencyRule, AgencySelection, AgencyShare
from rabta.risk.permissions_agency import AgencyAction, may
from rabta.risk.services.agencies import AgencyRuleInput, agency_rule_create
from rabta.risk.services.rules import RuleInput, rule_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", list(AgencyAction))
def test_each_move_is_the_agency_s_own_officers_and_the_registry_the_analysts(
    action, ppd, drap, ppd_officer, drap_officer, analyst, customs_manager
):
    expected_ppd = action != AgencyAction.KEEP_REGISTRY
    assert may(ppd_officer, action, ppd) is expected_ppd
    assert may(drap_officer, action, ppd) is False
    assert may(analyst, action, ppd) is (action == AgencyAction.KEEP_REGISTRY)
    assert may(customs_manager, action, ppd) is False
    assert may(AnonymousUser(), action, ppd) is False
    assert may(None, action, ppd) is True  # the system


def test_a_revoked_agency_role_ends_the_membership_s_reach(ppd, ppd_officer):
    ppd_officer.role_assignments.update(active=False)
    assert may(ppd_officer, AgencyAction.WRITE_RULES, ppd) is False
    assert not Agency.objects.visible_to(ppd_officer).exists()


def test_a_member_without_the_role_is_no_agency_officer(ppd):
    user = make_user("clerk@ppd.gov.pk", "Clerk", (Role.EXAMINING_OFFICER, None, None))
    AgencyMember.objects.create(agency=ppd, user=user)
    assert may(user, AgencyAction.WRITE_RULES, ppd) is False


def test_what_each_reader_sees(world, analyst, ppd, drap, ppd_officer, drap_officer, customs_manager, trader):
    rule_create(
        actor=analyst,
        data=RuleInput(name="Customs", condition='origin == "IN"', lane="red", valid_from=dt.date(2026, 1, 1)),
    )
    agency_rule_create(
        actor=ppd_officer,
        agency=ppd,
        data=AgencyRuleInput(name="Rice", condition='hs4 == "1006"', outcome="hold", valid_from=dt.date(2026, 1, 1)),
    )
    rice = item(tariff_code="10063010", description="Rice", origin_country="IN")
    declaration_file(data=declaration_input(number="OGA-1", items=[rice]), actor=None)
    assert not RiskRule.objects.visible_to(ppd_officer).exists()  # customs' rules: the analysts' alone
    assert list(AgencyRule.objects.visible_to(ppd_officer).values_list("name", flat=True)) == ["Rice"]
    for reader in (drap_officer, analyst, customs_manager, trader):
        assert not AgencyRule.objects.visible_to(reader).exists()
    assert AgencySelection.objects.visible_to(ppd_officer).count() == 1
    assert AgencySelection.objects.visible_to(drap_officer).count() == 0
    assert AgencySelection.objects.visible_to(customs_manager).count() == 1  # its collectorate's declaration
    assert AgencySelection.objects.visible_to(trader).count() == 0  # the importer never learns why
    assert set(Agency.objects.visible_to(customs_manager).values_list("code", flat=True)) == {"ppd", "drap"}
    assert list(Agency.objects.visible_to(drap_officer).values_list("code", flat=True)) == ["drap"]
    assert not Agency.objects.visible_to(trader).exists()
    assert not AgencyShare.objects.visible_to(customs_manager).exists()
