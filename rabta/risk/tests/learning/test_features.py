"""The request path's row features (RowScorer) equal the batch features (scoring_features)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from rabta.risk.learning import features
from rabta.risk.scoring import ROW_SCHEMA, rows_frame
from rabta.risk.tests.learning.test_backtest import generated

SPEC = features.feature_spec(features.normalise(generated(400, 9, dt.date(2020, 1, 1))))
ROWS = features.RowScorer(SPEC)

text = st.sampled_from(["", "I1", "I3", "I39", "D2", "S1", "CN", "KR", "X", "001", "1"])
rows = st.fixed_dictionaries(
    {
        "Date": st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2022, 12, 31))),
        "HS6": st.sampled_from(["", "852872", "300490", "12ab56", "000001", "85"]),
        "Net Mass": st.one_of(st.none(), st.floats(0, 1e7)),
        "Item Price": st.one_of(st.none(), st.floats(0, 1e10)),
        "Tax Rate": st.one_of(st.none(), st.floats(0, 100)),
        **dict.fromkeys((*features.PARTIES, *features.CATEGORICAL), text),
    }
)


@settings(max_examples=150, deadline=None)
@given(rows)
def test_row_features_equal_the_frame_features(row):
    frame = features.scoring_features(features.normalise(rows_frame([{**row, "Fraud": None}])), SPEC)
    assert list(frame.columns) == features.feature_names()
    expected = frame.to_numpy().astype(np.float64)[0]
    np.testing.assert_allclose(np.array(ROWS.features(row)), expected, rtol=1e-12, equal_nan=True)


def test_the_row_schema_names_every_input_column():
    assert set(features.INPUT_COLUMNS) <= set(ROW_SCHEMA)
    assert pl.DataFrame(schema=ROW_SCHEMA).width == len(ROW_SCHEMA)
