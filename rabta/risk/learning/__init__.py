"""The learned risk model (issue 10). Interface proposal only: nothing here is implemented yet.

Planned, for the lane-selection code to code against:

- ``rabta.risk.learning.scoring.ModelScorer.load(manifest_bytes: bytes, model_text: str)
  -> ModelScorer``; raises on a sha256 or feature-list mismatch (the caller keeps its previous
  model).
- ``ModelScorer.version: str``
- ``ModelScorer.score_one(features: Mapping[str, Any]) -> Score`` where
  ``Score(probability: float, missing: tuple[str, ...])`` names the fields that were absent.
- ``ModelScorer.score_batch(frame) -> numpy.ndarray`` of probabilities.
- ``rabta.risk.learning.features.declaration_features(declaration, scorer) -> dict[str, Any]``
  builds one declaration's features from history statistics stored in the manifest.
"""
