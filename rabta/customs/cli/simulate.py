"""``rabta customs simulate``: a stream of declarations moving through clearance, so the live
clearance dashboard has something to show (rabta.customs.services.simulation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from rabta.customs.services.simulation import (
    Simulation,
    SimulationInputError,
    collectorates_for,
    kcs_goods,
)

HELP = "Generate (or replay from a KCS file) declarations moving through clearance, for the live dashboard."
DEFAULT_RATE = 12.0  # declarations a minute: a busy collectorate's daytime pace, readable on a chart
DEFAULT_SPEED = 720.0  # one simulated hour every five seconds


def _number(option: str, kind: type, low: float) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise CommandError(f"{option}: give a number, not {text!r}") from None
        if value != value or value < low:  # NaN, or below the bound
            raise CommandError(f"{option}: give a number of at least {low}, not {text!r}")
        return value

    return parse


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--rate",
        default=str(DEFAULT_RATE),
        help="Declarations filed a minute (0: no waiting at all, with --count; for tests).",
    )
    parser.add_argument(
        "--speed",
        default=str(DEFAULT_SPEED),
        help="Time compression: simulated seconds per real second (720: an hour of clearance in 5 s).",
    )
    until = parser.add_mutually_exclusive_group()
    until.add_argument("--duration", default=None, help="Stop filing and moving after this many seconds.")
    until.add_argument("--count", default=None, help="File this many declarations and see each released.")
    parser.add_argument("--replay-kcs", type=Path, default=None, help="Replay the rows of a KCS synthetic file.")
    parser.add_argument("--collectorate", nargs="+", default=[], help="Office codes of the collectorates to file at.")
    parser.add_argument("--seed", default="1", help="The same seed files the same declarations (default 1).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object with what happened.")


def run(options: dict[str, Any], stdout: Any, stderr: Any) -> None:
    # Every option is checked before anything is written.
    rate = _number("--rate", float, 0)(options["rate"])
    speed = _number("--speed", float, 0)(options["speed"])
    seed = _number("--seed", int, 0)(options["seed"])
    count = _number("--count", int, 1)(options["count"]) if options["count"] is not None else None
    duration = _number("--duration", float, 0)(options["duration"]) if options["duration"] is not None else None
    try:
        collectorates = collectorates_for(options["collectorate"])
        replay = kcs_goods(options["replay_kcs"]) if options["replay_kcs"] is not None else None
        quiet = options["json"]

        def shown(stage: str, declaration: Any) -> None:
            if not quiet and stage in ("filed", "release"):
                stdout.write(f"{declaration.number} {stage} at {declaration.collectorate.code} ({declaration.lane})")

        simulation = Simulation(
            collectorates=collectorates, seed=seed, rate=rate, speed=speed, replay=replay, on_move=shown
        )
        result = simulation.run(count=count, duration=duration)
    except SimulationInputError as error:
        raise CommandError(str(error)) from None
    if options["json"]:
        stdout.write(json.dumps(result.as_dict()))
        return
    stdout.write(
        f"filed {result.filed}, released {result.released}, examined {result.examined}, "
        f"detections {result.detections}, still in clearance {result.in_flight}, skipped {result.skipped}"
    )
