"""Helpers of the accountability-action tests: an action recorded by Punjab's oversight on office A."""

from __future__ import annotations

from datetime import date
from typing import Any

from rabta.accountability import services

TAKEN = date(2026, 11, 2)


def action_input(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "show_cause",
        "office_code": "PB-LG-LHR",
        "authority": "Chief Secretary Punjab",
        "grounds": "Complaints closed without a site visit.",
        "taken_on": TAKEN,
    }
    return {**values, **overrides}


def record(actor: Any, **overrides: Any) -> Any:
    return services.action_record(actor=actor, **action_input(**overrides))
