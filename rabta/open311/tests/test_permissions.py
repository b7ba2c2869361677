"""Who may do what through Open311, tested where it is decided (rabta.open311.permissions): a table
of key × action → the client or the refusal, and of client × whose filing → allowed or 404.

Reading is public; filing and reading or pushing updates need the key of an active client, and a
client pushes updates only on the requests it filed (any other reads as unknown to it: 404).
"""

from __future__ import annotations

import pytest

from rabta.api.errors import status_for
from rabta.core.errors import DomainError
from rabta.open311 import permissions
from rabta.open311.models import Filing
from rabta.open311.services import client_key_issue, client_revoke
from rabta.open311.tests.conftest import KEY, OTHER_KEY

# Key offered -> the client it opens, or (status, the field's code) of the refusal.
KEYS = {
    "missing": (None, (403, "api_key_required")),
    "blank": ("   ", (403, "api_key_required")),
    "unknown": ("no-such-key-at-all", (403, "api_key_invalid")),
    "the city's": (KEY, "client"),
    "the city's, with spaces": (f"  {KEY}\n", "client"),
    "the helpline's": (OTHER_KEY, "other"),
}


def refusal(error: DomainError) -> tuple[int, str]:
    return status_for(error), error.fields["api_key"][0]["code"]


@pytest.mark.parametrize("offered", list(KEYS))
def test_which_key_opens_which_client(offered, o311):
    key, expected = KEYS[offered]
    if isinstance(expected, str):
        assert permissions.client_for_key(key) == getattr(o311, expected)
        return
    with pytest.raises(DomainError) as caught:
        permissions.client_for_key(key)
    assert refusal(caught.value) == expected


def test_a_revoked_client_key_opens_nothing_and_a_new_key_replaces_the_old(o311):
    client_revoke(client=o311.other, actor=None, reason="Contract ended")
    with pytest.raises(DomainError) as caught:
        permissions.client_for_key(OTHER_KEY)
    assert refusal(caught.value) == (403, "client_revoked")
    new_key = client_key_issue(client=o311.client, actor=None)
    with pytest.raises(DomainError) as caught:
        permissions.client_for_key(KEY)
    assert refusal(caught.value) == (403, "api_key_invalid")
    assert permissions.client_for_key(new_key) == o311.client


def test_keys_are_kept_as_keyed_hashes_only(o311):
    assert o311.client.key_hash == permissions.key_hash(KEY) == permissions.key_hash(f" {KEY} ")
    assert KEY not in o311.client.key_hash


# Client -> whose filing -> allowed, or 404 naming service_request_id.
FILINGS = {
    ("client", "own"): True,
    ("client", "the helpline's"): False,
    ("client", "none"): False,
    ("other", "own"): True,
    ("other", "the city's"): False,
}


@pytest.mark.parametrize(("who", "whose"), list(FILINGS))
def test_a_client_pushes_updates_only_on_its_own_filings(who, whose, o311):
    client = getattr(o311, who)
    filing = {
        "own": Filing(client=client),
        "the helpline's": Filing(client=o311.other),
        "the city's": Filing(client=o311.client),
        "none": None,
    }[whose]
    if FILINGS[(who, whose)]:
        assert permissions.require_filer(client, filing) is filing
        return
    with pytest.raises(DomainError) as caught:
        permissions.require_filer(client, filing)
    assert status_for(caught.value) == 404
    assert caught.value.fields["service_request_id"][0]["code"] == "not_filed_by_client"
