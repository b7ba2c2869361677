import datetime as dt
import json
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rabta.risk.tests.learning.test_backtest import generated


def _write(frame: pl.DataFrame, path: Path) -> str:
    frame.with_columns(pl.col("Date").cast(pl.Utf8)).write_csv(path)
    return str(path)


def test_backtest_command_prints_one_json_object(tmp_path: Path) -> None:
    train = _write(generated(800, 5, dt.date(2020, 1, 1)), tmp_path / "train.csv")
    test = _write(generated(300, 6, dt.date(2020, 9, 1)), tmp_path / "test.csv")
    out = StringIO()
    call_command("risk", "backtest", "--format", "kcs", "--train", train, "--test", test, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"precision_at", "recall_at", "oracle_precision_at", "auc", "n_test", "fraud_rate_test"}
    assert set(data["precision_at"]) == {"1", "2", "5", "10"}
    assert data["n_test"] == 300


def test_backtest_command_without_positive_labels_fails_clearly(tmp_path: Path) -> None:
    frame = generated(200, 7, dt.date(2020, 1, 1)).with_columns(pl.lit(0).alias("Fraud"))
    train = _write(frame, tmp_path / "train.csv")
    with pytest.raises(CommandError, match="no positive"):
        call_command("risk", "backtest", "--train", train, "--test", train, "--json", stdout=StringIO())
