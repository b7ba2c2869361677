"""Demo enforcement reports (``rabta loaddemo``): the demo enforcement officer's formation reports
a year of incidents, the demo supervisor approves most of them, so the trend view, the top movers
and the risk profiles of the parties and codes they name have something to show; one report waits
for review and one is still a draft. Everything goes through the services, as a person would."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path
from typing import Any

DEMO_AFTER: tuple[str, ...] = ("directory", "accounts", "tariff")

OFFICER = "enforcement@demo.rabta.pk"
SUPERVISOR = "enforcement.supervisor@demo.rabta.pk"
APPROVED = 36

# (type, modus, code, description, unit, quantity range, value per unit in rupees, origin, route);
# the district where each is caught is in PLACES.
KINDS = [
    (
        "seizure",
        "concealment_compartment",
        "85171300",
        "Smartphones in a false floor",
        "NMB",
        (40, 400),
        45_000,
        "CN",
        "Chaman-Karachi",
    ),
    (
        "smuggling_attempt",
        "concealment_cargo",
        "22083000",
        "Whisky among declared crockery",
        "LTR",
        (50, 600),
        9_000,
        "AE",
        "Gwadar-Karachi",
    ),
    (
        "misdeclaration",
        "misclassification",
        "84713010",
        "Laptops declared as spare parts",
        "NMB",
        (20, 300),
        120_000,
        "CN",
        "Port Qasim",
    ),
    (
        "misdeclaration",
        "undervaluation",
        "85287219",
        "Television sets at a tenth of their price",
        "NMB",
        (30, 500),
        60_000,
        "CN",
        "Karachi Port",
    ),
    (
        "counterfeit",
        "document_fraud",
        "30049099",
        "Counterfeit medicines with forged licences",
        "KGM",
        (10, 200),
        25_000,
        "IN",
        "Wagah-Lahore",
    ),
    (
        "seizure",
        "undeclared",
        "10063010",
        "Rice loaded without a declaration",
        "KGM",
        (5_000, 40_000),
        300,
        "IR",
        "Taftan-Quetta",
    ),
]
PLACES = {
    "Chaman-Karachi": "PK-BA-CMN",
    "Gwadar-Karachi": "PK-BA-GWD",
    "Port Qasim": "PK-SD-KHI",
    "Karachi Port": "PK-SD-KHI",
    "Wagah-Lahore": "PK-PB-LHR",
    "Taftan-Quetta": "PK-BA-CHG",
}
CARRIERS = ["Hasan Goods Transport", "Indus Freight", "Makran Logistics", "Bolan Carriers"]


def demo_load(*, offices: int = 0, seed: int = 0, shared_data: Path | None = None, stdout: Any = None) -> str:
    """Returns what ``loaddemo`` prints. Idempotent: skipped when the demo officer has reported."""
    from django.utils import timezone

    from rabta.accounts.models import RoleAssignment, User
    from rabta.directory.models import Jurisdiction
    from rabta.enforcement.models import Incident
    from rabta.enforcement.services import (
        GoodsInput,
        IncidentInput,
        PartyInput,
        incident_approve,
        incident_draft,
        incident_submit,
    )

    officer = User.objects.filter(email=OFFICER).first()
    supervisor = User.objects.filter(email=SUPERVISOR).first()
    if officer is None or supervisor is None:
        return "enforcement: skipped (the demo enforcement logins are missing)"
    if Incident.objects.filter(reported_by=officer).exists():
        return "enforcement: 0 incidents reported (present already)"
    assignment = RoleAssignment.objects.filter(user=officer, active=True).exclude(office=None).first()
    if assignment is None or assignment.office is None:
        return "enforcement: skipped (the demo enforcement officer has no formation)"
    formation = assignment.office.code
    rng = random.Random(seed)
    today = timezone.localdate()
    known = set(Jurisdiction.objects.filter(code__in=PLACES.values()).values_list("code", flat=True))

    def report(n: int) -> Any:
        kind, modus, code, description, unit, (low, high), price, origin, route = KINDS[n % len(KINDS)]
        # Eight more of the first kind this month, so the top movers have a riser to show.
        if n >= APPROVED - 8:
            kind, modus, code, description, unit, (low, high), price, origin, route = KINDS[0]
        days = rng.randint(0, today.day - 1) if n >= APPROVED - 8 else rng.randint(today.day, 365)
        quantity = rng.randint(low, high)
        return incident_draft(
            actor=officer,
            data=IncidentInput(
                formation=formation,
                occurred_on=today - timedelta(days=days),
                incident_type=kind,
                modus_operandi=modus,
                description=description + ".",
                goods=[
                    GoodsInput(
                        tariff_code=code,
                        description=description,
                        quantity=quantity,
                        unit=unit,
                        value=quantity * price,
                        origin_country=origin,
                    )
                ],
                parties=[PartyInput(role="carrier", name=rng.choice(CARRIERS), country="PK")],
                route=route,
                place=PLACES[route] if PLACES[route] in known else "",
                location=route.split("-")[-1],
                conveyance_kind="container" if "Port" in route else "vehicle",
                conveyance_reference=f"DEMO-{n + 1:03d}",
            ),
        )

    for n in range(APPROVED):
        incident = incident_submit(actor=officer, incident=report(n))
        incident_approve(actor=supervisor, incident=incident)
    incident_submit(actor=officer, incident=report(APPROVED))
    report(APPROVED + 1)
    return f"enforcement: {APPROVED + 2} incidents reported at {formation} ({APPROVED} approved, 1 awaiting review, 1 draft)"
