"""Training, approving and activating the learned model (``rabta risk train|approve|activate``).

Training uses exactly the back-test's pipeline (rabta.risk.learning: the same features, the same
LightGBM parameters). Its labels are customs' examination results: a declaration examined with a
discrepancy is a positive. The training window is split in time for the recorded metrics (the last
fifth of its days is scored by a model trained on the rest: precision@n% beside the oracle); the model
kept is then trained on the whole window.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.config import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE
from rabta.core.errors import DomainError, InvalidTransition, Unprocessable
from rabta.core.events import event_record
from rabta.customs.choices import Outcome
from rabta.customs.models import Declaration, DeclarationItem
from rabta.risk.choices import ModelStatus
from rabta.risk.errors import RiskError
from rabta.risk.events import RiskEvent
from rabta.risk.learning import backtest, features
from rabta.risk.models import RiskModel
from rabta.risk.permissions import RiskAction, require, require_approver
from rabta.risk.scoring import ARTEFACT_FORMAT, ArtefactError, ModelScorer, item_row, model_path, rows_frame, sha256_of
from rabta.risk.services.profiles import profiles_refresh

log = structlog.get_logger(__name__)
HOLDOUT_SHARE = 0.2
READ_BATCH = 5000


def training_rows(start: date, end: date) -> Iterator[dict[str, Any]]:
    """One row per item of every declaration dated ``start`` to ``end`` that was examined, labelled
    1 when the examination found a discrepancy."""
    queryset = (
        Declaration.objects.filter(declared_on__gte=start, declared_on__lte=end, examination__isnull=False)
        .select_related("examination")
        .prefetch_related(Prefetch("items", queryset=DeclarationItem.objects.order_by("item_number")))
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:READ_BATCH])
        if not batch:
            return
        last = batch[-1].pk
        for declaration in batch:
            fraud = int(declaration.examination.outcome != Outcome.NO_DISCREPANCY)
            for item in declaration.items.all():
                yield item_row(declaration, item, fraud=fraud)


def _validation(frame: pl.DataFrame, seed: int) -> dict[str, Any]:
    days = frame.get_column("Date").unique().sort()
    if days.len() < 5:
        return {"note": "too few days in the window for a time-split validation"}
    cut = days[int(days.len() * (1 - HOLDOUT_SHARE))]
    fit, hold = frame.filter(pl.col("Date") < cut), frame.filter(pl.col("Date") >= cut)
    try:
        x_fit, x_hold = backtest.build_features(fit, hold)
    except features.FeatureError as exc:
        return {"note": f"no validation: {exc}"}
    booster = backtest.train_booster(x_fit, fit.get_column("Fraud").to_numpy(), seed=seed)
    result = backtest.ranking_metrics(
        hold.get_column("Fraud").to_numpy(), np.asarray(booster.predict(x_hold.to_numpy()))
    )
    return {"holdout_from": cut.isoformat(), **result.as_dict()}


@transaction.atomic
def model_train(*, actor: Actor, start: date, end: date, frame: pl.DataFrame | None = None, seed: int = 0) -> RiskModel:
    """Train a model on the examined declarations of ``start``..``end`` (or on ``frame``, rows in the
    feature vocabulary, e.g. KCS files) and record it as trained, awaiting approval. Training data
    without rows or without a single positive label is refused with a clear error."""
    require(actor, RiskAction.TRAIN)
    if end < start:
        raise DomainError.for_field("end", RiskError.PERIOD_INVALID, _("The window ends before it starts."))
    if frame is None:
        frame = rows_frame(list(training_rows(start, end)))
    frame = features.normalise(frame).filter(pl.col("Fraud").is_not_null()).sort("Date", maintain_order=True)
    if frame.height == 0:
        raise Unprocessable(
            RiskError.TRAINING_DATA_EMPTY, _("No examined declarations in this window: there is nothing to learn from.")
        )
    positives = int(frame.get_column("Fraud").sum())
    if positives == 0:
        raise Unprocessable(
            RiskError.NO_POSITIVE_LABELS,
            _("The training data has no positive label (no examination found a discrepancy): nothing to learn."),
        )
    metrics = _validation(frame, seed)
    spec = features.feature_spec(frame)
    x = features.training_features(frame, spec)
    booster = backtest.train_booster(x, frame.get_column("Fraud").to_numpy(), seed=seed)
    version = (RiskModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    names = features.feature_names()
    if list(x.columns) != names:  # the code's own promise; a failure here is a bug, not bad input
        raise AssertionError("training features are not features.feature_names()")
    document = {
        "format": ARTEFACT_FORMAT,
        "version": version,
        "features": names,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "metrics": metrics,
        "spec": spec.as_json(),
        "booster": booster.model_to_string(),
    }
    data = json.dumps(document, sort_keys=True, default=str).encode()
    digest = sha256_of(data)
    directory = settings.RABTA_RISK_MODEL_DIR
    directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    name = f"model-v{version}-{digest[:12]}.json"
    path = model_path(name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    model = RiskModel.objects.create(
        version=version,
        artefact=name,
        sha256=digest,
        features=names,
        window_start=start,
        window_end=end,
        rows=frame.height,
        positives=positives,
        metrics=metrics,
        trained_by=actor if actor is not None and actor.is_authenticated else None,
    )
    event_record(
        kind=RiskEvent.MODEL_TRAINED,
        subject=model,
        actor=actor,
        to_state=ModelStatus.TRAINED,
        data={"version": version, "rows": frame.height, "positives": positives, "sha256": digest},
    )
    return model


@transaction.atomic
def model_approve(*, actor: Actor, model: RiskModel) -> RiskModel:
    locked = RiskModel.objects.select_for_update().get(pk=model.pk)
    require_approver(actor, locked)
    if locked.status != ModelStatus.TRAINED:
        raise InvalidTransition(
            _("Only a trained model awaiting approval can be approved."), code=RiskError.MODEL_STATUS_INVALID
        )
    locked.status, locked.approved_at = ModelStatus.APPROVED, timezone.now()
    locked.approved_by = actor if actor is not None and actor.is_authenticated else None
    locked.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    event_record(
        kind=RiskEvent.MODEL_APPROVED,
        subject=locked,
        actor=actor,
        from_state=ModelStatus.TRAINED,
        to_state=ModelStatus.APPROVED,
    )
    return locked


def model_activate(*, actor: Actor, model: RiskModel) -> RiskModel:
    """Make an approved model (or a retired one, to roll back) the one that scores. Its file is read
    and checked first: a file that does not match its hash or feature list is refused, the refusal
    is recorded (in its own transaction, so it survives the error) and the active model stays."""
    require(actor, RiskAction.ACTIVATE)
    if model.status not in (ModelStatus.APPROVED, ModelStatus.RETIRED) or model.approved_at is None:
        raise InvalidTransition(_("A model is activated only after its approval."), code=RiskError.MODEL_NOT_APPROVED)
    try:
        ModelScorer.load(model)
    except ArtefactError as exc:
        with transaction.atomic():
            RiskModel.objects.filter(pk=model.pk).update(
                status=ModelStatus.REFUSED, refusal=str(exc)[:500], updated_at=timezone.now()
            )
            event_record(
                kind=RiskEvent.MODEL_REFUSED,
                subject=model,
                actor=actor,
                from_state=model.status,
                to_state=ModelStatus.REFUSED,
                reason=str(exc)[:2000],
            )
        raise Unprocessable(
            RiskError.MODEL_ARTEFACT_MISMATCH,
            _("The model file was refused (%(why)s); the active model stays.") % {"why": exc},
        ) from None
    with transaction.atomic():
        previous = RiskModel.objects.select_for_update().filter(status=ModelStatus.ACTIVE).exclude(pk=model.pk)
        for old in previous:
            old.status = ModelStatus.RETIRED
            old.save(update_fields=["status", "updated_at"])
        locked = RiskModel.objects.select_for_update().get(pk=model.pk)
        from_state = locked.status
        locked.status, locked.activated_at = ModelStatus.ACTIVE, timezone.now()
        locked.save(update_fields=["status", "activated_at", "updated_at"])
        event_record(
            kind=RiskEvent.MODEL_ACTIVATED,
            subject=locked,
            actor=actor,
            from_state=from_state,
            to_state=ModelStatus.ACTIVE,
            data={"version": locked.version, "sha256": locked.sha256},
        )
    return locked


RETRAIN_WINDOW_DAYS = 365


def model_retrain(*, actor: Actor = None, today: date | None = None) -> RiskModel | None:
    """The scheduled retraining: refresh the profiles, then train on the last year's examinations.
    The new model awaits approval like any other (nothing is activated unattended); a window with
    nothing to learn from is skipped, not an error."""
    profiles_refresh(actor=actor)
    end = today or timezone.localdate()
    start = end - timedelta(days=RETRAIN_WINDOW_DAYS)
    try:
        return model_train(actor=actor, start=start, end=end)
    except Unprocessable as exc:
        log.info("risk.retrain_skipped", reason=exc.code)
        return None
