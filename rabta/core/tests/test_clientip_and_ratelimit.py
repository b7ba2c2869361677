"""The client's address cannot be chosen by the client, and rate limits count per address and
per subject, refuse with 429 without counting the refusal, and reopen after the window."""

from __future__ import annotations

import ipaddress
import random

import pytest
import time_machine
from django.test import RequestFactory

from rabta.api.errors import status_for
from rabta.core.clientip import client_ip
from rabta.core.errors import CoreError
from rabta.core.ratelimit import RateLimited, rate_limit

factory = RequestFactory()


def _random_ip(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return str(ipaddress.IPv4Address(rng.getrandbits(32)))
    return str(ipaddress.IPv6Address(rng.getrandbits(128)))


@pytest.mark.parametrize("seed", range(20))
def test_without_proxies_forwarding_headers_are_ignored(settings, seed):
    settings.RABTA_TRUSTED_PROXY_COUNT = 0
    rng = random.Random(seed)
    peer, spoofed = _random_ip(rng), _random_ip(rng)
    request = factory.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=spoofed, HTTP_X_REAL_IP=spoofed)
    assert client_ip(request) == peer


@pytest.mark.parametrize("seed", range(20))
def test_behind_n_proxies_the_client_is_the_nth_entry_from_the_right(settings, seed):
    rng = random.Random(seed)
    proxies = rng.randint(1, 3)
    settings.RABTA_TRUSTED_PROXY_COUNT = proxies
    client = _random_ip(rng)
    forged = [_random_ip(rng) for _ in range(rng.randint(0, 3))]  # written by the client itself
    hops = [_random_ip(rng) for _ in range(proxies - 1)]  # appended by our inner proxies
    header = ", ".join([*forged, client, *hops])
    request = factory.get("/", REMOTE_ADDR=_random_ip(rng), HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == str(ipaddress.ip_address(client))


def test_a_short_or_garbled_chain_falls_back_to_the_peer(settings):
    settings.RABTA_TRUSTED_PROXY_COUNT = 2
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.5")) == "10.0.0.9"
    settings.RABTA_TRUSTED_PROXY_COUNT = 1
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.9"


def test_a_custom_header_is_read_when_configured(settings):
    settings.RABTA_TRUSTED_PROXY_COUNT = 1
    settings.RABTA_CLIENT_IP_HEADER = "X-Real-IP"
    request = factory.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_REAL_IP="198.51.100.4", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_ip(request) == "198.51.100.4"


def test_address_limit_refuses_with_retry_after_and_does_not_count_refusals(settings):
    settings.RABTA_RATE_LIMITS = {"intake": {"address": "3/m"}}
    request = factory.post("/", REMOTE_ADDR="203.0.113.7")
    with time_machine.travel("2026-12-02 10:00:00+00:00", tick=False):
        for _ in range(3):
            rate_limit(request, scope="intake")
        for _ in range(5):
            with pytest.raises(RateLimited) as refused:
                rate_limit(request, scope="intake")
        assert refused.value.code == CoreError.RATE_LIMITED
        assert status_for(refused.value) == 429
        assert 1 <= refused.value.retry_after <= 60
        # Another address is counted on its own.
        rate_limit(factory.post("/", REMOTE_ADDR="203.0.113.8"), scope="intake")
    with time_machine.travel("2026-12-02 10:01:01+00:00", tick=False):
        rate_limit(request, scope="intake")  # the window has passed


def test_subject_limit_holds_across_addresses(settings):
    settings.RABTA_RATE_LIMITS = {"verification": {"address": "100/h", "subject": "2/h"}}
    with time_machine.travel("2026-12-02 10:00:00+00:00", tick=False):
        for n in range(2):
            rate_limit(
                factory.post("/", REMOTE_ADDR=f"203.0.113.{n}"), scope="verification", subjects=["+923001234567"]
            )
        with pytest.raises(RateLimited):
            rate_limit(factory.post("/", REMOTE_ADDR="198.51.100.1"), scope="verification", subjects=["+923001234567"])
        rate_limit(factory.post("/", REMOTE_ADDR="198.51.100.1"), scope="verification", subjects=["+923009999999"])


def test_subjects_are_not_stored_in_clear(settings, monkeypatch):
    import django_ratelimit.core

    settings.RABTA_RATE_LIMITS = {"verification": {"subject": "5/h"}}
    counted: list[str] = []
    make_key = django_ratelimit.core._make_cache_key

    def recording(group, window, rate, value, methods):
        counted.append(str(value))
        return make_key(group, window, rate, value, methods)

    monkeypatch.setattr(django_ratelimit.core, "_make_cache_key", recording)
    rate_limit(factory.post("/"), scope="verification", subjects=["+923001234567"])
    assert counted and not any("923001234567" in value for value in counted)
