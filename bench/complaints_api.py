"""How the benchmarks talk to the complaints app (its API, models, selectors and services).

Everything that depends on the complaints app's shape is in this one module, so that when the app
changes only this file follows. A piece that has not landed raises :class:`NotAvailable`, which
the harness reports as ``"value": null`` with the reason.
"""

from __future__ import annotations

import importlib
from typing import Any


class NotAvailable(Exception):
    """The piece of the complaints app a benchmark needs has not landed."""


def _require(module: str, attribute: str) -> Any:
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as exc:
        raise NotAvailable(f"{module}.{attribute} has not landed ({type(exc).__name__})") from exc


class IntakeRequests:
    def __init__(self, creds: list[Any], *, run_id: str) -> None:
        _require("rabta.complaints.api", "router")
        raise NotAvailable("the complaints intake endpoint is not wired into the benchmark yet")


def bulk_load(*, complaints: int, seed: int) -> dict[str, Any]:
    _require("rabta.complaints.models", "Complaint")
    raise NotAvailable("the complaints COPY generator is not wired into the benchmark yet")


def inbox_officer(bulk: dict[str, Any]) -> tuple[Any, list[dict[str, Any]], str]:
    _require("rabta.complaints.selectors", "complaint_list")
    raise NotAvailable("the inbox selector is not wired into the benchmark yet")


def escalation_sweep() -> tuple[Any, str]:
    _require("rabta.complaints.services.escalation", "escalation_sweep")
    raise NotAvailable("the escalation sweep is not wired into the benchmark yet")
