"""``rabta risk train | approve | activate | profiles`` on KCS-format files."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rabta.risk.choices import ModelStatus
from rabta.risk.models import RiskModel
from rabta.risk.tests.learning.test_backtest import generated

pytestmark = pytest.mark.django_db


def _csv(frame, path):
    frame.with_columns(pl.col("Date").cast(pl.Utf8)).write_csv(path)
    return str(path)


def test_train_approve_activate_from_the_command_line(tmp_path, analyst):
    train = _csv(generated(500, 4, dt.date(2020, 1, 1)), tmp_path / "train.csv")
    out = StringIO()
    call_command("risk", "train", "--from", "2020-01-01", "--to", "2020-12-31", "--kcs", train, stdout=out)
    trained = json.loads(out.getvalue())
    assert trained["version"] == 1 and set(trained["metrics"]["precision_at"]) == {"1", "2", "5", "10"}
    with pytest.raises(CommandError, match="after its approval"):
        call_command("risk", "activate", "--version", "1", stdout=StringIO())
    call_command("risk", "approve", "--version", "1", "--by", analyst.email, stdout=StringIO())
    call_command("risk", "activate", "--version", "1", stdout=StringIO())
    assert RiskModel.objects.get(version=1).status == ModelStatus.ACTIVE
    call_command("risk", "profiles", stdout=(profiles := StringIO()))
    assert profiles.getvalue().strip() == "1 profiles"  # no examination yet: the overall row only


def test_training_files_without_a_positive_label_fail_clearly(tmp_path):
    frame = generated(200, 4, dt.date(2020, 1, 1)).with_columns(pl.lit(0).alias("Fraud"))
    train = _csv(frame, tmp_path / "train.csv")
    with pytest.raises(CommandError, match="no positive label"):
        call_command("risk", "train", "--from", "2020-01-01", "--to", "2020-12-31", "--kcs", train, stdout=StringIO())
