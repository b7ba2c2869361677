"""Who may do what in the risk domain, tested where it is decided (rabta.risk.permissions): every
role of rabta.accounts.roles × every action, the system (None), anonymous and revoked analysts, and
the four-eyes rule of a model's approval."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from rabta.accounts.roles import ROLE_DEFINITIONS, Role
from rabta.api.errors import status_for
from rabta.core.errors import DomainError
from rabta.risk import permissions
from rabta.risk.errors import RiskError
from rabta.risk.models import RiskModel
from rabta.risk.permissions import RiskAction

pytestmark = pytest.mark.django_db


def holder(role: Role, world):
    spec = ROLE_DEFINITIONS[role]
    office = world.collectorate if spec.needs_office else None
    government = world.federal if spec.needs_government and not spec.needs_office else None
    return make_user(f"{role}@gov.pk", str(role), (role, office, government))


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(RiskAction))
def test_only_risk_analysts_and_the_system_may_act(world, role, action):
    user = holder(role, world)
    allowed = role == Role.RISK_ANALYST
    assert permissions.may(user, action) is allowed
    if allowed:
        permissions.require(user, action)
    else:
        with pytest.raises(DomainError) as caught:
            permissions.require(user, action)
        assert (caught.value.code, status_for(caught.value)) == (RiskError.NOT_ALLOWED, 403)
    assert permissions.may(None, action) is True


@pytest.mark.parametrize("action", list(RiskAction))
def test_anonymous_and_revoked_analysts_may_not(world, action):
    assert permissions.may(AnonymousUser(), action) is False
    revoked = make_user("revoked@gov.pk", "Revoked", (Role.RISK_ANALYST, None, None))
    revoked.role_assignments.update(active=False)
    assert permissions.may(revoked, action) is False


def _model(trained_by) -> RiskModel:
    return RiskModel.objects.create(
        version=1,
        artefact="m.json",
        sha256="0" * 64,
        window_start=date(2020, 1, 1),
        window_end=date(2020, 12, 31),
        trained_by=trained_by,
    )


def test_a_model_is_approved_by_another_analyst_than_its_trainer(analyst, second_analyst):
    model = _model(analyst)
    with pytest.raises(DomainError) as caught:
        permissions.require_approver(analyst, model)
    assert (caught.value.code, status_for(caught.value)) == (RiskError.MODEL_SELF_APPROVAL, 403)
    permissions.require_approver(second_analyst, model)
    permissions.require_approver(None, model)  # the command line, where the operator names themself


def test_a_model_the_system_trained_is_approved_by_any_analyst(analyst, world):
    model = _model(None)
    permissions.require_approver(analyst, model)
    with pytest.raises(DomainError):
        permissions.require_approver(holder(Role.CUSTOMS_MANAGER, world), model)


# --- the risk pages (issue 10) ----------------------------------------------------------------------


def test_who_has_the_risk_pages(world, analyst, customs_manager, examiner, trader):
    from rabta.risk.permissions import may_read_audit_page, may_read_risk_pages, may_see_lane_reasons

    assert may_read_risk_pages(analyst) and not may_read_risk_pages(customs_manager) and not may_read_risk_pages(trader)
    assert may_read_audit_page(analyst) and may_read_audit_page(customs_manager) and not may_read_audit_page(examiner)
    assert may_see_lane_reasons(examiner) and may_see_lane_reasons(analyst) and not may_see_lane_reasons(trader)
    assert not may_read_risk_pages(None) and not may_see_lane_reasons(None)
