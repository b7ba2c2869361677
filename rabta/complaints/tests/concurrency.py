"""Running one piece of work in several threads at the same moment, for race tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

T = TypeVar("T")


def run_at_once(count: int, work: Callable[[], T]) -> list[T]:
    """Start ``count`` threads that all call ``work`` at once (behind a barrier) and return what
    they returned. Each thread has its own database connection, closed when it ends; an exception
    in any of them fails the test, naming it."""
    barrier = threading.Barrier(count)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:  # collected so the assertion below names it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results
