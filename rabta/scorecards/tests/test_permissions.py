"""Who may watch the live dashboard (rabta.scorecards.permissions): senior management only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from rabta.api.errors import status_for
from rabta.core.errors import Forbidden
from rabta.scorecards.permissions import may_watch_live, require_live_watcher

WATCHES = {
    "citizen": False,
    "other_citizen": False,
    "officer_a": False,
    "supervisor_a": True,
    "officer_b": False,
    "oversight": True,
    "administrator": True,
}


@pytest.mark.parametrize("persona", list(WATCHES))
def test_only_senior_management_watches_the_live_dashboard(persona, personas):
    user = getattr(personas, persona)
    assert may_watch_live(user) is WATCHES[persona]
    if WATCHES[persona]:
        require_live_watcher(user)
        return
    with pytest.raises(Forbidden) as caught:
        require_live_watcher(user)
    assert status_for(caught.value) == 403


def test_nobody_signed_in_watches_nothing(db):
    assert may_watch_live(AnonymousUser()) is False
