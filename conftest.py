"""The shared cast of personas every domain's tests use (see docs/testing.md).

* ``citizen`` — a complainant;
* ``officer_a`` — an officer of office A (a district office in Punjab);
* ``supervisor_a`` — the head of A's parent office, so A is "below" them;
* ``officer_b`` — an officer of office B (another government) who must *not* see A's items;
* ``oversight`` — Punjab's oversight unit;
* ``administrator`` — configuration only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from rabta.accounts.models import ComplainantProfile, RoleAssignment, User
from rabta.accounts.roles import Role
from rabta.directory.choices import GovernmentLevel, JurisdictionKind, OfficeLevel
from rabta.directory.models import Department, Government, Jurisdiction
from rabta.directory.services import office_create

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _reference_memo_per_test():
    """Every test's rows are rolled back after it (and SQLite reuses their ids): what this process
    kept in memory from them must not reach the next test."""
    from rabta.complaints.reference import MEMO

    MEMO.forget_locally()
    yield
    MEMO.forget_locally()


@pytest.fixture(autouse=True)
def _language_per_test():
    """A page requested in Urdu leaves Urdu active in the thread (LocaleMiddleware activates it and
    nothing deactivates it), so a later test's messages came out in Urdu depending on which test ran
    before it on the same worker. Each test starts in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _rate_limits_per_test(settings):
    """Rate-limit counters live in the shared cache and outlast a test: each test counts under its
    own key prefix, so the suite never trips a limit by accident, and tests running in parallel on
    one Redis never reset each other's counters (as clearing the cache would)."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:test:{uuid.uuid4().hex}:"


@contextmanager
def cache_isolated() -> Iterator[Any]:
    """The default cache, for one test alone: its keys under a prefix no other test uses (and, in
    memory, a store of its own), deleted at the end. What a test that needs an empty cache uses
    instead of clearing the whole cache, which on a shared Redis would wipe the counters, tokens
    and locks of every test running beside it."""
    from django.core.cache import caches

    prefix = f"test:{uuid.uuid4().hex}"
    default = {**settings.CACHES["default"], "KEY_PREFIX": prefix}
    if default["BACKEND"].endswith("LocMemCache"):
        default["LOCATION"] = prefix
    with override_settings(CACHES={**settings.CACHES, "default": default}):
        cache = caches["default"]
        try:
            yield cache
        finally:
            if default["BACKEND"].endswith("RedisCache"):
                client = cache._cache.get_client(write=True)
                keys = list(client.scan_iter(match=f"{prefix}:*"))
                if keys:
                    client.delete(*keys)
            else:
                cache.clear()  # this test's own store only


@pytest.fixture
def cache_of_its_own():
    """An empty default cache of the test's own (``cache_isolated``)."""
    with cache_isolated() as cache:
        yield cache


@pytest.fixture
def world(db):
    """A tiny directory: Pakistan > Punjab > Lahore and Sindh > Karachi, one department in each
    government, with a head office, a district office below it, and a customs collectorate."""
    pk = Jurisdiction.objects.create(code="PK", name="Pakistan", name_ur="پاکستان", kind=JurisdictionKind.COUNTRY)
    punjab = Jurisdiction.objects.create(
        code="PK-PB", name="Punjab", name_ur="پنجاب", kind=JurisdictionKind.PROVINCE, parent=pk
    )
    lahore = Jurisdiction.objects.create(
        code="PK-PB-LHR", name="Lahore", name_ur="لاہور", kind=JurisdictionKind.DISTRICT, parent=punjab
    )
    sindh = Jurisdiction.objects.create(
        code="PK-SD", name="Sindh", name_ur="سندھ", kind=JurisdictionKind.PROVINCE, parent=pk
    )
    karachi = Jurisdiction.objects.create(
        code="PK-SD-KHI", name="Karachi South", kind=JurisdictionKind.DISTRICT, parent=sindh
    )
    federal = Government.objects.create(
        code="FED", name="Government of Pakistan", level=GovernmentLevel.FEDERAL, jurisdiction=pk
    )
    gov_punjab = Government.objects.create(
        code="PB", name="Government of the Punjab", level=GovernmentLevel.PROVINCIAL, jurisdiction=punjab
    )
    gov_sindh = Government.objects.create(
        code="SD", name="Government of Sindh", level=GovernmentLevel.PROVINCIAL, jurisdiction=sindh
    )
    lg_punjab = Department.objects.create(government=gov_punjab, code="PB-LG", name="Local Government Department")
    lg_sindh = Department.objects.create(government=gov_sindh, code="SD-LG", name="Local Government Department")
    customs = Department.objects.create(government=federal, code="FED-CUS", name="Pakistan Customs", is_customs=True)

    head_a = office_create(
        department=lg_punjab,
        code="PB-LG-HQ",
        name="Local Government Punjab, Head Office",
        level=OfficeLevel.HEAD,
        jurisdiction=punjab,
    )
    office_a = office_create(
        department=lg_punjab,
        code="PB-LG-LHR",
        name="Local Government Lahore",
        level=OfficeLevel.DISTRICT,
        jurisdiction=lahore,
        parent=head_a,
    )
    head_b = office_create(
        department=lg_sindh,
        code="SD-LG-HQ",
        name="Local Government Sindh, Head Office",
        level=OfficeLevel.HEAD,
        jurisdiction=sindh,
    )
    office_b = office_create(
        department=lg_sindh,
        code="SD-LG-KHI",
        name="Local Government Karachi South",
        level=OfficeLevel.DISTRICT,
        jurisdiction=karachi,
        parent=head_b,
    )
    customs_hq = office_create(
        department=customs, code="FED-CUS-HQ", name="Customs Wing, FBR", level=OfficeLevel.HEAD, jurisdiction=pk
    )
    collectorate = office_create(
        department=customs,
        code="FED-CUS-APP-KHI",
        name="Collectorate of Customs (Appraisement-East), Karachi",
        level=OfficeLevel.COLLECTORATE,
        jurisdiction=karachi,
        parent=customs_hq,
    )
    return SimpleNamespace(
        pakistan=pk,
        punjab=punjab,
        lahore=lahore,
        sindh=sindh,
        karachi=karachi,
        federal=federal,
        gov_punjab=gov_punjab,
        gov_sindh=gov_sindh,
        lg_punjab=lg_punjab,
        lg_sindh=lg_sindh,
        customs=customs,
        head_a=head_a,
        office_a=office_a,
        head_b=head_b,
        office_b=office_b,
        customs_hq=customs_hq,
        collectorate=collectorate,
    )


def make_user(email: str, name: str, *roles: tuple, complainant_type: str | None = None) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=name)
    if complainant_type:
        ComplainantProfile.objects.create(user=user, complainant_type=complainant_type)
    for role, office, government in roles:
        RoleAssignment.objects.create(user=user, role=role, office=office, government=government)
    return user


@pytest.fixture
def citizen(db):
    return make_user("citizen@example.pk", "Ayesha Khan", (Role.COMPLAINANT, None, None), complainant_type="citizen")


@pytest.fixture
def other_citizen(db):
    return make_user("other@example.pk", "Bilal Ahmed", (Role.COMPLAINANT, None, None), complainant_type="citizen")


@pytest.fixture
def officer_a(world):
    return make_user("officer.a@gov.pk", "Officer of A", (Role.OFFICER, world.office_a, None))


@pytest.fixture
def supervisor_a(world):
    return make_user("supervisor.a@gov.pk", "Supervisor over A", (Role.SUPERVISOR, world.head_a, None))


@pytest.fixture
def officer_b(world):
    return make_user("officer.b@gov.pk", "Officer of B", (Role.OFFICER, world.office_b, None))


@pytest.fixture
def oversight(world):
    return make_user("oversight@gov.pk", "Punjab oversight", (Role.OVERSIGHT, None, world.gov_punjab))


@pytest.fixture
def administrator(world):
    user = make_user("admin@gov.pk", "Administrator", (Role.ADMINISTRATOR, None, None))
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def personas(citizen, other_citizen, officer_a, supervisor_a, officer_b, oversight, administrator):
    return SimpleNamespace(
        citizen=citizen,
        other_citizen=other_citizen,
        officer_a=officer_a,
        supervisor_a=supervisor_a,
        officer_b=officer_b,
        oversight=oversight,
        administrator=administrator,
    )


@pytest.fixture
def verified_client(client):
    """A test client whose login counts as second-factor verified (staff pages need it)."""

    from rabta.api.testing.matrix import signed_in

    def login(user):
        return signed_in(user, client)

    return login


@pytest.fixture
def shared_data():
    """Path to ../shared/data; tests that use the real data sets skip without it."""
    path = settings.RABTA_SHARED_DATA_DIR
    if not path.is_dir():
        pytest.skip(f"shared data sets not found at {path} (they live beside the checkout in ../shared/data)")
    return path
