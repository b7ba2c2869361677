"""Training, approval and activation of the model, and the model in the request path."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from rabta.core.errors import Forbidden, InvalidTransition, Unprocessable
from rabta.customs.choices import DiscrepancyType, Outcome
from rabta.customs.services.clearance import declaration_examine
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import declaration_input
from rabta.risk.choices import DecisionSource, ModelOutcome, ModelStatus
from rabta.risk.errors import RiskError
from rabta.risk.learning import features
from rabta.risk.models import LaneDecision, RiskModel
from rabta.risk.scoring import ArtefactError, ModelScorer, model_path
from rabta.risk.services.models import model_activate, model_approve, model_train
from rabta.risk.tests.learning.test_backtest import generated

pytestmark = pytest.mark.django_db
WINDOW = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 10, 31)}


def trained(actor=None, seed=5):
    return model_train(actor=actor, frame=generated(600, seed, dt.date(2026, 1, 1)), **WINDOW)


def active(analyst, second_analyst):
    model = trained(analyst)
    model_approve(actor=second_analyst, model=model)
    return model_activate(actor=analyst, model=RiskModel.objects.get(pk=model.pk))


def test_a_trained_model_records_its_window_features_hash_and_validation(analyst):
    model = trained(analyst)
    assert model.status == ModelStatus.TRAINED and model.version == 1
    assert model.features == features.feature_names() and len(model.sha256) == 64
    assert set(model.metrics["precision_at"]) == {"1", "2", "5", "10"}
    assert ModelScorer.load(model).version == 1


def test_training_data_without_a_positive_label_is_a_clear_error(analyst):
    frame = generated(200, 3, dt.date(2026, 1, 1)).with_columns(pl.lit(0).alias("Fraud"))
    with pytest.raises(Unprocessable) as caught:
        model_train(actor=analyst, frame=frame, **WINDOW)
    assert caught.value.code == RiskError.NO_POSITIVE_LABELS and "no positive label" in caught.value.message
    with pytest.raises(Unprocessable) as empty:
        model_train(actor=analyst, **WINDOW)  # no examined declaration in the database
    assert empty.value.code == RiskError.TRAINING_DATA_EMPTY
    assert not RiskModel.objects.exists()


def test_activation_needs_another_analysts_approval(analyst, second_analyst, trader):
    model = trained(analyst)
    with pytest.raises(InvalidTransition):
        model_activate(actor=analyst, model=model)
    with pytest.raises(Forbidden) as own:
        model_approve(actor=analyst, model=model)
    assert own.value.code == RiskError.MODEL_SELF_APPROVAL
    with pytest.raises(Forbidden):
        model_approve(actor=trader, model=model)
    model_approve(actor=second_analyst, model=model)
    assert model_activate(actor=analyst, model=RiskModel.objects.get(pk=model.pk)).status == ModelStatus.ACTIVE


@pytest.mark.parametrize("tamper", ["bytes", "features"])
def test_an_altered_model_file_is_refused_and_the_previous_model_stays_active(analyst, second_analyst, tamper):
    first = active(analyst, second_analyst)
    second = trained(analyst, seed=6)
    model_approve(actor=second_analyst, model=second)
    second.refresh_from_db()
    if tamper == "bytes":
        path = model_path(second.artefact)
        path.write_bytes(path.read_bytes().replace(b'"version": 2', b'"version": 9'))
    else:
        second.features = [*second.features[:-1], "hist_extra_count"]
    with pytest.raises(Unprocessable) as caught:
        model_activate(actor=analyst, model=second)
    assert caught.value.code == RiskError.MODEL_ARTEFACT_MISMATCH
    assert RiskModel.objects.get(status=ModelStatus.ACTIVE) == first
    assert RiskModel.objects.get(pk=second.pk).status == ModelStatus.REFUSED


def test_the_active_model_scores_each_declaration_and_records_its_version(world, analyst, second_analyst):
    model = active(analyst, second_analyst)
    declaration = declaration_file(data=declaration_input(), actor=None).declaration
    decision = LaneDecision.objects.get(declaration=declaration)
    assert decision.model_outcome == ModelOutcome.SCORED and decision.model_version == model.version
    assert 0 <= decision.model_score <= 1 and f"model v{model.version} score" in decision.reason


def test_a_declaration_missing_fields_is_scored_with_what_is_present_and_the_gap_recorded(
    world, analyst, second_analyst
):
    active(analyst, second_analyst)
    declaration = declaration_file(data=declaration_input(declarant=None, seller=None), actor=None).declaration
    decision = LaneDecision.objects.get(declaration=declaration)
    assert decision.model_outcome == ModelOutcome.SCORED
    assert {"Declarant ID", "Seller ID"} <= set(decision.missing_features)
    assert "scored without" in decision.reason


def test_a_failing_model_never_blocks_clearance(world, analyst, second_analyst):
    model = active(analyst, second_analyst)
    model_path(model.artefact).write_text("{}")  # the file changed under the running system
    RiskModel.objects.filter(pk=model.pk).update(sha256="0" * 64)  # and a new process loads it afresh
    declaration = declaration_file(data=declaration_input(), actor=None).declaration
    decision = LaneDecision.objects.get(declaration=declaration)
    assert declaration.lane == "green" and decision.source == DecisionSource.DEFAULT
    assert decision.model_outcome == ModelOutcome.FAILED and "SHA-256" in decision.model_error
    assert "rules and random selection only" in decision.reason
    with pytest.raises(ArtefactError):
        ModelScorer.load(RiskModel.objects.get(pk=model.pk))


def test_inspection_results_are_the_training_labels(world, examiner):
    outcomes = {}
    for n in range(30):
        declaration = declaration_file(data=declaration_input(number=f"LBL-{n}"), actor=None).declaration
        bad = n % 3 == 0
        declaration_examine(
            declaration=declaration,
            actor=None,
            outcome=Outcome.DISCREPANCY if bad else Outcome.NO_DISCREPANCY,
            discrepancy_type=DiscrepancyType.UNDERVALUATION if bad else "",
        )
        outcomes[declaration.pk] = bad
    model = model_train(actor=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert (model.rows, model.positives) == (30, 10)
