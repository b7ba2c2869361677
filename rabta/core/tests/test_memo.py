"""VersionedMemo: each process's copy is dropped when any process says the data changed."""

from __future__ import annotations

from unittest import mock

from django.core.cache import cache

from rabta.core.memo import VersionedMemo


def test_a_change_in_one_process_empties_the_memo_of_another():
    here, there = VersionedMemo("test-shared"), VersionedMemo("test-shared")  # two processes, one cache
    here.data()["answer"] = 42
    there.data()["answer"] = 42

    there.forget()

    assert "answer" not in here.data()
    assert "answer" not in there.data()


def test_the_memo_is_kept_while_nothing_changes():
    memo = VersionedMemo("test-kept")
    memo.data()["answer"] = 42
    assert memo.data()["answer"] == 42


def test_a_lost_token_empties_every_memo():
    memo = VersionedMemo("test-lost")
    memo.data()["answer"] = 42
    cache.delete(memo.key)  # evicted, or the cache restarted
    assert "answer" not in memo.data()


def test_the_memo_expires_after_its_maximum_age():
    memo = VersionedMemo("test-age", max_age_s=60)
    with mock.patch("rabta.core.memo.time.monotonic", return_value=1000.0):
        memo.data()["answer"] = 42
    with mock.patch("rabta.core.memo.time.monotonic", return_value=1061.0):
        assert "answer" not in memo.data()


def test_an_unreachable_cache_means_nothing_is_trusted():
    memo = VersionedMemo("test-down")
    memo.data()["answer"] = 42
    with mock.patch.object(cache, "get", side_effect=ConnectionError("down")):
        assert memo.data() == {}
        memo.data()["kept"] = True
        assert "kept" not in memo.data()
