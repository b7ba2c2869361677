"""Notices are declared by their domains and collected at start-up: one owner per name, and a
name nobody declares fails the change that asked for it."""

from __future__ import annotations

import pytest
from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import translation

from rabta.accounts.models import User
from rabta.notifications.models import Outbox
from rabta.notifications.notices import Notice, UnknownNotice, notice_get, notice_names, notices_collect
from rabta.notifications.services import notification_enqueue

# Stored in outbox rows: a rename would orphan every row written under the old name.
STORED_NAMES = {
    "complaint_submitted",
    "complaint_message",
    "complaint_resolved",
    "complaint_appeal_closed",
    "complaint_appeal_reopened",
    "complaint_escalated",
    "standing_warned",
    "standing_throttled",
    "standing_suspended",
    "standing_normal",
    "standing_appeal_granted",
    "standing_appeal_refused",
    "decision_review_decided",
    "password_reset",
    "second_factor_reset",
    "office_deadline_reminder",
    "identifier_claimed",
}


def test_every_stored_template_name_is_still_declared():
    assert notice_names() >= STORED_NAMES


def test_each_domain_declares_its_own_notices():
    complaints = notices_collect([apps.get_app_config("complaints")])
    accounts = notices_collect([apps.get_app_config("accounts")])
    assert "complaint_escalated" in complaints and "complaint_escalated" not in accounts
    assert {"password_reset", "second_factor_reset", "identifier_claimed"} <= accounts.keys()
    assert notices_collect([apps.get_app_config("notifications"), apps.get_app_config("directory")]) == {}


def test_a_name_declared_by_two_apps_stops_start_up_naming_both():
    duplicate = AppConfig.create("rabta.notifications.tests.duplicate_notices")
    with pytest.raises(ImproperlyConfigured, match="'complaint_submitted' is declared by both complaints and"):
        notices_collect([apps.get_app_config("complaints"), duplicate])


@pytest.mark.django_db
def test_an_unknown_template_fails_at_enqueue_and_writes_nothing():
    user = User.objects.create_user(email="ayesha@example.pk", phone="+923001234567", full_name="Ayesha Khan")
    with pytest.raises(UnknownNotice, match="complaint_submited"), transaction.atomic():
        notification_enqueue(user=user, template="complaint_submited", context={})
    assert not Outbox.objects.exists()


def test_texts_are_lazy_and_translated_when_read():
    notice = notice_get("complaint_escalated")
    assert isinstance(notice, Notice)
    with translation.override("ur"):
        urdu = str(notice.subject)
    with translation.override("en"):
        english = str(notice.subject)
    assert english == "Complaint %(tracking_number)s escalated"
    assert urdu != english
