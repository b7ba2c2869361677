"""Who may rate a complainant, and who oversees standings and officer audits, tested where it is
decided (rabta.accountability.permissions) and through the services that ask it.

The answers, as for complaints: 404 for what is outside the reader's scope, 403 ``not_allowed``
for what they see but may not do, "ok" otherwise.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from conftest import make_user
from rabta.accountability import permissions, selectors
from rabta.accountability import services as responsibility
from rabta.accountability.models import ComplainantStanding, OfficerAudit
from rabta.accounts.roles import Role
from rabta.api.errors import status_for
from rabta.complaints import selectors as complaint_selectors
from rabta.complaints.services import feedback, work
from rabta.core.errors import DomainError, NotFound

PERSONAS = ("citizen", "other_citizen", "officer_a", "supervisor_a", "officer_b", "oversight", "administrator")
OK, HIDDEN, REFUSED = "ok", 404, 403
OUTSIDE = {"other_citizen": HIDDEN, "officer_b": HIDDEN, "administrator": HIDDEN}
# Rating the citizen's complaint handled by office A: the handling office only.
RATE = {"citizen": REFUSED, "officer_a": OK, "supervisor_a": OK, "oversight": REFUSED, **OUTSIDE}


@pytest.fixture
def appealed(submit, citizen, officer_a):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="no_relief", reasons="Not our budget")
    appeal = feedback.appeal_file(complaint=complaint, actor=citizen, reasons="It is the city's duty")
    complaint.refresh_from_db()
    return complaint, appeal


def answer(user, complaint):
    """What ``user`` is told, as the API tells it: the fetch first, then the rule."""
    try:
        fetched = complaint_selectors.complaint_get(user=user, tracking_number=complaint.tracking_number)
    except NotFound:
        assert not permissions.may_rate(user, complaint)
        return HIDDEN
    try:
        permissions.require_rate(user, fetched)
    except DomainError as error:
        assert (error.code, status_for(error)) == ("not_allowed", 403)
        assert not permissions.may_rate(user, complaint)
        return REFUSED
    assert permissions.may_rate(user, complaint)
    return OK


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_rate_a_complaint(persona, personas, appealed):
    complaint, _appeal = appealed
    assert answer(getattr(personas, persona), complaint) == RATE[persona]


def test_the_system_may_rate(appealed):
    complaint, _appeal = appealed
    permissions.require_rate(None, complaint)
    assert permissions.may_rate(None, complaint)


def test_staff_who_lodged_a_complaint_do_not_rate_it(submit, officer_a, supervisor_a):
    own = submit(complainant=officer_a)
    assert answer(officer_a, own) == REFUSED
    assert answer(supervisor_a, own) == OK


def test_responsibility_rating_is_the_handling_offices(submit, citizen, officer_a, oversight):
    complaint = submit()
    work.complaint_reject(complaint=complaint, actor=officer_a, reason="abusive", explanation="Insults")
    for user in (citizen, oversight):
        with pytest.raises(DomainError) as caught:
            responsibility.complaint_rate_responsibility(complaint=complaint, actor=user, rating="abusive")
        assert caught.value.code == "not_allowed"


def test_anonymous_readers_oversee_nothing():
    assert not permissions.may_oversee(AnonymousUser())
    assert not ComplainantStanding.objects.visible_to(AnonymousUser()).exists()
    assert not OfficerAudit.objects.visible_to(AnonymousUser()).exists()


# Standings and audits: oversight within its scope; anyone else does not see them (404), and the
# lists refuse whoever is not oversight (403).


@pytest.fixture
def standing_and_audit(appealed, citizen):
    complaint, _appeal = appealed
    standing = ComplainantStanding.objects.create(
        user=citizen, level=ComplainantStanding.Level.WARNED, appeal_open=True, updated_at=timezone.now()
    )
    return standing, OfficerAudit.objects.get(complaint=complaint)


@pytest.mark.parametrize("persona", PERSONAS)
def test_standings_and_audits_are_oversights_within_its_scope(persona, personas, standing_and_audit, world):
    user = getattr(personas, persona)
    standing, audit = standing_and_audit
    assert permissions.may_oversee(user) is (persona == "oversight")
    if persona == "oversight":
        permissions.require_standing(user, standing)
        permissions.require_audit(user, audit)
        assert selectors.standing_list(user=user) == [standing]
        assert selectors.audit_list(user=user) == [audit]
        return
    for check in (permissions.require_standing, permissions.require_audit):
        with pytest.raises(NotFound):
            check(user, standing if check is permissions.require_standing else audit)
    for read in (lambda: selectors.standing_list(user=user), lambda: selectors.audit_list(user=user)):
        with pytest.raises(DomainError) as caught:
            read()
        assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)
    with pytest.raises(NotFound):
        responsibility.standing_appeal_decide(standing=standing, actor=user, grant=True, reasons="Fine")
    with pytest.raises(NotFound):
        responsibility.officer_audit_close(audit=audit, actor=user, finding="sound", notes="Fine")


def test_another_governments_oversight_does_not_see_the_standing(standing_and_audit, world):
    standing, audit = standing_and_audit
    sindh = make_user("oversight.sd@gov.pk", "Sindh oversight", (Role.OVERSIGHT, None, world.gov_sindh))
    with pytest.raises(NotFound):
        permissions.require_standing(sindh, standing)
    with pytest.raises(NotFound):
        permissions.require_audit(sindh, audit)
    with pytest.raises(NotFound):
        selectors.standing_get(user=sindh, complainant_id=standing.user_id)
    with pytest.raises(NotFound):
        selectors.audit_get(user=sindh, audit_id=audit.pk)
