"""Cheap checks of the harness's own arithmetic and result file (no server, no database).

Run with: .venv/bin/pytest bench/tests -q -p no:randomly
"""

from __future__ import annotations

import json

import pytest

from bench.figures import Figure, not_measured, results_write
from bench.loadgen import LoadResult, percentile_ms
from bench.run import EXPECTED, RESULTS_DIR, parse_args


def test_percentile_is_nearest_rank_of_real_samples():
    samples = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    assert percentile_ms(samples, 50) == 50.0
    assert percentile_ms(samples, 99) == 99.0
    assert percentile_ms(samples, 100) == 100.0
    assert percentile_ms([0.007], 99) == 7.0
    assert percentile_ms([], 95) is None


def test_throughput_counts_only_successful_answers():
    result = LoadResult(duration_s=2.0, latencies_s=[0.01] * 10, statuses={201: 6, 500: 2, 0: 2}, errors=2)
    assert result.ok == 6
    assert result.ok_rps == 3.0


def test_results_file_has_name_value_unit_and_merge_keeps_other_figures(tmp_path):
    path = tmp_path / "latest.json"
    results_write(
        path,
        machine={"cores": 2},
        run={},
        merge=False,
        figures=[Figure(name="a", value=1.5, unit="s"), not_measured("b", "ms", "missing piece")],
    )
    results_write(path, machine={"cores": 2}, run={}, merge=True, figures=[Figure(name="a", value=2.0, unit="s")])
    document = json.loads(path.read_text())
    by_name = {figure["name"]: figure for figure in document["figures"]}
    assert by_name["a"]["value"] == 2.0
    assert by_name["b"]["value"] is None
    assert by_name["b"]["notes"] == "not measured: missing piece"
    assert all({"name", "value", "unit"} <= figure.keys() for figure in document["figures"])


def test_arguments_refuse_unknown_benchmarks_and_other_databases():
    assert parse_args(["--only", "crash,intake"]).only == ["intake", "crash"]
    # The reminder sweep runs after the escalation sweep, whatever order --only names them in.
    assert parse_args(["--only", "reminders,escalation"]).only == ["escalation", "reminders"]
    with pytest.raises(SystemExit):
        parse_args(["--only", "nope"])
    with pytest.raises(SystemExit):
        parse_args(["--database-url", "sqlite:///x.db"])


def test_every_committed_figure_is_owed_by_a_benchmark():
    # A benchmark that fails reports null for each figure EXPECTED lists; one missing from the list
    # would silently vanish from the results (or, with --merge, keep a stale value).
    committed = json.loads((RESULTS_DIR / "latest.json").read_text())["figures"]
    owed = {name for figures in EXPECTED.values() for name, _unit in figures}
    assert {figure["name"] for figure in committed} <= owed


def test_a_window_of_refused_intake_requests_is_not_reported_as_a_figure():
    from bench.intake import _intake_figures
    from bench.run import Context

    ctx = Context.__new__(Context)
    ctx.clients, ctx.broker, ctx.state = 32, "", {}
    ceiling = LoadResult(duration_s=1.0, latencies_s=[0.01] * 100, statuses={201: 100}, errors=0)
    refused = LoadResult(duration_s=1.0, latencies_s=[0.01] * 100, statuses={429: 90, 201: 10}, errors=0)
    figures = {f.name: f for f in _intake_figures(ctx, ceiling, refused, object())}
    assert figures["complaint_intake_rps"].value is None
    assert "90 of 100" in figures["complaint_intake_rps"].notes and "429" in figures["complaint_intake_rps"].notes
    served = LoadResult(duration_s=1.0, latencies_s=[0.01] * 100, statuses={201: 100}, errors=0)
    assert {f.name: f for f in _intake_figures(ctx, ceiling, served, object())}["complaint_intake_rps"].value == 100.0


def test_the_benchmark_server_lifts_every_rate_limit_it_would_reach_with_a_valid_setting():
    from django.conf import settings

    from bench.run import BENCH_RATE_LIMITS, Context
    from rabta.core.config import rate_limits_from_env

    ctx = Context.__new__(Context)
    ctx.data_dir, ctx.database_url, ctx.broker = "/tmp/x", "postgres://x", ""
    raw = ctx.server_env()["RABTA_RATE_LIMITS"]
    limits = rate_limits_from_env(raw, default=settings.RABTA_RATE_LIMITS)  # refuses a malformed value
    for scope in BENCH_RATE_LIMITS:
        for rate in limits[scope].values():
            assert int(rate.split("/")[0]) >= 1_000_000_000
