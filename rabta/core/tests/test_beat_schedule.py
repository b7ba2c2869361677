"""Each domain declares its periodic work in its own tasks.py; rabta.celery collects it through the
app registry, refusing an entry name two apps declare."""

from __future__ import annotations

import pytest
from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured

from rabta.celery import app, beat_schedule_collect


def test_beat_runs_every_domains_entries_and_each_domain_owns_its_own():
    complaints = beat_schedule_collect([apps.get_app_config("complaints")])
    notifications = beat_schedule_collect([apps.get_app_config("notifications")])
    scorecards = beat_schedule_collect([apps.get_app_config("scorecards")])
    risk = beat_schedule_collect([apps.get_app_config("risk")])
    intelligence = beat_schedule_collect([apps.get_app_config("intelligence")])

    assert {entry["task"] for entry in notifications.values()} == {"rabta.notifications.tasks.deliver_pending_outbox"}
    assert all(entry["task"].startswith("rabta.complaints.tasks.") for entry in complaints.values())
    assert {entry["task"] for entry in scorecards.values()} == {"rabta.scorecards.tasks.rollup_fold_task"}
    assert {entry["task"] for entry in risk.values()} == {"rabta.risk.tasks.model_retrain_task"}
    assert {entry["task"] for entry in intelligence.values()} == {
        "rabta.intelligence.tasks.signals_scan_task",
        "rabta.intelligence.tasks.recurring_refresh_task",
    }
    assert dict(app.conf.beat_schedule) == {**complaints, **notifications, **scorecards, **risk, **intelligence}


def test_every_scheduled_task_is_a_registered_task():
    registered = set(app.tasks)
    assert {entry["task"] for entry in app.conf.beat_schedule.values()} <= registered


def test_an_entry_declared_by_two_apps_is_refused_naming_both():
    duplicate = AppConfig.create("rabta.core.tests.duplicate_beat")
    with pytest.raises(ImproperlyConfigured, match="'escalation-sweep' is declared by both complaints and"):
        beat_schedule_collect([apps.get_app_config("complaints"), duplicate])
