"""Data that names the model by its app label follows it to reviews (and back, reversed):

* the content type row is renamed (complaints -> reviews), not replaced, so the admin permissions
  granted on it and the admin's history of reviews keep pointing at it;
* events keep their subject: ``Event.subject_type`` "complaints.decisionreview" becomes
  "reviews.decisionreview", which is what ``Event.objects.for_subject(review)`` now asks for.
  Events are append-only in the database; this is the maintenance path the trigger allows
  (``rabta.core.db.events_maintenance``), used for nothing else. Kinds are not touched: a stored
  kind never changes (``rabta.reviews.events``).
"""

from django.db import migrations

from rabta.core.db import events_maintenance

OLD = ("complaints", "decisionreview")
NEW = ("reviews", "decisionreview")


def _move(source, target):
    def run(apps, schema_editor):
        from django.contrib.contenttypes.models import ContentType as LiveContentType

        ContentType = apps.get_model("contenttypes", "ContentType")
        Event = apps.get_model("core", "Event")
        db = schema_editor.connection.alias
        types = ContentType.objects.using(db)
        old = types.filter(app_label=source[0], model=source[1]).first()
        if old is not None:
            # A migrate stopped half-way lets post_migrate create the new label's row before this
            # runs: the old row, which carries the permissions given out and the admin history, wins.
            types.filter(app_label=target[0], model=target[1]).delete()
            old.app_label = target[0]
            old.save(update_fields=["app_label"])
        LiveContentType.objects.clear_cache()

        with events_maintenance(schema_editor.connection):
            Event.objects.using(db).filter(subject_type=".".join(source)).update(subject_type=".".join(target))

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_decisionreview_table_renamed"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_event_kind_plain_index"),
    ]

    operations = [migrations.RunPython(_move(OLD, NEW), _move(NEW, OLD))]
