"""The scorecards' tables as rows and columns, for the pages' exports (rabta.core.exports)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from rabta.core.exports import Column
from rabta.scorecards.definitions import BACKLOG, DEFINITIONS
from rabta.scorecards.selectors import Cell, LeagueRow, Measures, Unit


def measure_columns() -> list[Column]:
    return [Column(definition.name, str(definition.label)) for definition in DEFINITIONS]


def unit_columns() -> list[Column]:
    return [Column("level", _("Level")), Column("code", _("Code")), Column("name", _("Name")), *measure_columns()]


def unit_rows(rows: Iterable[tuple[Unit, Measures]], language: str) -> list[dict[str, Any]]:
    return [
        {"level": unit.level, "code": unit.code, "name": unit.label(language), **measures.as_dict()}
        for unit, measures in rows
    ]


def cell_columns() -> list[Column]:
    return [Column("code", _("Code")), Column("label", _("Name")), *measure_columns()]


def cell_rows(cells: Iterable[Cell]) -> list[dict[str, Any]]:
    # A suppressed cell is exported as suppressed, never with its figures.
    return [
        {"code": cell.code, "label": cell.label, **(cell.measures.as_dict() if cell.measures else {})} for cell in cells
    ]


def league_columns() -> list[Column]:
    return [
        Column("group", _("Volume group")),
        Column("rank", _("Rank")),
        Column("new", _("New office")),
        Column("started", _("Start date")),
        *unit_columns(),
    ]


def league_rows(rows: Iterable[LeagueRow], language: str) -> list[dict[str, Any]]:
    return [
        {
            "group": row.group,
            "rank": row.rank,
            "new": row.new,
            "started": row.unit.started,
            "level": row.unit.level,
            "code": row.unit.code,
            "name": row.unit.label(language),
            **row.measures.as_dict(),
        }
        for row in rows
    ]


def backlog_columns() -> list[Column]:
    return [Column(definition.name, str(definition.label)) for definition in BACKLOG]
