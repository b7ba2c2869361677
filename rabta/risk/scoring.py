"""The learned model in the request path: a versioned artefact, checked before it scores.

An artefact is one JSON file under ``RABTA_RISK_MODEL_DIR``: the LightGBM model text, the feature list,
the training window, its metrics and the feature spec (categorical levels and history totals of the
training data, rabta.risk.learning.features.FeatureSpec). No pickle: a file is data, never code.
:class:`ModelScorer` refuses a file whose SHA-256 is not the one recorded for the model, or whose
feature list is not the recorded one or the code's (:class:`ArtefactError`); the caller keeps the
previous model (activation) or falls back to rules and random selection (a lane decision).

Declarations become rows in the KCS vocabulary of the feature code (:func:`declaration_rows`), one per
item; a declaration's score is its riskiest item's.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings

from rabta.customs.models import Declaration, DeclarationItem
from rabta.risk.learning import features
from rabta.risk.models import RiskModel

ARTEFACT_FORMAT = "rabta-risk-model/1"

ROW_SCHEMA: dict[str, Any] = {
    "Date": pl.Date,
    "HS6": pl.Utf8,
    "Net Mass": pl.Float64,
    "Item Price": pl.Float64,
    "Tax Rate": pl.Float64,
    **dict.fromkeys(features.PARTIES, pl.Utf8),
    **dict.fromkeys(features.CATEGORICAL, pl.Utf8),
    "Fraud": pl.Int64,
}


class ArtefactError(ValueError):
    """A model file that must not score: missing, altered, or with other features than recorded."""


def model_path(name: str) -> Path:
    directory = Path(settings.RABTA_RISK_MODEL_DIR)
    path = (directory / name).resolve()
    if path.parent != directory.resolve():
        raise ArtefactError(f"{name!r} is not a file name under the model directory")
    return path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def item_row(declaration: Declaration, item: DeclarationItem, *, fraud: int | None = None) -> dict[str, Any]:
    """One item of a declaration in the feature code's vocabulary. Absent values stay absent (None or
    "") so the gap is seen (features.missing_inputs) and the model scores with what is present."""
    attributes = declaration.source_attributes if isinstance(declaration.source_attributes, dict) else {}
    rate = float(declaration.exchange_rate)
    value = float(item.customs_value) * rate
    tax_rate: float | None
    if attributes.get("tax_rate") not in (None, ""):
        try:
            tax_rate = float(attributes["tax_rate"])
        except (TypeError, ValueError):
            tax_rate = None
    elif value > 0:
        tax_rate = 100 * float(item.duty_assessed + item.taxes_assessed) * rate / value
    else:
        tax_rate = None
    mass = _float(item.net_mass_kg)
    return {
        "Date": declaration.declared_on,
        "HS6": (item.tariff_code or "")[:6],
        "Net Mass": mass if mass else None,
        "Item Price": value,
        "Tax Rate": tax_rate,
        "Importer ID": str(declaration.importer_id or ""),
        "Declarant ID": str(declaration.declarant_id or ""),
        "Seller ID": str(declaration.seller_id or ""),
        "Office ID": str(attributes.get("office") or declaration.external_office or declaration.collectorate_id),
        "Process Type": (declaration.declaration_type or "").split("-")[0],
        "Import Type": str(attributes.get("import_type") or declaration.regime),
        "Import Use": str(attributes.get("import_use") or ""),
        "Payment Type": str(attributes.get("payment_type") or ""),
        "Mode of Transport": declaration.transport_mode or "",
        "Country of Departure": item.departure_country or "",
        "Country of Origin": item.origin_country or "",
        "Tax Type": str(attributes.get("tax_type") or ""),
        "Country of Origin Indicator": str(attributes.get("origin_indicator") or ""),
        "Fraud": fraud,
    }


def rows_frame(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=ROW_SCHEMA, orient="row")


def declaration_rows(declaration: Declaration, items: Iterable[DeclarationItem]) -> pl.DataFrame:
    return rows_frame([item_row(declaration, item) for item in items])


@dataclass(frozen=True)
class Score:
    score: float
    missing: list[str]


class ModelScorer:
    """A verified, loaded model. Construct it with :meth:`load`; it then only scores."""

    def __init__(self, *, model_pk: int, version: int, sha256: str, booster: Any, spec: features.FeatureSpec) -> None:
        self.model_pk, self.version, self.sha256 = model_pk, version, sha256
        self.booster, self.spec = booster, spec
        self.rows = features.RowScorer(spec)

    @classmethod
    def load(cls, model: RiskModel) -> ModelScorer:
        """Read and verify ``model``'s artefact; :class:`ArtefactError` names what does not match."""
        import lightgbm as lgb

        try:
            data = model_path(model.artefact).read_bytes()
        except OSError as exc:
            raise ArtefactError(f"the model file cannot be read ({exc.strerror or exc})") from None
        digest = sha256_of(data)
        if digest != model.sha256:
            raise ArtefactError(f"the model file's SHA-256 is {digest[:12]}…, not the recorded {model.sha256[:12]}…")
        try:
            document = json.loads(data)
        except ValueError:
            raise ArtefactError("the model file is not JSON") from None
        if not isinstance(document, dict) or document.get("format") != ARTEFACT_FORMAT:
            raise ArtefactError(f"the model file is not a {ARTEFACT_FORMAT} artefact")
        expected = features.feature_names()
        if document.get("features") != list(model.features) or list(model.features) != expected:
            raise ArtefactError("the model's feature list is not the recorded one or the one this code builds")
        try:
            booster = lgb.Booster(model_str=document["booster"])
            spec = features.FeatureSpec.from_json(document["spec"])
        except (KeyError, TypeError, ValueError, lgb.basic.LightGBMError) as exc:
            raise ArtefactError(f"the model file cannot be loaded ({exc})") from None
        if booster.feature_name() != expected:
            raise ArtefactError("the LightGBM model's features are not the recorded feature list")
        return cls(model_pk=model.pk, version=model.version, sha256=digest, booster=booster, spec=spec)

    def score_frame(self, rows: pl.DataFrame) -> np.ndarray:
        """Scores of many rows at once (the batch path: back-tests, re-scoring, the benchmark)."""
        x = features.scoring_features(features.normalise(rows), self.spec)
        return np.asarray(self.booster.predict(x.to_numpy(), num_threads=1))

    def score_declaration(self, declaration: Declaration, items: Sequence[DeclarationItem]) -> Score:
        """One declaration in the request path: each item's features without Polars (RowScorer)."""
        rows = [item_row(declaration, item) for item in items]
        if not rows:
            return Score(score=0.0, missing=[])
        matrix = np.array([self.rows.features(row) for row in rows], dtype=np.float64)
        scores = np.asarray(self.booster.predict(matrix, num_threads=1))
        missing = sorted(
            {name for row in rows for name in features.INPUT_COLUMNS if row.get(name) is None or row.get(name) == ""}
        )
        return Score(score=float(scores.max()), missing=missing)


_cache_lock = threading.Lock()
_cache: dict[tuple[int, str], ModelScorer] = {}


def scorer_for(model: RiskModel) -> ModelScorer:
    """The loaded scorer of ``model``, verified once per process and artefact hash."""
    key = (model.pk, model.sha256)
    with _cache_lock:
        scorer = _cache.get(key)
    if scorer is None:
        scorer = ModelScorer.load(model)
        with _cache_lock:
            _cache.clear()  # one model is active at a time; older ones need not stay in memory
            _cache[key] = scorer
    return scorer


def active_model() -> RiskModel | None:
    return RiskModel.objects.filter(status="active").first()
