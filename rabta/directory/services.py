"""Writes to the directory."""

from __future__ import annotations

from django.db import transaction

from rabta.core.events import event_record
from rabta.directory.models import Department, Jurisdiction, Office


def _with_path(office: Office) -> None:
    parent_path = office.parent.path if office.parent_id and office.parent else "/"
    office.path = f"{parent_path}{office.pk}/"
    office.depth = parent_path.count("/") - 1


@transaction.atomic
def office_create(
    *,
    department: Department,
    code: str,
    name: str,
    level: str,
    jurisdiction: Jurisdiction,
    parent: Office | None = None,
    name_ur: str = "",
    actor: object = None,
) -> Office:
    """Create an office under ``parent`` (None for a department's head office), keeping its path."""
    office = Office(department=department, code=code, name=name, name_ur=name_ur, level=level,
                    jurisdiction=jurisdiction, parent=parent)
    office.full_clean(exclude=["path", "depth"])
    office.save()
    _with_path(office)
    office.save(update_fields=["path", "depth"])
    event_record(kind="directory.office_created", subject=office, actor=actor,
                 data={"code": code, "parent": parent.code if parent else None})
    return office


def jurisdictions_load() -> int:
    """Load Pakistan's provinces, territories and districts shipped with Rabta. Placeholder until
    the directory data lands (issue 2)."""
    raise NotImplementedError
