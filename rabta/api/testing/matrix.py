"""The endpoint × persona matrix (issue 15): every operation of the API, discovered from the
NinjaAPI itself, called as every persona, against the outcome its app declares for it.

Each app declares one :class:`Row` per operation in ``<app>/tests/api_matrix.py`` (``ROWS``): the
path parameters (names of real items the matrix world creates), the body, and the status each
persona gets. :func:`undeclared` and :func:`unknown` make a new operation without a row, or a row
for an operation that is gone, fail the test: an endpoint is covered the moment it exists.

What every row must honour (docs/testing.md): anonymous is 401 wherever a login is needed; an item
outside the caller's scope is 404 (never 403, never 200); nothing is a 5xx.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.test import Client

ANONYMOUS = "anonymous"
# The cast of the root conftest, plus anonymous, a signed-in account with no role, the same roles in
# other offices and governments (an officer of the office above A, who sees only their own office's
# complaints; a supervisor and oversight of Sindh, as officer_b is for officer_a) and a customs manager.
PERSONAS = (
    ANONYMOUS,
    "no_role",
    "citizen",
    "other_citizen",
    "officer_a",
    "officer_above_a",
    "supervisor_a",
    "officer_b",
    "supervisor_b",
    "oversight",
    "oversight_b",
    "customs_manager",
    "administrator",
)

Body = Mapping[str, Any] | Callable[[Any], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    """One operation's expectations. ``operation`` is ``"METHOD /api/path/{param}"`` as the OpenAPI
    document spells it; ``path`` maps each path parameter to an attribute of the matrix world (its
    tracking number, reference or id is filled in); ``body`` is JSON, or a function of the world
    returning the client's keyword arguments (for uploads); ``expect`` gives every persona's status."""

    operation: str
    expect: Mapping[str, int]
    path: Mapping[str, str] = field(default_factory=dict)
    body: Body = None
    why: str = ""  # what a reader of the table needs to know about an unusual status

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expect)
        extra = set(self.expect) - set(PERSONAS)
        if missing or extra:
            raise ValueError(f"{self.operation}: every persona needs one status (missing {missing}, unknown {extra})")


def outcome(default: int, **statuses: int) -> dict[str, int]:
    """Every persona's status: ``default`` unless named. Anonymous must be named or is 401."""
    return {persona: statuses.get(persona, 401 if persona == ANONYMOUS else default) for persona in PERSONAS}


def public(status: int = 200) -> dict[str, int]:
    """No login needed: everyone, anonymous included, gets ``status``."""
    return dict.fromkeys(PERSONAS, status)


def operations(api: Any) -> list[str]:
    """Every operation the API serves, from its own OpenAPI document (so from its routers)."""
    paths = api.get_openapi_schema(path_prefix="/api/")["paths"]
    return sorted(f"{method.upper()} {path}" for path, methods in paths.items() for method in methods)


def undeclared(api: Any, rows: Iterable[Row]) -> list[str]:
    declared = {row.operation for row in rows}
    return [operation for operation in operations(api) if operation not in declared]


def unknown(api: Any, rows: Iterable[Row]) -> list[str]:
    served = set(operations(api))
    return [row.operation for row in rows if row.operation not in served]


def duplicated(rows: Iterable[Row]) -> list[str]:
    seen: set[str] = set()
    twice = []
    for row in rows:
        if row.operation in seen:
            twice.append(row.operation)
        seen.add(row.operation)
    return twice


def _value(item: Any) -> str:
    for name in ("tracking_number", "reference", "code"):
        if hasattr(item, name):
            return str(getattr(item, name))
    return str(getattr(item, "pk", item))


def url(row: Row, world: Any) -> str:
    path = row.operation.split(" ", 1)[1]
    for name, item in row.path.items():
        path = path.replace("{" + name + "}", _value(getattr(world, item)))
    if "{" in path:
        raise ValueError(f"{row.operation}: a path parameter has no item ({path})")
    return path


def call(client: Client, row: Row, world: Any) -> Any:
    """One request, its changes rolled back afterwards, so that every persona meets the same world."""
    method = row.operation.split(" ", 1)[0].lower()
    kwargs: dict[str, Any]
    if callable(row.body):
        kwargs = row.body(world)
    elif row.body is not None:
        kwargs = {"data": dict(row.body), "content_type": "application/json"}
    else:
        kwargs = {}
    with transaction.atomic():
        response = getattr(client, method)(url(row, world), **kwargs)
        transaction.set_rollback(True)
    return response


def signed_in(user: Any, client: Client | None = None) -> Client:
    """``client`` (a new one by default) signed in as ``user`` with its second factor passed (staff
    need it); anonymous for ``None``."""
    from django_otp.plugins.otp_static.models import StaticDevice

    client = client or Client()
    if user is None:
        return client
    device, _ = StaticDevice.objects.get_or_create(user=user, name="matrix")
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def mismatches(rows: Iterable[Row], persona: str, client: Client, world: Any) -> list[str]:
    """Every row whose answer to ``persona`` differs from what the row documents, or whose refusal
    is not in the one error format."""
    from rabta.api.errors import is_error_format

    found = []
    for row in rows:
        response = call(client, row, world)
        expected = row.expect[persona]
        body = b"" if response.streaming else response.content
        if response.status_code != expected:
            found.append(f"{row.operation}: expected {expected}, got {response.status_code} {body[:300]!r}")
        elif expected >= 400 and not is_error_format(json.loads(body)):
            found.append(f"{row.operation}: {expected} is not in the one error format: {body[:300]!r}")
    return found


def rule_breaks(row: Row) -> list[str]:
    """The table itself keeps the rules: a row may not document a 5xx, or a 403 for a persona
    who cannot see the item, or let anonymous past a login."""
    problems = []
    for persona, status in row.expect.items():
        if status >= 500:
            problems.append(f"{persona}: a 5xx is never an expected answer")
    return problems
