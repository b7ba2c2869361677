import datetime as dt
import random
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from rabta.risk.learning.backtest import (
    BacktestError,
    backtest,
    build_features,
    normalise,
    ranking_metrics,
    read_kcs,
)

KCS = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "customs" / "kcs"


def generated(n: int, seed: int, start: dt.date, fraud_importers: set[str] | None = None) -> pl.DataFrame:
    """Rows where importers I0..I4 and a high value per kg are fraudulent (the planted signal)."""
    rng = random.Random(seed)
    bad = fraud_importers if fraud_importers is not None else {f"I{i}" for i in range(5)}
    rows = []
    for i in range(n):
        importer = f"I{rng.randrange(40)}"
        mass = rng.uniform(1, 100)
        price = mass * rng.uniform(1, 10)
        fraud = 1 if (importer in bad and rng.random() < 0.9) or rng.random() < 0.03 else 0
        rows.append(
            {
                "Date": (start + dt.timedelta(days=i * 200 // n)).isoformat(),
                "Office ID": str(rng.randrange(5)),
                "Process Type": "B",
                "Import Type": "11",
                "Import Use": "21",
                "Payment Type": "11",
                "Mode of Transport": "10",
                "Declarant ID": f"D{rng.randrange(20)}",
                "Importer ID": importer,
                "Seller ID": f"S{rng.randrange(30)}",
                "HS6 Code": str(rng.choice([440890, 90111, 851712])),
                "Country of Departure": "BE",
                "Country of Origin": rng.choice(["BE", "CN", "US"]),
                "Tax Rate": 8.0,
                "Tax Type": "A",
                "Country of Origin Indicator": "G",
                "Net Mass": mass,
                "Item Price": price,
                "Fraud": fraud,
            }
        )
    return normalise(pl.DataFrame(rows).with_columns(pl.all().cast(pl.Utf8)))


def test_planted_signal_beats_the_base_rate() -> None:
    train = generated(2000, 1, dt.date(2020, 1, 1))
    test = generated(1000, 2, dt.date(2020, 8, 1))
    result = backtest(train, test)
    assert result.n_test == 1000
    assert result.precision_at["5"] > result.fraud_rate_test + 0.3
    assert result.auc > 0.8


@pytest.mark.parametrize("seed", range(5))
def test_oracle_is_min_one_p_over_n(seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels = (rng.random(500) < rng.uniform(0.005, 0.3)).astype(int)
    labels[0] = 1
    result = ranking_metrics(labels, rng.random(500))
    p = labels.mean()
    for pct in ("1", "2", "5", "10"):
        assert result.oracle_precision_at[pct] == pytest.approx(min(1.0, p / (int(pct) / 100)))
        assert result.precision_at[pct] <= 1.0
    perfect = ranking_metrics(labels, labels.astype(float))
    for pct in ("1", "2", "5", "10"):
        assert perfect.precision_at[pct] == pytest.approx(perfect.oracle_precision_at[pct], abs=0.01)


def test_no_positive_labels_is_a_clear_error() -> None:
    train = generated(200, 3, dt.date(2020, 1, 1), fraud_importers=set()).with_columns(pl.lit(0).alias("Fraud"))
    with pytest.raises(BacktestError, match="no positive"):
        backtest(train, generated(50, 4, dt.date(2020, 9, 1)))


@pytest.mark.parametrize("seed", range(3))
def test_later_labels_do_not_change_earlier_features(seed: int) -> None:
    train = generated(600, seed, dt.date(2020, 1, 1)).sort("Date", maintain_order=True)
    test = generated(50, seed + 10, dt.date(2020, 9, 1))
    cut = dt.date(2020, 4, 1)
    flipped = train.with_columns(
        pl.when(pl.col("Date") >= cut).then(1 - pl.col("Fraud")).otherwise(pl.col("Fraud")).alias("Fraud")
    )
    before = (train.get_column("Date") < cut).to_numpy()
    assert before.any() and not before.all()
    x_a, _ = build_features(train, test)
    x_b, _ = build_features(flipped, test)
    mask = pl.Series(before)
    assert x_a.filter(mask).equals(x_b.filter(mask))
    rates = [c for c in x_a.columns if c.endswith("_rate")]
    assert not x_a.select(rates).equals(x_b.select(rates))  # the flip is visible after the cut


def test_shared_kcs_files() -> None:
    train, test = KCS / "df_syn_train_eng.csv", KCS / "df_syn_valid_eng.csv"
    if not train.exists() or not test.exists():
        pytest.skip(f"KCS data not found under {KCS}")
    result = backtest(read_kcs([train]), read_kcs([test]))
    assert result.precision_at["10"] > result.fraud_rate_test
