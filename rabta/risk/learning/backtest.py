"""Backtest a LightGBM targeting model on KCS-format declarations (issue 10), no database.

History features (smoothed fraud rate and count per importer, declarant, ... and pairs) are computed,
for training rows, only from training rows dated strictly before the row; for test rows, only from the
training files. See /work/shared/CUSTOMS-RISK.md, "Measuring a targeting model".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

INSPECTION_PERCENTS: tuple[int, ...] = (1, 2, 5, 10)
SMOOTHING = 10.0

CATEGORICAL = (
    "Office ID",
    "Process Type",
    "Import Type",
    "Import Use",
    "Payment Type",
    "Mode of Transport",
    "Country of Departure",
    "Country of Origin",
    "Tax Type",
    "Country of Origin Indicator",
)
HISTORY_KEYS: tuple[tuple[str, ...], ...] = (
    ("Importer ID",),
    ("Declarant ID",),
    ("Seller ID",),
    ("HS6",),
    ("Country of Origin",),
    ("Office ID",),
    ("Importer ID", "HS6"),
    ("Declarant ID", "Importer ID"),
    ("HS6", "Country of Origin"),
    ("Seller ID", "Importer ID"),
)


class BacktestError(ValueError):
    """Input that cannot be backtested; the message names the reason."""


@dataclass(frozen=True)
class BacktestResult:
    precision_at: dict[str, float]
    recall_at: dict[str, float]
    oracle_precision_at: dict[str, float]
    auc: float
    n_test: int
    fraud_rate_test: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision_at": self.precision_at,
            "recall_at": self.recall_at,
            "oracle_precision_at": self.oracle_precision_at,
            "auc": self.auc,
            "n_test": self.n_test,
            "fraud_rate_test": self.fraud_rate_test,
        }


def read_kcs(paths: Sequence[str | Path]) -> pl.DataFrame:
    """Read and concatenate KCS CSVs with the columns typed the same way in every file."""
    frames = []
    for path in paths:
        frame = pl.read_csv(path, infer_schema_length=0)  # all strings; typed below
        missing = {"Date", "Fraud", "HS6 Code", "Net Mass", "Item Price", "Tax Rate"} - set(frame.columns)
        if missing:
            raise BacktestError(f"{path}: missing columns {sorted(missing)}")
        frames.append(frame)
    return normalise(pl.concat(frames, how="diagonal"))


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("Date").str.to_date("%Y-%m-%d"),
        pl.col("Fraud").cast(pl.Int64),
        pl.col("Net Mass").cast(pl.Float64),
        pl.col("Item Price").cast(pl.Float64),
        pl.col("Tax Rate").cast(pl.Float64),
        pl.col("HS6 Code").cast(pl.Utf8).str.zfill(6).alias("HS6"),
        *[pl.col(c).cast(pl.Utf8).fill_null("") for c in CATEGORICAL if c in frame.columns],
        *[
            pl.col(c).cast(pl.Utf8).fill_null("")
            for c in ("Importer ID", "Declarant ID", "Seller ID")
            if c in frame.columns
        ],
    )


def _key_name(key: tuple[str, ...]) -> str:
    return "hist_" + "_".join(k.replace(" ", "") for k in key)


def _plain_features(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        (pl.col("Item Price") / pl.col("Net Mass").clip(lower_bound=0.001)).log1p().alias("value_per_kg"),
        pl.col("Item Price").log1p().alias("log_value"),
        pl.col("Net Mass").log1p().alias("log_mass"),
        pl.col("Tax Rate").alias("tax_rate"),
        pl.col("HS6").str.slice(0, 2).cast(pl.Int64, strict=False).alias("hs2"),
        pl.col("HS6").str.slice(0, 4).cast(pl.Int64, strict=False).alias("hs4"),
        pl.col("HS6").cast(pl.Int64, strict=False).alias("hs6"),
        pl.col("Date").dt.month().alias("month"),
        pl.col("Date").dt.weekday().alias("weekday"),
        pl.col("Date").dt.day().alias("day"),
    )


def training_history(train: pl.DataFrame) -> pl.DataFrame:
    """History features of training rows from training rows dated strictly before each row.

    The smoothing prior is itself the fraud rate of the earlier rows, so no later label reaches a row."""
    glob = (
        train.group_by("Date")
        .agg(pl.len().alias("_gn"), pl.col("Fraud").sum().alias("_gf"))
        .sort("Date")
        .select(
            "Date",
            ((pl.col("_gf").cum_sum() - pl.col("_gf")) / (pl.col("_gn").cum_sum() - pl.col("_gn")))
            .fill_nan(0.0)
            .fill_null(0.0)
            .alias("_prior"),
        )
    )
    prior = train.select("Date").join(glob, on="Date", how="left").get_column("_prior")
    out = []
    for key in HISTORY_KEYS:
        name = _key_name(key)
        daily = (
            train.group_by([*key, "Date"])
            .agg(pl.len().alias("_n"), pl.col("Fraud").sum().alias("_f"))
            .sort([*key, "Date"])
            .with_columns(
                (pl.col("_n").cum_sum().over(list(key)) - pl.col("_n")).alias("_pn"),
                (pl.col("_f").cum_sum().over(list(key)) - pl.col("_f")).alias("_pf"),
            )
        )
        joined = train.select([*key, "Date"]).join(
            daily, on=[*key, "Date"], how="left", nulls_equal=True, maintain_order="left"
        )
        out.append(_rate_columns(joined.with_columns(prior.alias("_prior")), name))
    return pl.concat(out, how="horizontal")


def history_for_test_rows(train: pl.DataFrame, test: pl.DataFrame, prior: float) -> pl.DataFrame:
    """History features of test rows from the training rows only."""
    out = []
    for key in HISTORY_KEYS:
        name = _key_name(key)
        totals = train.group_by(list(key)).agg(pl.len().alias("_pn"), pl.col("Fraud").sum().alias("_pf"))
        joined = test.select(list(key)).join(totals, on=list(key), how="left", nulls_equal=True, maintain_order="left")
        out.append(_rate_columns(joined.with_columns(pl.lit(prior).alias("_prior")), name))
    return pl.concat(out, how="horizontal")


def _rate_columns(joined: pl.DataFrame, name: str) -> pl.DataFrame:
    n = pl.col("_pn").fill_null(0).cast(pl.Float64)
    f = pl.col("_pf").fill_null(0).cast(pl.Float64)
    return joined.select(
        ((f + SMOOTHING * pl.col("_prior")) / (n + SMOOTHING)).alias(f"{name}_rate"),
        n.alias(f"{name}_count"),
    )


def _categorical_codes(train: pl.DataFrame, test: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    cols = [c for c in CATEGORICAL if c in train.columns]
    tr, te = [], []
    for c in cols:
        levels = train.get_column(c).unique().sort().to_list()
        mapping = {v: i for i, v in enumerate(levels)}
        tr.append(train.get_column(c).replace_strict(mapping, default=-1, return_dtype=pl.Int64).alias(f"cat_{c}"))
        te.append(test.get_column(c).replace_strict(mapping, default=-1, return_dtype=pl.Int64).alias(f"cat_{c}"))
    return pl.DataFrame(tr), pl.DataFrame(te)


def build_features(train: pl.DataFrame, test: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Feature frames for the training and the test rows, in the rows' order."""
    if train.height == 0 or int(train.get_column("Fraud").sum()) == 0:
        raise BacktestError("training data has no positive (Fraud=1) labels; nothing to learn")
    prior = float(train.get_column("Fraud").mean())  # type: ignore[arg-type]
    cat_tr, cat_te = _categorical_codes(train, test)
    x_train = pl.concat([_plain_features(train), cat_tr, training_history(train)], how="horizontal")
    x_test = pl.concat([_plain_features(test), cat_te, history_for_test_rows(train, test, prior)], how="horizontal")
    return x_train, x_test


def ranking_metrics(labels: np.ndarray, scores: np.ndarray) -> BacktestResult:
    from scipy.stats import rankdata

    n = len(labels)
    positives = int(labels.sum())
    if n == 0:
        raise BacktestError("test data has no rows")
    order = np.argsort(-scores, kind="stable")
    ranked = labels[order]
    rate = positives / n
    precision, recall, oracle = {}, {}, {}
    for pct in INSPECTION_PERCENTS:
        k = max(1, round(n * pct / 100))
        hits = int(ranked[:k].sum())
        precision[str(pct)] = hits / k
        recall[str(pct)] = hits / positives if positives else 0.0
        oracle[str(pct)] = min(1.0, rate / (pct / 100))
    auc = float("nan")
    if 0 < positives < n:  # Mann-Whitney U over tie-averaged ranks
        ranks = rankdata(scores)
        auc = float((ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * (n - positives)))
    return BacktestResult(precision, recall, oracle, auc, n, rate)


def backtest(train: pl.DataFrame, test: pl.DataFrame, *, seed: int = 0) -> BacktestResult:
    import lightgbm as lgb

    train = train.sort("Date", maintain_order=True)
    x_train, x_test = build_features(train, test)
    params = {
        "objective": "binary",
        "learning_rate": 0.05,
        "num_leaves": 63,
        "min_data_in_leaf": 20,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "feature_fraction": 0.8,
        "seed": seed,
        "num_threads": 1,
        "verbose": -1,
    }
    data = lgb.Dataset(x_train.to_numpy(), label=train.get_column("Fraud").to_numpy())
    booster = lgb.train(params, data, num_boost_round=400)
    scores = np.asarray(booster.predict(x_test.to_numpy()))
    return ranking_metrics(test.get_column("Fraud").to_numpy(), scores)
