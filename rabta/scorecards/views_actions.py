"""What the scorecards' pages show of accountability actions: the counts per kind folded into
``ActionRollup`` (public, as the complaint figures are), and on an office's page its history of
actions for readers who may see them (oversight of its government; the officer named sees those
on themself). The history is read through the accountability selectors, which decide who sees what."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest

from rabta.accountability import selectors as accountability
from rabta.scorecards import selectors
from rabta.scorecards.action_rollup import ActionCounts, action_counts
from rabta.scorecards.choices import Level

HISTORY = 20


def unit_actions(request: HttpRequest, card: selectors.Scorecard) -> dict[str, Any]:
    """The context the unit page's actions section reads."""
    unit = card.unit
    counts = action_counts(units=[(unit.level, unit.pk)], start=card.start, end=card.end)[(unit.level, unit.pk)]
    history = []
    if unit.level == Level.OFFICE and request.user.is_authenticated:
        history = accountability.action_list(
            user=request.user, filters=accountability.ActionFilters(office=unit.code), limit=HISTORY
        )
    return {"action_counts": counts, "action_history": history, "action_unit_is_office": unit.level == Level.OFFICE}


def league_actions(
    rows: list[selectors.LeagueRow] | None, *, start: date | None, end: date | None
) -> dict[int, ActionCounts]:
    """Each ranked office's action counts over the league's period (one query)."""
    if not rows:
        return {}
    first, last = selectors.period(start, end)
    found = action_counts(units=[(Level.OFFICE, row.unit.pk) for row in rows], start=first, end=last)
    return {unit_id: counts for (_level, unit_id), counts in found.items()}
