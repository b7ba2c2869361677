"""Who may do what to the tariff, tested where it is decided (rabta.tariff.permissions): one table of
persona × action × item → allowed or refused, generated over every role of rabta.accounts.roles,
then that the services ask the layer before they look at anything else.

Reading the tariff is public; changing it and answering the enquiry point is for tariff officers,
and a change is decided by someone other than its proposer. Proposals (and unanswered questions
but one's own) are outside everyone else's scope: their querysets hold nothing for them (404).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from rabta.accounts.roles import ROLE_DEFINITIONS, Role
from rabta.api.errors import status_for
from rabta.core.errors import DomainError
from rabta.tariff import permissions
from rabta.tariff.choices import ChangeKind, EnquiryStatus
from rabta.tariff.models import Enquiry, TariffChange
from rabta.tariff.permissions import Action
from rabta.tariff.services.changes import tariff_change_approve, tariff_change_propose, tariff_change_reject
from rabta.tariff.services.enquiries import enquiry_answer

# Every role, each held as its scope needs it, plus a signed-in account with no role, a tariff
# officer whose role was revoked, and an anonymous visitor.
PERSONAS = (*(str(role) for role in Role), "no_role", "revoked_tariff_officer", "anonymous")
OFFICERS = {str(Role.TARIFF_OFFICER)}
EVERYONE = set(PERSONAS)

# (action, item) -> the personas allowed; every other persona is refused.
WRITES = {
    (Action.PROPOSE, "none"): OFFICERS,
    (Action.DECIDE, "another officer's change"): OFFICERS,
    (Action.DECIDE, "own change"): set(),  # refused as own_proposal, below
    (Action.ANSWER_ENQUIRY, "none"): OFFICERS,
}
# (what is read, item) -> the personas who see it.
READS = {
    ("change", "another officer's change"): OFFICERS,
    ("change", "own change"): OFFICERS,
    ("enquiry", "answered, someone else's"): EVERYONE,
    ("enquiry", "unanswered, someone else's"): OFFICERS,
    ("enquiry", "unanswered, own"): EVERYONE - {"anonymous"},
}


def persona_user(persona: str, world):
    if persona == "anonymous":
        return AnonymousUser()
    if persona == "no_role":
        return make_user("norole@example.pk", "No Role")
    if persona == "revoked_tariff_officer":
        user = make_user("revoked@fbr.gov.pk", "Former officer", (Role.TARIFF_OFFICER, None, None))
        user.role_assignments.update(active=False)
        return user
    spec = ROLE_DEFINITIONS[Role(persona)]
    office = world.customs_hq if spec.needs_office else None
    government = world.federal if spec.needs_government else None
    return make_user(f"{persona}@gov.pk", persona, (Role(persona), office, government))


@pytest.fixture
def someone(db):
    return make_user("someone@example.pk", "Someone Else", (Role.TARIFF_OFFICER, None, None))


def change_by(user) -> TariffChange:
    return TariffChange.objects.create(
        kind=ChangeKind.RATE_ADD, code="85287200", payload={}, reason="Budget", proposed_by=user
    )


def enquiry_by(user, *, answered: bool = False) -> Enquiry:
    from django.utils import timezone

    return Enquiry.objects.create(
        asked_by=user,
        question="Which code for LED sets?",
        due_at=timezone.now(),
        status=EnquiryStatus.ANSWERED if answered else EnquiryStatus.ASKED,
    )


def test_the_tables_cover_every_role_and_action():
    assert {str(role) for role in Role} <= set(PERSONAS)
    assert {action for action, _item in WRITES} == set(Action)


@pytest.mark.parametrize(("action", "item"), list(WRITES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_change_the_tariff(persona, action, item, world, someone):
    user = persona_user(persona, world)
    change = None
    if action == Action.DECIDE:
        change = change_by(user if item == "own change" and user.is_authenticated else someone)
    allowed = persona in WRITES[(action, item)]
    if allowed:
        permissions.require(user, action, change)
        return
    with pytest.raises(DomainError) as caught:
        permissions.require(user, action, change)
    expected = "own_proposal" if item == "own change" and persona in OFFICERS else "not_allowed"
    assert (caught.value.code, status_for(caught.value)) == (expected, 403)


@pytest.mark.parametrize(("read", "item"), list(READS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_proposals_and_enquiries(persona, read, item, world, someone):
    user = persona_user(persona, world)
    own = item.endswith("own") or item == "own change"
    owner = user if own and user.is_authenticated else someone  # an anonymous visitor owns nothing
    if read == "change":
        row, visible = change_by(owner), permissions.changes_visible_to(user)
    else:
        row, visible = enquiry_by(owner, answered=item.startswith("answered")), permissions.enquiries_visible_to(user)
    assert visible.filter(pk=row.pk).exists() is (persona in READS[(read, item)])


def test_may_edit_is_the_tariff_officer_role_alone(world):
    for persona in PERSONAS:
        assert permissions.may_edit(persona_user(persona, world)) is (persona in OFFICERS), persona


def test_the_system_may_do_everything(someone):
    for action in Action:
        permissions.require(None, action, change_by(someone))


# The services ask the layer first: a refused caller learns nothing about its input.


def test_a_refused_proposer_is_refused_before_the_proposal_is_checked(world, personas):
    for user in (personas.citizen, personas.officer_a, personas.administrator):
        with pytest.raises(DomainError) as caught:
            tariff_change_propose(actor=user, kind="no-such-kind", data={}, reason="")
        assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)
    assert not TariffChange.objects.exists()


def test_a_change_is_not_decided_by_its_proposer_nor_by_others_than_tariff_officers(someone, personas):
    change = change_by(someone)
    for user, code in ((someone, "own_proposal"), (personas.oversight, "not_allowed")):
        for decide in (
            lambda u: tariff_change_approve(actor=u, change=change),
            lambda u: tariff_change_reject(actor=u, change=change, note=""),
        ):
            with pytest.raises(DomainError) as caught:
                decide(user)
            assert (caught.value.code, status_for(caught.value)) == (code, 403)
    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("proposed", None)


def test_only_tariff_officers_answer_the_enquiry_point(someone, personas):
    enquiry = enquiry_by(personas.citizen)
    for user in (personas.citizen, personas.officer_a, personas.supervisor_a):
        with pytest.raises(DomainError) as caught:
            enquiry_answer(actor=user, enquiry=enquiry, answer="")
        assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ASKED
    assert enquiry_answer(actor=someone, enquiry=enquiry, answer="Heading 85.28.").status == EnquiryStatus.ANSWERED
