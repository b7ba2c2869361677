"""The root conftest's ``cache_isolated``: a test's empty cache of its own, so that no test clears
the shared one (on one Redis, parallel runs would wipe each other's rate-limit counters, memo
tokens and the outbox's kick)."""

from __future__ import annotations

import uuid

from django.core.cache import cache

from conftest import cache_isolated


def test_an_isolated_cache_neither_sees_nor_wipes_the_keys_of_others():
    outside = f"outside:{uuid.uuid4().hex}"
    cache.set(outside, "theirs", timeout=60)
    try:
        with cache_isolated() as own:
            assert cache.get(outside) is None  # what others wrote is not there...
            own.set("mine", 1, timeout=60)
            assert cache.get("mine") == 1  # ...and the module-level cache is the test's own
            key = own.make_key("mine")
        assert cache.get(outside) == "theirs"  # ...nor wiped when it ends
        assert cache.get("mine") is None
        with cache_isolated() as again:
            assert again.make_key("mine") != key  # every use has its own prefix
            assert again.get("mine") is None
    finally:
        cache.delete(outside)


def test_an_isolated_cache_deletes_its_keys_when_it_ends():
    with cache_isolated() as own:
        own.set("counter", 3, timeout=60)
        prefix = own.key_prefix
        backend = own
    assert prefix.startswith("test:")
    # Read the test's own store once more, after the end: the keys are gone, not merely out of sight.
    assert backend.get("counter") is None


def test_the_fixture_gives_the_test_an_empty_cache(cache_of_its_own):
    assert cache_of_its_own.get("anything") is None
    cache.set("anything", 1)
    assert cache_of_its_own.get("anything") == 1
