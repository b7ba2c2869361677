"""Value control tested on the EU JRC trade-flow files (FSDA's regression data sets, in
``../shared/data/customs/jrc-trade-flows/``): read a file, learn the value bands from its flows with
exactly the statistics of :mod:`rabta.risk.valuation`, flag flows, and judge how many of the flagged
ones sit off the main price line.

"Off the main price line" is judged independently of the bands' statistic, as the JRC/OLAF work
does (Riani et al.; FSDA's LTS/forward search): a least trimmed squares (LTS) regression of log value
on log quantity per file (one product: the file is one code, its declaring member state the
"origin"), fitted on the best 75 % of the flows, so the outliers do not place the line. A flow is
off the line when its residual is beyond ``LINE_K`` times the robust residual scale (from the
trimmed fit, consistency-corrected). ``value_control_findings`` is the share of flagged flows that
are off the line.

The circularity, stated: a band on log(value / quantity) is a line of slope 1 through log space;
the LTS line has a free slope and intercept, so the two agree by construction where the fitted
slope is near 1 and the bands' spread is near the line's. The figure therefore says mainly that the
bands do not flag flows that the regression finds ordinary (false positives against a second robust
method) and how much the fixed slope of a unit-value band costs where prices fall with quantity; it
is not a measure against known frauds, which these files do not label. The bands are also learnt on
the flows they judge (in sample), as a price filter is before it has a history.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rabta.core.errors import DomainError
from rabta.risk.valuation import MIN_SAMPLE, HistoryRow, bands_learn
from rabta.risk.vocab_valuation import FLAGGED, BandLevel, Basis, Finding, ValuationError

LINE_K = 2.5
LTS_COVERAGE = 0.75
LTS_STARTS = 500
LTS_SEED = 20240601
JRC_CODE = "JRC"
HEADERLESS_COLUMNS = ("quantity", "value")
# The header of the FisheryYYYY files: %DECLARANT QUANTITY_TON VALUE_1000EURO DATE
QUANTITY_COLUMN = "QUANTITY_TON"
VALUE_COLUMN = "VALUE_1000EURO"
ORIGIN_COLUMN = "DECLARANT"


@dataclass(frozen=True)
class Flow:
    line: int
    origin: str
    quantity: float
    value: float


def _fail(code: ValuationError, message: str) -> DomainError:
    return DomainError.for_field("jrc", code, message)


def read_jrc(path: str | Path) -> list[Flow]:
    """The flows of one JRC file: headerless ``quantity value`` (tab, comma or space separated), or
    the Fishery layout with a ``%``-header naming ``QUANTITY_TON`` and ``VALUE_1000EURO`` (and the
    ``DECLARANT``, used as the origin). A missing column or a value that is not a number is an error
    naming the column (or the line); nothing is guessed."""
    text = Path(path).read_text(encoding="utf-8-sig")
    lines = [(number, raw.strip()) for number, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if not lines:
        raise _fail(ValuationError.FILE_EMPTY, f"{path}: the file holds no flows")
    columns: list[str] | None = None
    if lines[0][1].startswith("%"):
        columns = [name.strip().upper() for name in re.split(r"[\t,; ]+", lines[0][1].lstrip("%").strip()) if name]
        lines = lines[1:]
        for wanted in (QUANTITY_COLUMN, VALUE_COLUMN):
            if wanted not in columns:
                raise _fail(
                    ValuationError.FILE_COLUMN_MISSING,
                    f"{path}: the header has no {wanted} column (it has {', '.join(columns) or 'none'})",
                )
    flows: list[Flow] = []
    for number, raw in lines:
        fields = [part for part in re.split(r"[\t,; ]+", raw) if part]
        if columns is None:
            if len(fields) < len(HEADERLESS_COLUMNS):
                missing = HEADERLESS_COLUMNS[len(fields)]
                raise _fail(ValuationError.FILE_COLUMN_MISSING, f"{path}, line {number}: no {missing} column")
            named = dict(zip(HEADERLESS_COLUMNS, fields, strict=False))
            quantity_name, value_name, origin = "quantity", "value", ""
        else:
            if len(fields) < len(columns):
                missing = columns[len(fields)]
                raise _fail(ValuationError.FILE_COLUMN_MISSING, f"{path}, line {number}: no {missing} column")
            named = dict(zip(columns, fields, strict=False))
            quantity_name, value_name = QUANTITY_COLUMN, VALUE_COLUMN
            origin = named.get(ORIGIN_COLUMN, "")
        try:
            quantity, value = float(named[quantity_name]), float(named[value_name])
        except ValueError as exc:
            raise _fail(
                ValuationError.FILE_VALUE_INVALID,
                f"{path}, line {number}: {quantity_name} or {value_name} is not a number",
            ) from exc
        if not (math.isfinite(quantity) and math.isfinite(value)):
            raise _fail(ValuationError.FILE_VALUE_INVALID, f"{path}, line {number}: a value is not finite")
        flows.append(Flow(line=number, origin=origin, quantity=quantity, value=value))
    if not flows:
        raise _fail(ValuationError.FILE_EMPTY, f"{path}: the file holds no flows")
    return flows


# -- the main price line ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    intercept: float
    slope: float
    scale: float

    def residuals(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray(y - (self.intercept + self.slope * x))


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if np.ptp(x) == 0:
        return float(np.mean(y)), 0.0
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope)


def lts_line(
    x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, *, coverage: float = LTS_COVERAGE
) -> Line:
    """Least trimmed squares for y = a + b x (FAST-LTS: random two-point starts, concentration steps),
    deterministic (fixed seed). ``scale`` is the trimmed residuals' spread, corrected to be a
    standard deviation for normal errors, then reweighted once (FSDA's default practice)."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(xs)
    h = max(math.floor(coverage * n), min(n, 3))
    rng = np.random.default_rng(LTS_SEED)

    def objective(intercept: float, slope: float) -> tuple[float, np.ndarray]:
        squared = (ys - intercept - slope * xs) ** 2
        best = np.argsort(squared)[:h]
        return float(squared[best].sum()), best

    def concentrate(intercept: float, slope: float, steps: int) -> tuple[float, float, float]:
        value, subset = objective(intercept, slope)
        for _ in range(steps):
            intercept, slope = _fit(xs[subset], ys[subset])
            new_value, subset = objective(intercept, slope)
            if new_value >= value - 1e-12:
                value = min(value, new_value)
                break
            value = new_value
        return value, intercept, slope

    candidates = []
    for _ in range(LTS_STARTS if n > 2 else 1):
        i, j = rng.choice(n, size=2, replace=False) if n >= 2 else (0, 0)
        if xs[i] == xs[j]:
            intercept, slope = float(ys[i]), 0.0
        else:
            slope = float((ys[j] - ys[i]) / (xs[j] - xs[i]))
            intercept = float(ys[i] - slope * xs[i])
        candidates.append(concentrate(intercept, slope, 2))
    candidates.sort(key=lambda candidate: candidate[0])
    best = min((concentrate(a, b, 100) for _, a, b in candidates[:10]), key=lambda candidate: candidate[0])
    _, intercept, slope = best
    residuals = ys - intercept - slope * xs
    trimmed = np.sort(residuals**2)[:h]
    # Consistency factor of the trimmed variance for normal errors (Rousseeuw & Leroy 1987).
    quantile = _normal_quantile((1 + h / n) / 2)
    factor = (h / n) / (1 - 2 * quantile * _normal_pdf(quantile) / (h / n)) if h < n else 1.0
    scale = math.sqrt(float(trimmed.mean()) * factor) if len(trimmed) else 0.0
    inliers = np.abs(residuals) <= LINE_K * max(scale, 1e-12)
    if inliers.sum() >= 3:
        intercept, slope = _fit(xs[inliers], ys[inliers])
        residuals = ys - intercept - slope * xs
        scale = float(np.std(residuals[inliers], ddof=2)) * 1.0 if inliers.sum() > 2 else scale
    return Line(intercept=intercept, slope=slope, scale=max(scale, 1e-12))


def _normal_pdf(z: float) -> float:
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def _normal_quantile(p: float) -> float:
    """Inverse of the standard normal CDF by bisection on math.erf (enough for one constant)."""
    low, high = -10.0, 10.0
    for _ in range(100):
        mid = (low + high) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2


# -- the evaluation --------------------------------------------------------------------------------


@dataclass
class FileResult:
    path: str
    flows: int
    judged: int
    cannot_judge: int
    flagged: int
    flagged_below: int
    flagged_above: int
    off_line: int
    flagged_off_line: int
    line_slope: float
    line_scale: float
    band_levels: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float | None:
        return self.flagged_off_line / self.flagged if self.flagged else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "flows": self.flows,
            "judged": self.judged,
            "cannot_judge": self.cannot_judge,
            "flagged": self.flagged,
            "flagged_below": self.flagged_below,
            "flagged_above": self.flagged_above,
            "off_line": self.off_line,
            "flagged_off_line": self.flagged_off_line,
            "value_control_findings": self.share,
            "recall_of_off_line": self.flagged_off_line / self.off_line if self.off_line else None,
            "line_slope": round(self.line_slope, 4),
            "line_scale": round(self.line_scale, 4),
            "band_levels": self.band_levels,
        }


def evaluate_flows(
    flows: Sequence[Flow], *, path: str = "", min_sample: int = MIN_SAMPLE, history: Sequence[Flow] | None = None
) -> FileResult:
    """Learn the bands from ``history`` (default: ``flows`` themselves, in sample; one code, the
    declarant as origin where the file names one, per kilogram since a flow's quantity is its mass),
    flag each of ``flows``, and fit the main line to ``flows``."""
    rows = [
        HistoryRow(code=JRC_CODE, origin=flow.origin, unit="", quantity=0.0, mass_kg=flow.quantity, value=flow.value)
        for flow in (flows if history is None else history)
    ]
    bands = bands_learn(rows, min_sample=min_sample)
    judged = [flow for flow in flows if flow.quantity > 0 and flow.value > 0]
    findings: list[str] = []
    levels: dict[str, int] = {}
    for flow in flows:
        if flow.quantity <= 0:
            findings.append(Finding.CANNOT_JUDGE)
            continue
        band = None
        for level, origin in ((BandLevel.CODE_ORIGIN, flow.origin), (BandLevel.CODE, "")):
            band = bands.get((level, JRC_CODE, origin, Basis.PER_KG, ""))
            if band is not None:
                levels[str(level)] = levels.get(str(level), 0) + 1
                break
        if band is None:
            findings.append(Finding.NO_BAND)
        elif flow.value <= 0:
            findings.append(Finding.FAR_BELOW)
        else:
            findings.append(band.judge(flow.value / flow.quantity))
    positive = [(i, flow) for i, flow in enumerate(flows) if flow.quantity > 0 and flow.value > 0]
    x = np.log([flow.quantity for _, flow in positive])
    y = np.log([flow.value for _, flow in positive])
    line = lts_line(x, y) if len(positive) >= 3 else Line(0.0, 1.0, 1.0)
    off = np.abs(line.residuals(x, y)) > LINE_K * line.scale
    off_by_index = {index: bool(flag) for (index, _), flag in zip(positive, off, strict=True)}
    flagged = [i for i, finding in enumerate(findings) if finding in FLAGGED]
    return FileResult(
        path=path,
        flows=len(flows),
        judged=len(judged),
        cannot_judge=sum(1 for finding in findings if finding == Finding.CANNOT_JUDGE),
        flagged=len(flagged),
        flagged_below=sum(1 for i in flagged if findings[i] in (Finding.BELOW, Finding.FAR_BELOW)),
        flagged_above=sum(1 for i in flagged if findings[i] == Finding.ABOVE),
        off_line=int(off.sum()),
        flagged_off_line=sum(1 for i in flagged if off_by_index.get(i, True)),
        line_slope=line.slope,
        line_scale=line.scale,
        band_levels=levels,
    )


def evaluate_files(
    paths: Sequence[str | Path], *, min_sample: int = MIN_SAMPLE, train: Sequence[str | Path] = ()
) -> dict[str, Any]:
    """Every file's result and the pooled ``value_control_findings``: flagged-and-off-line over flagged.
    With ``train``, the bands are learnt from those files' flows instead (out of sample: for example
    Fishery2002 judging Fishery2003, as a price filter judges this year by last year's prices)."""
    history = [flow for path in train for flow in read_jrc(path)] if train else None
    results = [
        evaluate_flows(read_jrc(path), path=Path(path).name, min_sample=min_sample, history=history) for path in paths
    ]
    flagged = sum(result.flagged for result in results)
    hits = sum(result.flagged_off_line for result in results)
    off = sum(result.off_line for result in results)
    return {
        "value_control_findings": hits / flagged if flagged else None,
        "flows": sum(result.flows for result in results),
        "flagged": flagged,
        "flagged_off_line": hits,
        "off_line": off,
        "recall_of_off_line": hits / off if off else None,
        "cannot_judge": sum(result.cannot_judge for result in results),
        "bands_from": [Path(path).name for path in train] or "each file's own flows (in sample)",
        "line": f"LTS of log value on log quantity per file, coverage {LTS_COVERAGE}, off beyond {LINE_K} x scale",
        "files": [result.as_dict() for result in results],
    }
