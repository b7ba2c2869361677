"""Open311's part of ``rabta loaddemo``: the civic categories offered as services, and a client
application whose published demo key is ``demo-open311-key`` (README), so anyone can try the
endpoint at once. Never load the demo into a production database (``loaddemo`` refuses)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from rabta.complaints.models import Category
from rabta.directory.models import Jurisdiction
from rabta.open311.models import ClientApplication, Service
from rabta.open311.permissions import key_hash
from rabta.open311.services import client_register

DEMO_AFTER: tuple[str, ...] = ("directory", "accounts", "complaints")
DEMO_KEY = "demo-open311-key"
DEMO_PLACE = "PK-PB-LHR"
# Kinds a public Open311 list must never show (GeoReport v2 requests are public): harassment and
# corruption reports are filed on Rabta's own pages, where the complainant chooses who sees them.
PRIVATE_MARKERS = ("HARASS", "-COR-")


def is_private(category: Category) -> bool:
    return category.is_customs or any(marker in category.code for marker in PRIVATE_MARKERS)


@transaction.atomic
def demo_load(*, offices: int = 0, seed: int = 0, shared_data: Path | None = None, stdout: Any = None) -> str:
    created = 0
    for category in Category.objects.filter(active=True).select_related("department"):
        if is_private(category):
            continue
        _service, made = Service.objects.get_or_create(category=category, defaults={"group": category.department.name})
        created += made
    if not ClientApplication.objects.filter(key_hash=key_hash(DEMO_KEY)).exists():
        client_register(
            name="Demo city app",
            actor=None,
            contact_email="open311@demo.rabta.pk",
            jurisdiction=Jurisdiction.objects.filter(code=DEMO_PLACE).first(),
            key=DEMO_KEY,
        )
    return f"open311: {created} services offered; demo api_key {DEMO_KEY}"
