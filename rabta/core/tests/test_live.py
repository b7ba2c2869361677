"""rabta.core.live: a topic's version changes when a transaction that bumped it commits, never when
it rolls back; a poll with the current ETag is a 304 without building the answer."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import RequestFactory

from rabta.core.live import live_bump, live_etag, live_response, live_version


@pytest.mark.django_db(transaction=True)
def test_a_bump_lands_on_commit_and_not_on_rollback():
    before = live_version("test.topic")
    with pytest.raises(RuntimeError), transaction.atomic():
        live_bump("test.topic")
        raise RuntimeError
    assert live_version("test.topic") == before
    with transaction.atomic():
        live_bump("test.topic")
        assert live_version("test.topic") == before  # not before the commit
    assert live_version("test.topic") != before


@pytest.mark.django_db(transaction=True)
def test_the_etag_names_the_variant_and_a_matching_poll_is_304():
    assert live_etag(["test.other"], "a") != live_etag(["test.other"], "b")
    built = []

    def build():
        built.append(1)
        return {"n": 1}

    etag = live_etag(["test.other"], "a")
    request = RequestFactory().get("/", HTTP_IF_NONE_MATCH=etag)
    response = live_response(request, topics=["test.other"], variant="a", build=build)
    assert response.status_code == 304 and built == [] and response["ETag"] == etag
    fresh = live_response(RequestFactory().get("/"), topics=["test.other"], variant="a", build=build)
    assert fresh.status_code == 200 and built == [1] and fresh["ETag"] == etag
    assert "private" in fresh["Cache-Control"]
