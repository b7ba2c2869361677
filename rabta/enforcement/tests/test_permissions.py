"""The enforcement permission layer as tables: who sees a report in each review state, and who may
take each action on it. Written out, so that any change to the rules fails here."""

from __future__ import annotations

import pytest

from rabta.core.errors import Forbidden
from rabta.enforcement import permissions, services
from rabta.enforcement.models import Incident
from rabta.enforcement.permissions import IncidentAction
from rabta.enforcement.tests.conftest import incident_input

pytestmark = pytest.mark.django_db

PEOPLE = (
    "reporter",
    "colleague",
    "supervisor",
    "quetta_supervisor",
    "head",
    "quetta_officer",
    "manager",
    "analyst",
    "outsider",
)
# Review state -> who knows the report exists (everyone else: 404).
SEES = {
    "draft": {"reporter"},
    "submitted": {"reporter", "colleague", "supervisor", "head"},
    "approved": {"reporter", "colleague", "supervisor", "head", "manager", "analyst"},
}
# Action -> who may take it (on a report in the state the action needs).
MAY = {
    IncidentAction.EDIT: {"reporter"},
    IncidentAction.SUBMIT: {"reporter"},
    IncidentAction.APPROVE: {"supervisor", "head"},
    IncidentAction.RETURN: {"supervisor", "head"},
    IncidentAction.AMEND: {"reporter", "supervisor", "head"},
    IncidentAction.CASE: {"reporter", "supervisor", "head"},
}


def _report(staff, state):
    incident = services.incident_draft(actor=staff.reporter, data=incident_input())
    if state != "draft":
        services.incident_submit(actor=staff.reporter, incident=incident)
    if state == "approved":
        services.incident_approve(actor=staff.supervisor, incident=incident)
    return incident


@pytest.mark.parametrize("state", sorted(SEES))
def test_who_sees_a_report_in_each_state(staff, state):
    incident = _report(staff, state)
    seen = {
        name for name in PEOPLE if Incident.objects.visible_to(getattr(staff, name)).filter(pk=incident.pk).exists()
    }
    assert seen == SEES[state]


def test_nobody_signed_out_sees_any_report(staff):
    from django.contrib.auth.models import AnonymousUser

    _report(staff, "approved")
    assert not Incident.objects.visible_to(AnonymousUser()).exists()
    assert not Incident.objects.visible_to(None).exists()


@pytest.mark.parametrize("action", list(MAY))
def test_who_may_take_each_action(staff, action):
    incident = _report(staff, "draft")
    allowed = set()
    for name in PEOPLE:
        try:
            permissions.require_incident(getattr(staff, name), incident, action)
        except Forbidden:
            continue
        allowed.add(name)
    assert allowed == MAY[action]


def test_who_may_report_for_which_formation(staff, formations):
    table = {
        name: {
            code
            for code, office in (
                ("unit", formations.unit),
                ("karachi", formations.karachi),
                ("quetta", formations.quetta),
            )
            if permissions.may_report(getattr(staff, name))
            and permissions.formation_reportable_by(getattr(staff, name), office)
        }
        for name in PEOPLE
    }
    assert table == {
        "reporter": {"unit"},
        "colleague": {"unit"},
        "supervisor": {"unit", "karachi"},
        "quetta_supervisor": {"quetta"},
        "head": {"unit", "karachi", "quetta"},
        "quetta_officer": {"quetta"},
        "manager": set(),
        "analyst": set(),
        "outsider": set(),
    }


def test_who_reads_the_trends(staff):
    readers = {name for name in PEOPLE if permissions.may_read_trends(getattr(staff, name))}
    assert readers == set(PEOPLE) - {"outsider"}
