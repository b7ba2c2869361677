import pytest


@pytest.fixture(autouse=True)
def _cache_per_test(cache_of_its_own):
    """Rate-limit counters and the outbox's kick live in the cache, which outlives a test's database
    rows: each accounts test starts from an empty cache of its own (never by clearing the shared
    one, which would wipe the keys of tests running beside it on the same Redis)."""
    return cache_of_its_own
