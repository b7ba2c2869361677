"""What the scorecards' pages show of accountability actions: the counts per kind folded into
``ActionRollup``, and on an office's page its history of actions for readers who may see them
(oversight of its government; the officer named sees those on themself). The history is read
through the accountability selectors, which decide who sees what.

The counts are public, but small ones are withheld as the group breakdowns' are (fewer than
``RABTA_SCORECARD_MIN_CELL``: ``action_rollup.actions_shown``); oversight that sees every action of
the unit (its governments' offices) gets the exact counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest

from rabta.accountability import selectors as accountability
from rabta.directory.models import Office
from rabta.scorecards import selectors
from rabta.scorecards.action_rollup import ShownActions, action_counts, actions_shown
from rabta.scorecards.choices import Level

HISTORY = 20


def unit_actions(request: HttpRequest, card: selectors.Scorecard) -> dict[str, Any]:
    """The context the unit page's actions section reads."""
    unit = card.unit
    counts = action_counts(units=[(unit.level, unit.pk)], start=card.start, end=card.end)[(unit.level, unit.pk)]
    exact = request.user.is_authenticated and accountability.action_offices_all_visible(
        user=request.user, offices=Office.objects.filter(selectors.unit_offices(unit))
    )
    history = []
    if unit.level == Level.OFFICE and request.user.is_authenticated:
        history = accountability.action_list(
            user=request.user, filters=accountability.ActionFilters(office=unit.code), limit=HISTORY
        )
    return {
        "action_counts": actions_shown(counts, floor=selectors.min_cell(), exact=exact),
        "action_history": history,
        "action_unit_is_office": unit.level == Level.OFFICE,
    }


def league_actions(
    request: HttpRequest, rows: list[selectors.LeagueRow] | None, *, start: date | None, end: date | None
) -> dict[int, ShownActions]:
    """Each ranked office's action counts over the league's period (two queries): exact for the
    offices of the governments the reader oversees, small counts withheld for the others."""
    if not rows:
        return {}
    first, last = selectors.period(start, end)
    found = action_counts(units=[(Level.OFFICE, row.unit.pk) for row in rows], start=first, end=last)
    overseen = accountability.action_governments_overseen(user=request.user)
    government_of = (
        dict(Office.objects.filter(pk__in=[row.unit.pk for row in rows]).values_list("pk", "department__government_id"))
        if overseen
        else {}
    )
    floor = selectors.min_cell()
    return {
        unit_id: actions_shown(counts, floor=floor, exact=government_of.get(unit_id) in overseen)
        for (_level, unit_id), counts in found.items()
    }
