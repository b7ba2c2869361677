"""The inbox selector: exactly what visible_to shows, newest first, in a fixed number of queries."""

import pytest

from rabta.complaints import api
from rabta.complaints.choices import Anonymity
from rabta.complaints.models import Complaint
from rabta.complaints.selectors import ComplaintFilters, complaint_list

pytestmark = pytest.mark.django_db


def _ids(rows):
    return [row.pk for row in rows]


@pytest.fixture
def mixed(submit, officer_a, other_citizen):
    """Complaints an officer of A sees in several ways: their office's inbox, their own complaint
    in another province, and their own complaint that their office handles (both ways at once)."""
    office_a = [submit() for _ in range(3)]
    own_in_sindh = submit(complainant=officer_a, category_code="SD-MUN-WATER", jurisdiction_code="PK-SD-KHI")
    own_in_office_a = submit(complainant=officer_a)
    unseen = submit(complainant=other_citizen, category_code="SD-MUN-WATER", jurisdiction_code="PK-SD-KHI")
    return office_a, own_in_sindh, own_in_office_a, unseen


def test_each_persona_sees_exactly_what_visible_to_shows(mixed, personas):
    for name, user in vars(personas).items():
        ways = Complaint.objects.visible_to_by_way(user)
        by_way = set().union(*(set(way.values_list("pk", flat=True)) for way in ways))
        visible = set(Complaint.objects.visible_to(user).values_list("pk", flat=True))
        assert by_way == visible, name
        assert _ids(complaint_list(user=user)) == sorted(visible, reverse=True), name


def test_officer_inbox_merges_own_complaints_with_the_office_newest_first_once_each(mixed, officer_a):
    office_a, own_in_sindh, own_in_office_a, unseen = mixed
    expected = sorted([c.pk for c in office_a] + [own_in_sindh.pk, own_in_office_a.pk], reverse=True)

    # Keyset pages of two: every complaint once, in order, though one is seen two ways.
    seen, before_id = [], None
    while page := complaint_list(user=officer_a, filters=ComplaintFilters(before_id=before_id), limit=2):
        assert len(page) <= 2
        seen += _ids(page)
        before_id = page[-1].pk
    assert seen == expected
    assert unseen.pk not in seen


def test_filters_apply_to_every_way(mixed, officer_a):
    office_a, own_in_sindh, _, _ = mixed
    Complaint.objects.filter(pk__in=[office_a[0].pk, own_in_sindh.pk]).update(priority="high")
    rows = complaint_list(user=officer_a, filters=ComplaintFilters(priority="high"))
    assert _ids(rows) == sorted([office_a[0].pk, own_in_sindh.pk], reverse=True)
    rows = complaint_list(user=officer_a, filters=ComplaintFilters(category="SD-MUN-WATER"))
    assert _ids(rows) == [own_in_sindh.pk]


def test_nobody_and_anonymous_see_nothing(mixed, personas):
    from django.contrib.auth.models import AnonymousUser

    assert complaint_list(user=AnonymousUser()) == []
    assert complaint_list(user=personas.administrator) == []


def test_a_page_is_two_queries_however_many_ways_and_rows(mixed, officer_a, world, django_assert_num_queries):
    from rabta.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=officer_a, role="officer", office=world.office_b)
    with django_assert_num_queries(2):  # the user's role assignments, the page
        rows = complaint_list(user=officer_a)
    assert len(rows) == 6  # office A's four, office B's own-and-unseen two


def test_page_rows_load_what_the_list_shows_and_not_the_complainants_identifiers(
    submit, citizen, officer_a, django_assert_num_queries
):
    citizen.phone = "+923001234567"
    citizen.save(update_fields=["phone"])
    named = submit()
    hidden = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    rows = complaint_list(user=officer_a)
    assert _ids(rows) == [hidden.pk, named.pk]
    for row in rows:
        # The encrypted phone (and the rest of the user's row) is never read for a list.
        assert {"phone", "email", "password"} <= row.complainant.get_deferred_fields()
        assert {"attributes", "idempotency_key", "anonymous_token_hash"} <= row.get_deferred_fields()
    with django_assert_num_queries(0):  # everything the API shows was loaded with the page
        shown = [api._fields(officer_a, row) for row in rows]
    assert [row["complainant_name"] for row in shown] == [None, "Ayesha Khan"]
    assert "Ayesha" not in shown[0]["subject"] + shown[0]["text"]
