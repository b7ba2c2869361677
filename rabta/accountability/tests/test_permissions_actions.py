"""Who may record, read and move accountability actions (rabta.accountability.permissions and
``AccountabilityAction.objects.visible_to``), as a table of persona × move over the shared cast:
oversight of the office's government records and moves; the officer named reads and is refused
the moves (403); everyone else does not see the action (404)."""

from __future__ import annotations

import pytest

from rabta.accountability import permissions, selectors, services
from rabta.accountability.tests.actions import TAKEN, record
from rabta.api.errors import status_for
from rabta.core.errors import DomainError

pytestmark = pytest.mark.django_db
PERSONAS = ("citizen", "other_citizen", "officer_a", "supervisor_a", "officer_b", "oversight", "administrator")
READ = {"officer_a": 200, "oversight": 200}
MOVE = {"officer_a": 403, "oversight": 200}
RECORD = {"oversight": 201}


def answer(call):
    try:
        call()
    except DomainError as error:
        return status_for(error)
    return None


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_moves_and_records_as_the_table_says(persona, personas, officer_a, oversight):
    user = getattr(personas, persona)
    action = record(oversight, officer_id=officer_a.pk)
    read = answer(lambda: selectors.action_get(user=user, action_id=action.pk))
    assert (read or 200) == READ.get(persona, 404)

    def move():
        fetched = selectors.action_get(user=user, action_id=action.pk)
        services.action_withdraw(action=fetched, actor=user, reason="Revoked.")

    assert (answer(move) or 200) == MOVE.get(persona, 404)
    # Recording asks the service directly: oversight 201; any other role 403 (there is nothing to hide).
    assert (answer(lambda: record(user)) or 201) == RECORD.get(persona, 403)


def test_oversight_of_another_government_does_not_see_the_action(oversight, oversight_sindh, officer_a, world):
    action = record(oversight, officer_id=officer_a.pk)
    assert answer(lambda: selectors.action_get(user=oversight_sindh, action_id=action.pk)) == 404
    assert answer(lambda: permissions.require_move_action(oversight_sindh, action)) == 404
    assert not permissions.may_record_action(oversight_sindh, world.office_a)
    assert permissions.may_record_action(oversight, world.office_a)
    assert selectors.action_list(user=oversight_sindh) == []
    # The system itself (actor None) is vouched for by its caller.
    services.action_reply_record(action=action, actor=None, reply="Recorded by a script.", replied_on=TAKEN)
