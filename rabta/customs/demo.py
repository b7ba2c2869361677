"""The customs part of ``rabta loaddemo``: a few declarations from the clearance simulator, most of
them left waiting at some stage (a lane, a documentary check, an examination, the payment, the
release), so the declaration pages and the dashboard have a backlog before the simulator is started
(`make simulate`, README "Customs simulator"). Idempotent: a second run adds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rabta.customs.models import Declaration
from rabta.customs.services.simulation import NUMBER_PREFIX, Simulation, SimulationInputError, collectorates_for

DEMO_AFTER: tuple[str, ...] = ("directory", "accounts")
DEMO_SEED = 2026
DEMO_DECLARATIONS = 24


def demo_load(*, offices: int = 0, seed: int = 0, shared_data: Path | None = None, stdout: Any = None) -> str:
    if Declaration.objects.filter(number__startswith=f"{NUMBER_PREFIX}-{DEMO_SEED}-").exists():
        return "customs: 0 declarations filed (the demo's are there)"
    try:
        collectorates = collectorates_for([])
    except SimulationInputError:
        return "customs: 0 declarations filed (no collectorate)"
    simulation = Simulation(collectorates=collectorates, seed=DEMO_SEED, rate=0, speed=1)
    simulation.leave_mid_way = True
    result = simulation.run(count=DEMO_DECLARATIONS)
    return (
        f"customs: {result.filed} declarations filed, {result.released} released, {result.in_flight} still in clearance"
    )
