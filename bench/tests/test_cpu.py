"""CPU accounting of the intake benchmark: what the serving processes used between two readings."""

import os

from bench.cpu import cpu_between, cpu_seconds


def test_each_process_counts_what_it_used_in_between_and_an_ended_one_nothing():
    before = {1: ("server", 5.0), 2: ("database", 1.0), 3: ("database", 9.0)}
    after = {1: ("server", 7.5), 2: ("database", 1.5), 4: ("worker", 0.25)}  # 3 ended, 4 is new

    assert cpu_between(before, after) == {"server": 2.5, "worker": 0.25, "database": 0.5}


def test_a_reused_pid_is_a_new_process_never_a_negative():
    assert cpu_between({7: ("database", 9.0)}, {7: ("database", 0.5)})["database"] == 0.5


def test_this_process_is_found_by_its_session():
    reading = cpu_seconds(sessions=[os.getsid(0)], database="no-such-database")

    assert reading[os.getpid()][0] == "server"
    assert all(group == "server" for group, _cpu in reading.values())
