"""The reference memo intake reads from: every change reaches the next submission, in every process."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache

from rabta.complaints.models import Category, DeadlinePolicy, RoutingRule
from rabta.complaints.reference import MEMO
from rabta.complaints.services.deadlines import add_business_days
from rabta.core.errors import DomainError
from rabta.directory.models import Jurisdiction
from rabta.directory.services import office_deactivate


class OtherProcess:
    """What another server process holds: its memo filled before a change it did not see happen
    (signals run only in the process that saved). ``resume()`` puts that memory back in place of
    this process's, so the next submission runs as that process would."""

    def __init__(self) -> None:
        self.version, self.data = MEMO._version, dict(MEMO._data)

    def resume(self) -> None:
        MEMO._version, MEMO._data = self.version, self.data


def test_new_routing_rule_applies_to_the_next_submission_in_this_process(submit, world, categories):
    assert submit().current_office == world.office_a  # no rule: the department's office for Lahore
    rule = RoutingRule.objects.create(category=categories.water, jurisdiction=world.punjab, office=world.head_a)

    complaint = submit(idempotency_key="second")

    assert complaint.current_office == world.head_a
    assert complaint.routing_rule == rule


def test_routing_rule_change_reaches_a_process_that_did_not_see_it(submit, world, categories):
    # Given a process that has routed a Water complaint, with a rule to office A in its memory
    rule = RoutingRule.objects.create(category=categories.water, jurisdiction=world.lahore, office=world.office_a)
    assert submit().current_office == world.office_a
    other = OtherProcess()
    assert "rules" in other.data  # it really holds the rules: the test is not vacuous

    # When an administrator (in another process) points the rule at the head office
    rule.office = world.head_a
    rule.save()
    other.resume()

    # Then that process's next submission goes to the head office
    assert submit(idempotency_key="after-change").current_office == world.head_a


def test_deleted_rule_and_deactivated_office_stop_routing_everywhere(submit, world, categories):
    rule = RoutingRule.objects.create(category=categories.water, jurisdiction=None, office=world.head_a)
    assert submit().current_office == world.head_a
    other = OtherProcess()
    rule.delete()
    other.resume()
    assert submit(idempotency_key="2").current_office == world.office_a

    other = OtherProcess()
    office_deactivate(office=world.office_a, reason="merged")
    other.resume()
    assert submit(idempotency_key="3").current_office == world.head_a


def test_category_attribute_change_reaches_a_process_that_did_not_see_it(submit, categories):
    submit()
    other = OtherProcess()
    categories.water.attributes = [{"name": "meter", "type": "number", "required": True}]
    categories.water.save()
    other.resume()

    with pytest.raises(DomainError) as caught:
        submit(idempotency_key="2")
    assert caught.value.fields["attributes.meter"][0]["code"] == "attribute_missing"


def test_place_moved_to_another_parent_reaches_a_process_that_did_not_see_it(submit, world, categories):
    # A rule for Sindh only, to Sindh's head office; Lahore is in Punjab, so it does not apply yet.
    RoutingRule.objects.create(category=categories.water, jurisdiction=world.sindh, office=world.head_b)
    assert submit().routing_rule is None
    other = OtherProcess()
    lahore = Jurisdiction.objects.get(pk=world.lahore.pk)
    lahore.parent = world.sindh
    lahore.save()
    other.resume()
    assert submit(idempotency_key="2").routing_rule is not None


def test_deadline_policy_change_reaches_a_process_that_did_not_see_it(submit, world, categories):
    policy = DeadlinePolicy.objects.create(category=categories.water, office=world.office_a, resolve_days=15)
    first = submit()
    other = OtherProcess()
    policy.resolve_days = 30
    policy.save()
    other.resume()
    second = submit(idempotency_key="2")
    # 15 more business days (counted as the deadlines count them: public holidays are not business
    # days, so "three more weeks" fails in a December with Christmas and Quaid-e-Azam Day in it).
    assert (second.resolve_due_at - second.created_at) >= (
        add_business_days(first.resolve_due_at, 15) - first.created_at
    ) - timedelta(seconds=1)


def test_category_created_without_signals_is_found_at_once(submit, world, categories):
    submit()  # the memo now holds every category there was
    Category.objects.bulk_create([Category(code="PB-MUN-ROADS", name="Roads", department=world.lg_punjab)])
    assert submit(category_code="PB-MUN-ROADS").category.code == "PB-MUN-ROADS"


def test_token_is_replaced_again_when_the_change_commits(world, categories, django_capture_on_commit_callbacks):
    # A process that reloads between the save and the commit reads the old rows; the second
    # replacement, after commit, makes it read again.
    with django_capture_on_commit_callbacks() as callbacks:
        RoutingRule.objects.create(category=categories.water, office=world.head_a)
        at_save = cache.get(MEMO.key)
    assert callbacks, "no replacement scheduled for after the commit"
    for callback in callbacks:
        callback()
    assert cache.get(MEMO.key) not in (None, at_save)


def test_without_the_cache_every_submission_reads_the_database(submit, world, categories):
    submit()
    with mock.patch.object(cache, "get", side_effect=ConnectionError("cache down")):
        RoutingRule.objects.bulk_create([RoutingRule(category=categories.water, office=world.head_a)])  # no signal
        assert submit(idempotency_key="2").current_office == world.head_a


def test_warm_submission_reads_no_reference_data(submit, django_assert_num_queries):
    submit()  # fills the memo
    # Profile and standing; SAVEPOINT, complaint, its events, look-alikes and the link to the first
    # (same text), whether another account verified the complainant's unverified address (so the
    # notice does not go to them), outbox, RELEASE. No category, place, rule, office or policy query.
    with django_assert_num_queries(9):
        submit(idempotency_key="warm")


def test_places_created_without_signals_route_through_all_their_parents(submit, world, categories):
    # Given a rule for Punjab, and a process whose memo holds every place there was
    rule = RoutingRule.objects.create(category=categories.water, jurisdiction=world.punjab, office=world.head_a)
    submit()
    # When a division and a tehsil in it are bulk-loaded (no signal reaches the memo)
    Jurisdiction.objects.bulk_create(
        [Jurisdiction(code="PK-PB-NEWDIV", name="New division", kind="division", parent=world.punjab)]
    )
    division = Jurisdiction.objects.get(code="PK-PB-NEWDIV")
    Jurisdiction.objects.bulk_create(
        [Jurisdiction(code="PK-PB-NEWDIV-T", name="New tehsil", kind="tehsil", parent=division)]
    )

    # Then a complaint from the tehsil is routed by Punjab's rule, through both new places
    assert submit(idempotency_key="tehsil", jurisdiction_code="PK-PB-NEWDIV-T").routing_rule == rule


def test_office_serving_a_further_place_reaches_a_process_that_did_not_see_it(submit, world, categories):
    # Sindh's water category has no office serving Lahore: refused.
    with pytest.raises(DomainError) as caught:
        submit(category_code="SD-MUN-WATER")
    assert caught.value.fields["category"][0]["code"] == "no_office_for_place"
    other = OtherProcess()
    # An administrator lets the Karachi office serve Lahore too (Office.serves, a many-to-many change).
    world.office_b.serves.add(world.lahore)
    other.resume()
    assert submit(category_code="SD-MUN-WATER", idempotency_key="2").current_office == world.office_b
