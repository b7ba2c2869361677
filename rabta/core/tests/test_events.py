import pytest
from django.db import DatabaseError, connection, transaction

from rabta.core.db import events_append_only
from rabta.core.events import event_build, event_record, event_timeline, events_record
from rabta.core.models import Event


@pytest.mark.django_db(transaction=True)
def test_event_record_refuses_to_run_outside_a_transaction(world):
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        event_record(kind="test.thing", subject=world.office_a)


def test_events_form_a_timeline_in_order(world, citizen):
    with transaction.atomic():
        event_record(kind="test.first", subject=world.office_a, actor=citizen, to_state="a")
        event_record(kind="test.second", subject=world.office_a, actor=citizen, from_state="a", to_state="b")
    kinds = [event.kind for event in event_timeline(world.office_a)]
    assert kinds == ["directory.office_created", "test.first", "test.second"]


def test_an_event_built_before_its_subject_is_saved_takes_the_id_when_written(world):
    from rabta.directory.models import Office

    office = Office(department=world.lg_punjab, code="PB-LG-NEW", name="New office", jurisdiction=world.lahore)
    event = event_build(kind="test.created", subject=office)
    with transaction.atomic():
        with pytest.raises(RuntimeError, match="save the subject"):
            events_record(event)
        office.save()
        events_record(event)
    assert [e.kind for e in Event.objects.for_subject(office)] == ["test.created"]


def test_events_cannot_be_updated_or_deleted_through_the_orm(world):
    event = Event.objects.for_subject(world.office_a).get()
    event.reason = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).delete()


def test_database_trigger_refuses_raw_update_and_delete(world):
    event = Event.objects.for_subject(world.office_a).get()
    for statement in ("UPDATE core_event SET reason = 'x' WHERE id = %s", "DELETE FROM core_event WHERE id = %s"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            events_append_only(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.reason == ""
