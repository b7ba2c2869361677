"""The move of the accountability tables out of complaints (complaints/0018, accountability/0001-0004)
loses nothing, both ways: every row keeps its id and its links, every event its subject, every
content type its permissions and the groups holding them. Run with the append-only trigger of
core_event enforced, as in production, so the migration must open it the way it is meant to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rabta.accountability import services as responsibility
from rabta.accountability.models import ComplainantStanding, OfficerAudit, ResponsibilityRating
from rabta.complaints.services import feedback, work
from rabta.core.db import events_append_only
from rabta.core.models import Event

MODELS = ("complainantstanding", "officeraudit", "responsibilityrating")


def _node(app: str, suffix: str) -> tuple[str, str]:
    # Found by name, not number: migrations are renumbered when branches merge.
    nodes = MigrationExecutor(connection).loader.graph.nodes
    return next(node for node in nodes if node[0] == app and node[1].endswith(suffix))


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@contextmanager
def _events_enforced() -> Iterator[None]:
    """core_event refuses UPDATE as in production (the test profile relaxes it for its own flushes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET rabta.events_maintenance = 'off'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET rabta.events_maintenance = 'on'")
    else:
        with events_append_only():
            yield


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")  # noqa: S608 (our own table names)
        return cursor.fetchall()


def _subject_types() -> dict[str, str]:
    return dict(
        Event.objects.filter(kind__startswith="complaints.standing").values_list("kind", "subject_type")
    ) | dict(Event.objects.filter(kind__contains="officer_audit").values_list("kind", "subject_type"))


@pytest.mark.django_db(transaction=True)
def test_the_tables_move_with_every_row_event_and_permission_and_back(submit, citizen, officer_a, oversight):
    # Given: a rating (with its events and the standing it moved), an appeal of that standing, an
    # audit queued by a reopen and closed, and a group holding the admin permissions of all three.
    rejected = submit()
    work.complaint_reject(complaint=rejected, actor=officer_a, reason="abusive", explanation="Insults only.")
    rating = responsibility.complaint_rate_responsibility(complaint=rejected, actor=officer_a, rating="abusive")
    standing = responsibility.standing_appeal_file(user=citizen, text="I was provoked.")
    reopened = submit()
    work.complaint_acknowledge(complaint=reopened, actor=officer_a)
    work.complaint_resolve(complaint=reopened, actor=officer_a, outcome="relief_granted")
    feedback.complaint_reopen(complaint=reopened, actor=citizen, reason="Nothing was done")
    audit = OfficerAudit.objects.get(complaint=reopened)
    responsibility.officer_audit_close(audit=audit, actor=oversight, finding="fault", notes="No site visit.")
    types = {model: ContentType.objects.get(app_label="accountability", model=model) for model in MODELS}
    permissions = set(Permission.objects.filter(content_type__in=types.values()).values_list("pk", flat=True))
    assert len(permissions) == 4 * len(MODELS)
    auditors = Group.objects.create(name="auditors")
    auditors.permissions.set(permissions)
    events = set(Event.objects.values_list("pk", "kind", "subject_id"))
    moved = {
        "accountability.complainantstanding": {"complaints.standing_changed", "complaints.standing_appealed"},
        "accountability.officeraudit": {"accountability.officer_audit_queued", "complaints.officer_audit_closed"},
    }
    for subject_type, kinds in moved.items():
        assert set(Event.objects.filter(subject_type=subject_type).values_list("kind", flat=True)) == kinds
    rows = {model: _rows(f"accountability_{model}") for model in MODELS}
    assert all(len(found) == 1 for found in rows.values())

    with _events_enforced():
        # When: the move is undone (the state before it)...
        _migrate([_node("complaints", "_decision_review_moves_to_reviews")])
        # Then: the old tables, content types and subjects, every row and event still there.
        assert {f"complaints_{model}" for model in MODELS} <= _tables()
        assert not {f"accountability_{model}" for model in MODELS} & _tables()
        assert {model: _rows(f"complaints_{model}") for model in MODELS} == rows
        assert {model: ContentType.objects.get(pk=ct.pk).app_label for model, ct in types.items()} == dict.fromkeys(
            MODELS, "complaints"
        )
        for subject_type in moved:
            assert not Event.objects.filter(subject_type=subject_type).exists()
            old = subject_type.replace("accountability.", "complaints.")
            assert set(Event.objects.filter(subject_type=old).values_list("kind", flat=True)) == moved[subject_type]

        # ...and done again.
        _migrate(_leaves())

    # Then: the same rows under the new names, read by the live models with their links.
    assert {model: _rows(f"accountability_{model}") for model in MODELS} == rows
    assert not {f"complaints_{model}" for model in MODELS} & _tables()
    assert ResponsibilityRating.objects.get(pk=rating.pk).complaint == rejected
    assert rejected.__class__.objects.get(pk=rejected.pk).responsibility_rating.rating == "abusive"
    citizen.refresh_from_db()
    assert citizen.standing.pk == standing.pk and citizen.standing.appeal_open
    assert ComplainantStanding.objects.get(pk=standing.pk).level == "warned"
    assert list(reopened.officer_audits.values_list("pk", "status", "finding")) == [(audit.pk, "closed", "fault")]
    # Every event, and those of the moved models under their new subject type.
    assert set(Event.objects.values_list("pk", "kind", "subject_id")) == events
    for subject_type, kinds in moved.items():
        assert set(Event.objects.filter(subject_type=subject_type).values_list("kind", flat=True)) == kinds
    assert not Event.objects.filter(subject_type__in=[f"complaints.{model}" for model in MODELS]).exists()
    # The content types kept their ids, so the permissions and the group holding them survive.
    for model, content_type in types.items():
        assert ContentType.objects.get(pk=content_type.pk).app_label == "accountability", model
        assert not ContentType.objects.filter(app_label="complaints", model=model).exists()
    assert set(auditors.permissions.values_list("pk", flat=True)) == permissions
    assert ContentType.objects.get_for_model(OfficerAudit).pk == types["officeraudit"].pk
