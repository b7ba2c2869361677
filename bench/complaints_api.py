"""How the benchmarks talk to the complaints app (its API, models, selectors and services).

Everything that depends on the complaints app's shape is in this one module, so that when the app
changes only this file follows.
"""

from __future__ import annotations


class NotAvailable(Exception):
    """The piece of the complaints app a benchmark needs has not landed."""


class IntakeRequests:
    def __init__(self, creds: list, *, run_id: str) -> None:
        raise NotAvailable("the complaints API (rabta/complaints/api.py) has not landed")
