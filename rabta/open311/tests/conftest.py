"""Open311 fixtures: civic categories offered as services (and one private kind that is not), a
client application with a known key, and the GeoReport v2 JSON Schemas read from the shared data
folder (never copied into the repository)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from rabta.complaints.models import Category, DeadlinePolicy
from rabta.open311.models import Service
from rabta.open311.services import client_register

SCHEMAS = Path(settings.BASE_DIR).parent.parent / "shared" / "data" / "open311-schemas"
SCHEMA_BASE = "https://schemas.open311.test/georeport-v2/"
KEY = "test-open311-key-0001"
OTHER_KEY = "test-open311-key-0002"


@pytest.fixture
def o311(world):
    water = Category.objects.create(
        code="PB-MUN-WATER", name="Water supply", name_ur="پانی", department=world.lg_punjab
    )
    roads = Category.objects.create(
        code="PB-MUN-ROAD",
        name="Broken road",
        department=world.lg_punjab,
        attributes=[
            {
                "name": "size",
                "label": "How big is it",
                "type": "choice",
                "choices": ["small", "large"],
                "required": True,
            },
            {"name": "hazards", "label": "Hazards", "type": "multichoice", "choices": ["water", "traffic", "dark"]},
            {"name": "depth_cm", "label": "Depth", "type": "number"},
            {"name": "seen_on", "label": "Seen on", "type": "date"},
            {"name": "notes", "label": "Notes", "type": "longtext"},
        ],
    )
    harassment = Category.objects.create(code="PB-HRT-HARASS", name="Harassment", department=world.lg_punjab)
    DeadlinePolicy.objects.create()
    Service.objects.create(category=water, group="Water")
    Service.objects.create(category=roads, keywords="road,pothole")
    client, _key = client_register(name="City app", actor=None, jurisdiction=world.lahore, key=KEY)
    other, _key = client_register(name="Helpline", actor=None, key=OTHER_KEY)
    return SimpleNamespace(water=water, roads=roads, harassment=harassment, client=client, other=other)


@pytest.fixture
def api(db):
    return Client()


def post(api: Client, path: str, data: dict, fmt: str = "json"):
    return api.post(f"/open311/v2/{path}.{fmt}", data)


def get(api: Client, path: str, params: dict | None = None, fmt: str = "json"):
    return api.get(f"/open311/v2/{path}.{fmt}", params or {})


def file_request(api: Client, **fields):
    data = {
        "api_key": KEY,
        "service_code": "PB-MUN-WATER",
        "description": "No water in our street since Monday.",
        "address_id": "PK-PB-LHR",
    }
    data.update(fields)
    return post(api, "requests", {k: v for k, v in data.items() if v is not None})


@pytest.fixture(scope="session")
def schema_validator():
    """A validator factory over the five GeoReport v2 schemas, their relative $refs resolved."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"the Open311 JSON Schemas are not at {SCHEMAS} (../shared/data is missing)")
    import jsonschema_rs

    names = ["request.json", "requests.json", "service.json", "services.json", "service-definition.json"]
    registry = jsonschema_rs.Registry([(SCHEMA_BASE + n, json.loads((SCHEMAS / n).read_text())) for n in names])

    def validator(name: str):
        return jsonschema_rs.validator_for({"$ref": SCHEMA_BASE + name}, registry=registry, validate_formats=True)

    return validator
