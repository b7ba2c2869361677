"""Celery app. With no broker configured, tasks run eagerly in-process (the embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rabta.settings")

app = Celery("rabta")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Periodic schedules live in code: domains add entries to app.conf.beat_schedule in their tasks.py.
app.conf.beat_schedule = {}
