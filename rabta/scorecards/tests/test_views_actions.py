"""Accountability actions on the scorecards' pages (rabta/scorecards/views_actions.py): the counts
per kind on a unit's page and in the league table, for everyone; an office's history of actions
only for the readers the accountability selectors allow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rabta.accountability.tests.actions import TAKEN, record
from rabta.api.testing.matrix import signed_in
from rabta.scorecards.action_rollup import action_fold_all

pytestmark = pytest.mark.django_db
PERIOD = {"start": (TAKEN - timedelta(days=10)).isoformat(), "end": (TAKEN + timedelta(days=10)).isoformat()}


@pytest.fixture
def actions(world, oversight, officer_a):
    made = [record(oversight, kind="suspension", officer_id=officer_a.pk), record(oversight, kind="commendation")]
    action_fold_all(settle=timedelta(0))
    return made


def counts_table(body: str) -> str:
    return body[body.index('id="action-counts"') : body.index("</table>", body.index('id="action-counts"'))]


def test_a_units_page_shows_the_counts_to_everyone_and_the_history_to_oversight(
    client, settings, world, oversight, officer_b, actions
):
    settings.RABTA_SCORECARD_MIN_CELL = 1  # every count published (the rule itself: below)
    url = f"/en/scorecards/office/{world.office_a.code}/"
    public = client.get(url, PERIOD).content.decode()
    table = counts_table(public)
    assert "Suspension" in table and table.count('<td class="num">1</td>') == 2
    assert f"/accounts/actions/{actions[0].pk}/" not in public and "Officer of A" not in public
    staff = signed_in(oversight).get(url, PERIOD).content.decode()
    assert f"/accounts/actions/{actions[0].pk}/" in staff and "Officer of A" in staff
    other = signed_in(officer_b).get(url, PERIOD).content.decode()
    assert f"/accounts/actions/{actions[0].pk}/" not in other
    nation = client.get("/en/scorecards/government/PB/", PERIOD).content.decode()
    assert counts_table(nation).count('<td class="num">1</td>') == 2


def test_the_league_table_counts_each_offices_actions(client, settings, world, actions):
    settings.RABTA_SCORECARD_MIN_CELL = 1
    body = client.get("/en/scorecards/league/", {**PERIOD, "min_sample": 1}).content.decode()
    assert "Disciplinary actions" in body and "Commendations" in body


def test_small_action_counts_are_withheld_from_the_public_and_exact_for_oversight_of_the_unit(
    client, settings, world, oversight, oversight_sindh, officer_a, actions
):
    settings.RABTA_SCORECARD_MIN_CELL = 5  # one suspension and one commendation: both too few
    url = f"/en/scorecards/office/{world.office_a.code}/"
    for reader in (client, signed_in(officer_a), signed_in(oversight_sindh)):
        table = counts_table(reader.get(url, PERIOD).content.decode())
        assert '<td class="num">1</td>' not in table and table.count("too few") == 2, reader
        assert table.count('<td class="num">0</td>') == 4  # nothing taken: a zero is no person's
    page = signed_in(oversight).get(url, PERIOD).content.decode()
    assert counts_table(page).count('<td class="num">1</td>') == 2 and "too few" not in counts_table(page)
    assert "Exact counts" in page
    # The government's page too: Punjab's oversight sees all of it, Sindh's does not.
    government = "/en/scorecards/government/PB/"
    assert counts_table(signed_in(oversight).get(government, PERIOD).content.decode()).count(">1</td>") == 2
    assert counts_table(signed_in(oversight_sindh).get(government, PERIOD).content.decode()).count("too few") == 2
    # The nation holds Sindh's offices too, which Punjab's oversight does not see: withheld.
    assert "too few" in counts_table(signed_in(oversight).get("/en/scorecards/nation/pk/", PERIOD).content.decode())
