"""Moving decision reviews out of the complaints app loses nothing: every row, its events (still
found through the model: its timeline) and its content type (with the permissions given on it)
survive the migration forwards, and backwards again.

The events' trigger is enforced while the migrations run, as it is in production, so the migration
must take the maintenance path (rabta.core.db.events_maintenance) to re-point them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rabta.core.db import events_append_only
from rabta.core.events import event_timeline
from rabta.core.models import Event
from rabta.reviews.events import ReviewsEvent
from rabta.reviews.models import DecisionReview

pytestmark = pytest.mark.django_db(transaction=True)

OLD_LABEL, NEW_LABEL = "complaints.decisionreview", "reviews.decisionreview"


def _node(app: str, suffix: str) -> tuple[str, str]:
    # Found by name, not number: migrations are renumbered when branches merge.
    nodes = MigrationExecutor(connection).loader.graph.nodes
    return next(node for node in nodes if node[0] == app and node[1].endswith(suffix))


def _migrate(*targets: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))
    return MigrationExecutor(connection)  # a fresh one sees the state it left


def _latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@contextmanager
def _append_only() -> Iterator[None]:
    """The trigger as production has it (the test profile relaxes it per connection)."""
    with events_append_only():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET rabta.events_maintenance = 'off'")
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET rabta.events_maintenance = 'on'")


def _state_apps(executor: MigrationExecutor):
    """The models as the applied migrations left them."""
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def _table_names() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.fixture
def before_the_move():
    """The database as it was before reviews had their own app; put back at the latest afterwards."""
    move = _node("complaints", "_decision_review_moves_to_reviews")
    (parent,) = MigrationExecutor(connection).loader.graph.node_map[move].parents
    executor = _migrate(parent.key)
    try:
        yield _state_apps(executor), move
    finally:
        _latest()


def test_rows_events_and_content_type_survive_the_move_and_its_reversal(before_the_move, personas, world):
    apps, move = before_the_move
    assert "complaints_decisionreview" in _table_names()
    assert "reviews_decisionreview" not in _table_names()
    # The content type as it was: named after complaints, with a permission given to a group.
    content_type = ContentType.objects.get(app_label="complaints", model="decisionreview")
    change = Permission.objects.get(content_type=content_type, codename="change_decisionreview")
    group = Group.objects.create(name="Review clerks")
    group.permissions.add(change)

    # Given reviews filed and worked before the move, each with its events.
    OldReview = apps.get_model("complaints", "DecisionReview")
    OldEvent = apps.get_model("core", "Event")
    now = timezone.now()
    rows = []
    for n, (decision_type, decided) in enumerate([("valuation", False), ("penalty", True), ("classification", False)]):
        review = OldReview.objects.create(
            reference=f"DR-AAAA-AAA{n + 2}-X",
            applicant_id=personas.citizen.pk,
            decision_type=decision_type,
            decision_reference=f"ORD-{n}",
            decision_office_id=world.office_a.pk,
            decision_maker_rank=17,
            reasons=f"Reasons {n}",
            due_at=now + timedelta(days=30),
            result="varied" if decided else "",
            result_reasons="Halved." if decided else "",
            decided_at=now if decided else None,
        )
        kinds = [ReviewsEvent.FILED, ReviewsEvent.ASSIGNED, ReviewsEvent.DECIDED][: 3 if decided else 1]
        for offset, kind in enumerate(kinds):
            OldEvent.objects.create(
                occurred_at=now + timedelta(minutes=offset),
                kind=str(kind),
                subject_type=OLD_LABEL,
                subject_id=str(review.pk),
                actor_id=personas.citizen.pk,
            )
        rows.append((review.pk, review.reference, decision_type, [str(kind) for kind in kinds]))
    unrelated = OldEvent.objects.create(
        occurred_at=now, kind="complaints.submitted", subject_type="complaints.complaint", subject_id="1"
    )

    # When the move runs (the trigger enforced, as in production)...
    with _append_only():
        # ...which really refuses a plain rewrite of history:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_event SET subject_type = %s WHERE id = %s", [NEW_LABEL, unrelated.pk])
        _latest()

    # Then every row is there, under the new app and table, with its events as its timeline.
    assert "reviews_decisionreview" in _table_names()
    assert "complaints_decisionreview" not in _table_names()
    assert DecisionReview.objects.count() == len(rows)
    for pk, reference, decision_type, kinds in rows:
        review = DecisionReview.objects.get(pk=pk)
        assert (review.reference, review.decision_type, review.applicant_id) == (
            reference,
            decision_type,
            personas.citizen.pk,
        )
        assert [event.kind for event in event_timeline(review)] == kinds
    assert not Event.objects.filter(subject_type=OLD_LABEL).exists()
    assert Event.objects.get(pk=unrelated.pk).subject_type == "complaints.complaint"
    # The content type was renamed, not replaced: the same row, its permissions and their grants.
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(DecisionReview).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="complaints", model="decisionreview").exists()
    assert set(group.permissions.all()) == {change}
    assert Permission.objects.get(pk=change.pk).content_type_id == content_type.pk
    # And the model works on the moved rows.
    assert DecisionReview.objects.visible_to(personas.citizen).count() == len(rows)

    # Backwards: everything goes back where it was.
    with _append_only():
        (parent,) = MigrationExecutor(connection).loader.graph.node_map[move].parents
        _migrate(parent.key)
    assert "complaints_decisionreview" in _table_names()
    assert "reviews_decisionreview" not in _table_names()
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(app_label="complaints", model="decisionreview").pk == content_type.pk
    assert not ContentType.objects.filter(app_label="reviews").exists()
    assert set(Group.objects.get(pk=group.pk).permissions.all()) == {Permission.objects.get(pk=change.pk)}
    old_apps = _state_apps(MigrationExecutor(connection))
    OldReview = old_apps.get_model("complaints", "DecisionReview")
    assert sorted(OldReview.objects.values_list("pk", "reference")) == sorted((pk, ref) for pk, ref, _, _ in rows)
    for pk, _reference, _type, kinds in rows:
        events = Event.objects.filter(subject_type=OLD_LABEL, subject_id=str(pk)).order_by("occurred_at", "id")
        assert [event.kind for event in events] == kinds
    assert not Event.objects.filter(subject_type=NEW_LABEL).exists()
