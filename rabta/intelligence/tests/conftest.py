"""Fixtures of the intelligence tests: a small category model on disk and the categories it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from rabta.complaints.models import Category, DeadlinePolicy
from rabta.complaints.tests import conftest as complaints_conftest
from rabta.intelligence.classifier import model_save, model_train
from rabta.intelligence.corpus import PHRASES, generated
from rabta.intelligence.suggest import model_forget

categories = complaints_conftest.categories  # the complaints tests' fixtures, shared
submit = complaints_conftest.submit

KEYS = ("MUN-WATER", "MUN-SANIT", "CUS-DELAY")


def train_small(path: Path, keys: tuple[str, ...] = KEYS, version: str = "test-1") -> None:
    pairs = generated(per_key=25, seed=3, phrases_by_key={k: PHRASES[k] for k in keys})
    model = model_train([t for t, _ in pairs], [k for _, k in pairs])
    model_save(model, path, extra={"version": version})


@pytest.fixture
def model_file(tmp_path, settings):
    path = tmp_path / "category"
    train_small(path)
    settings.RABTA_INTELLIGENCE_MODEL = path
    settings.RABTA_INTELLIGENCE_MIN_CONFIDENCE = 0.05
    model_forget()
    yield path
    model_forget()


@pytest.fixture
def keyed(world):
    water = Category.objects.create(
        code="PB-MUN-WATER", name="Water supply", name_ur="پانی کی فراہمی", department=world.lg_punjab
    )
    sindh_water = Category.objects.create(
        code="SD-MUN-WATER", name="Water supply", name_ur="پانی کی فراہمی", department=world.lg_sindh
    )
    garbage = Category.objects.create(code="PB-MUN-SANIT", name="Sanitation and garbage", department=world.lg_punjab)
    customs = Category.objects.create(
        code="CUS-DELAY", name="Clearance delay", department=world.customs, is_customs=True
    )
    DeadlinePolicy.objects.create()
    return type("Keyed", (), {"water": water, "sindh_water": sindh_water, "garbage": garbage, "customs": customs})
