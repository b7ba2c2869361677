"""Canned replies: each department's own, for its offices and oversight."""

import json

import pytest

from rabta.complaints.models import CannedReply

pytestmark = pytest.mark.django_db


def call(client, method, path, body=None):
    if body is None:
        return getattr(client, method)(f"/api{path}")
    return getattr(client, method)(f"/api{path}", json.dumps(body), content_type="application/json")


def test_canned_replies_are_the_departments_own(verified_client, personas, world):
    CannedReply.objects.create(department=world.lg_punjab, title="Site visit", body="An inspector will visit.")
    CannedReply.objects.create(department=world.lg_sindh, title="Karachi only", body="...")
    rows = call(verified_client(personas.officer_a), "get", "/complaints/canned-replies").json()
    assert [row["title"] for row in rows] == ["Site visit"]
    assert [
        r["title"] for r in call(verified_client(personas.oversight), "get", "/complaints/canned-replies").json()
    ] == ["Site visit"]
    assert call(verified_client(personas.citizen), "get", "/complaints/canned-replies").status_code == 403


def test_canned_reply_list_query_count_does_not_grow_with_the_page(
    verified_client, personas, world, django_assert_num_queries
):
    def add_rows():
        CannedReply.objects.create(department=world.lg_punjab, title="Site visit", body="An inspector will visit.")

    add_rows()
    client = verified_client(personas.oversight)
    counts = {}
    # session, user, second factor, roles (middleware), page
    for path, queries in (("/complaints/canned-replies", 5),):
        with django_assert_num_queries(queries) as one_row:
            assert len(call(client, "get", path).json()) == 1, path
        counts[path] = len(one_row.captured_queries)  # read now: the next request clears the query log
    for _ in range(4):
        add_rows()
    for path, count in counts.items():
        with django_assert_num_queries(count):
            assert len(call(client, "get", path).json()) == 5, path
