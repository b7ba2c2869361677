"""The targeting model's features, shared by the file back-test (``backtest.py``), training
(``rabta.risk.services.models``) and the request path (``rabta.risk.scoring.ModelScorer``), so the
model that scores a declaration sees exactly the features it was trained and back-tested on.

Rows are in the KCS column vocabulary (``Date``, ``Office ID``, ``Importer ID``, ``HS6``, ``Net Mass``,
``Item Price``, ``Tax Rate``, ...); a declaration in the database is turned into such rows by
``rabta.risk.scoring.declaration_rows``.

History features (smoothed fraud rate and count per importer, declarant, ... and pairs) of a
training row come only from training rows dated strictly before it; of a row to score, only from the
training rows (``FeatureSpec.totals``). See /work/shared/CUSTOMS-RISK.md, "Measuring a targeting model".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

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
PARTIES = ("Importer ID", "Declarant ID", "Seller ID")
NUMERIC = ("Net Mass", "Item Price", "Tax Rate")
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
    # Added after a comparison inside the 2020 file only (train January-September, test October-
    # December; nothing of 2021 looked at): precision@5/10 0.914/0.779 -> 0.926/0.806, AUC 0.832 -> 0.847.
    ("Declarant ID", "HS6"),
    ("Importer ID", "Country of Origin"),
    ("Office ID", "HS6"),
    ("Seller ID", "HS6"),
    ("Declarant ID", "Seller ID"),
    ("Importer ID", "Office ID"),
    ("HS6", "Country of Departure"),
)
# What a row to score should carry; a row without one of these is scored with what is present and the
# gap is recorded (rabta.risk.models.LaneDecision.missing_features).
INPUT_COLUMNS: tuple[str, ...] = ("Date", "HS6", *NUMERIC, *PARTIES, *CATEGORICAL)


class FeatureError(ValueError):
    """Rows that cannot be turned into features; the message names the reason."""


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """Type the columns the same way whatever the source: dates, floats, zero-filled HS6 and the
    categorical and party columns as strings ("" for absent). Missing columns are added as nulls."""
    for name in ("Net Mass", "Item Price", "Tax Rate", "Fraud"):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(name))
    if "HS6" not in frame.columns:
        code = pl.col("HS6 Code") if "HS6 Code" in frame.columns else pl.lit(None)
        frame = frame.with_columns(code.cast(pl.Utf8).str.zfill(6).alias("HS6"))
    for name in (*CATEGORICAL, *PARTIES):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(name))
    date = pl.col("Date")
    if frame.schema.get("Date") == pl.Utf8:
        date = date.str.to_date("%Y-%m-%d")
    return frame.with_columns(
        date.cast(pl.Date),
        pl.col("Fraud").cast(pl.Int64),
        *[pl.col(c).cast(pl.Float64) for c in NUMERIC],
        pl.col("HS6").cast(pl.Utf8).fill_null(""),
        *[pl.col(c).cast(pl.Utf8).fill_null("") for c in (*CATEGORICAL, *PARTIES)],
    )


def key_name(key: tuple[str, ...]) -> str:
    return "hist_" + "_".join(k.replace(" ", "") for k in key)


def plain_features(frame: pl.DataFrame) -> pl.DataFrame:
    """Features of the row itself: value per kilogram, value, mass, tax rate, code hierarchy, calendar."""
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
        out.append(_rate_columns(joined.with_columns(prior.alias("_prior")), key_name(key)))
    return pl.concat(out, how="horizontal")


def history_totals(train: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Per history key, the count of training rows and of frauds for each value (or pair)."""
    return {
        key_name(key): train.group_by(list(key)).agg(pl.len().alias("_pn"), pl.col("Fraud").sum().alias("_pf"))
        for key in HISTORY_KEYS
    }


def history_from_totals(frame: pl.DataFrame, totals: dict[str, pl.DataFrame], prior: float) -> pl.DataFrame:
    """History features of rows to score, from the training rows' totals only."""
    out = []
    for key in HISTORY_KEYS:
        name = key_name(key)
        joined = frame.select(list(key)).join(
            totals[name], on=list(key), how="left", nulls_equal=True, maintain_order="left"
        )
        out.append(_rate_columns(joined.with_columns(pl.lit(prior).alias("_prior")), name))
    return pl.concat(out, how="horizontal")


def _rate_columns(joined: pl.DataFrame, name: str) -> pl.DataFrame:
    n = pl.col("_pn").fill_null(0).cast(pl.Float64)
    f = pl.col("_pf").fill_null(0).cast(pl.Float64)
    return joined.select(
        ((f + SMOOTHING * pl.col("_prior")) / (n + SMOOTHING)).alias(f"{name}_rate"),
        n.alias(f"{name}_count"),
    )


def category_name(column: str) -> str:
    return "cat_" + column.replace(" ", "")  # LightGBM's feature names hold no spaces


def category_levels(train: pl.DataFrame) -> dict[str, list[str]]:
    return {c: train.get_column(c).unique().sort().to_list() for c in CATEGORICAL}


def encode_categories(frame: pl.DataFrame, levels: dict[str, list[str]]) -> pl.DataFrame:
    """Each categorical column as the index of its value among the training levels (-1 if unseen)."""
    return pl.DataFrame(
        [
            frame.get_column(c)
            .replace_strict({v: i for i, v in enumerate(values)}, default=-1, return_dtype=pl.Int64)
            .alias(category_name(c))
            for c, values in levels.items()
        ]
    )


@dataclass(frozen=True)
class FeatureSpec:
    """What scoring needs from the training data: categorical levels, history totals and the prior.
    Stored in the model artefact (``as_json``/``from_json``) next to the LightGBM model text."""

    levels: dict[str, list[str]]
    totals: dict[str, pl.DataFrame]
    prior: float

    def as_json(self) -> dict[str, Any]:
        return {
            "levels": self.levels,
            "prior": self.prior,
            "totals": {name: frame.to_dict(as_series=False) for name, frame in self.totals.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureSpec:
        totals = {}
        for key in HISTORY_KEYS:
            name = key_name(key)
            schema = {**dict.fromkeys(key, pl.Utf8), "_pn": pl.Int64, "_pf": pl.Int64}
            totals[name] = pl.DataFrame(data["totals"][name], schema=schema)
        return cls(levels={c: list(data["levels"][c]) for c in CATEGORICAL}, totals=totals, prior=float(data["prior"]))


def feature_spec(train: pl.DataFrame) -> FeatureSpec:
    if train.height == 0 or int(train.get_column("Fraud").fill_null(0).sum()) == 0:
        raise FeatureError("training data has no positive (Fraud=1) labels; nothing to learn")
    prior = float(train.get_column("Fraud").mean())  # type: ignore[arg-type]
    return FeatureSpec(levels=category_levels(train), totals=history_totals(train), prior=prior)


def training_features(train: pl.DataFrame, spec: FeatureSpec) -> pl.DataFrame:
    """Features of training rows (``train`` sorted by date): history strictly from earlier rows."""
    return pl.concat(
        [plain_features(train), encode_categories(train, spec.levels), training_history(train)], how="horizontal"
    )


def scoring_features(frame: pl.DataFrame, spec: FeatureSpec) -> pl.DataFrame:
    """Features of rows to score (test rows, live declarations): history from the training totals."""
    return pl.concat(
        [
            plain_features(frame),
            encode_categories(frame, spec.levels),
            history_from_totals(frame, spec.totals, spec.prior),
        ],
        how="horizontal",
    )


def feature_names() -> list[str]:
    """The model's feature columns, in order (what an artefact's feature list must equal)."""
    plain = ["value_per_kg", "log_value", "log_mass", "tax_rate", "hs2", "hs4", "hs6", "month", "weekday", "day"]
    cats = [category_name(c) for c in CATEGORICAL]
    hist = [f"{key_name(key)}_{part}" for key in HISTORY_KEYS for part in ("rate", "count")]
    return [*plain, *cats, *hist]


def missing_inputs(frame: pl.DataFrame) -> list[list[str]]:
    """Per row, the input columns that are absent or empty (scored anyway; the gap is recorded)."""
    checks = []
    for column in INPUT_COLUMNS:
        if column not in frame.columns:
            checks.append(pl.lit(column))
            continue
        empty = pl.col(column).is_null()
        if frame.schema[column] == pl.Utf8:
            empty = empty | (pl.col(column) == "")
        checks.append(pl.when(empty).then(pl.lit(column)).otherwise(pl.lit(None)))
    rows = frame.select(pl.concat_list(checks).list.drop_nulls().alias("m")).get_column("m").to_list()
    return [list(row) for row in rows]


class RowScorer:
    """The features of one row without Polars, for the request path (a Polars query costs about a
    millisecond each and scoring_features runs some fifty). It computes exactly what
    :func:`scoring_features` does on a one-row frame; ``rabta/risk/tests/learning/test_features.py``
    holds the two equal on generated rows, so they cannot drift apart."""

    def __init__(self, spec: FeatureSpec) -> None:
        self.spec = spec
        self.levels = {c: {v: i for i, v in enumerate(values)} for c, values in spec.levels.items()}
        self.totals: dict[str, dict[tuple[str, ...], tuple[int, int]]] = {}
        for key in HISTORY_KEYS:
            frame = spec.totals[key_name(key)]
            columns = [frame.get_column(k).to_list() for k in key]
            counts = zip(frame.get_column("_pn").to_list(), frame.get_column("_pf").to_list(), strict=True)
            self.totals[key_name(key)] = dict(zip(zip(*columns, strict=True), counts, strict=True))

    def features(self, row: dict[str, Any]) -> list[float]:
        """``row`` as item rows come (rabta.risk.scoring.item_row): a date, floats or None, strings."""
        nan = float("nan")

        def number(name: str) -> float:
            value = row.get(name)
            return nan if value is None else float(value)

        def digits(text: str) -> float:
            return float(int(text)) if text and text.isascii() and text.isdigit() else nan

        price, mass = number("Item Price"), number("Net Mass")
        hs6 = str(row.get("HS6") or "")
        day = row.get("Date")
        out = [
            math.log1p(price / max(mass, 0.001)) if not (math.isnan(price) or math.isnan(mass)) else nan,
            math.log1p(price) if not math.isnan(price) else nan,
            math.log1p(mass) if not math.isnan(mass) else nan,
            number("Tax Rate"),
            digits(hs6[:2]),
            digits(hs6[:4]),
            digits(hs6),
            float(day.month) if day else nan,
            float(day.isoweekday()) if day else nan,
            float(day.day) if day else nan,
        ]
        values = {name: str(row.get(name) or "") for name in (*CATEGORICAL, *PARTIES)}
        values["HS6"] = hs6
        out.extend(float(self.levels[c].get(values[c], -1)) for c in CATEGORICAL)
        prior = self.spec.prior
        for key in HISTORY_KEYS:
            n, f = self.totals[key_name(key)].get(tuple(values[k] for k in key), (0, 0))
            out.extend(((f + SMOOTHING * prior) / (n + SMOOTHING), float(n)))
        return out
