"""``value_control_findings`` (issue 10): value control on the EU JRC trade-flow files.

Not a speed figure, so it needs no server and no database: the bands are learnt from each file's
flows with the production statistics (``rabta.risk.valuation``) and each flagged flow is judged
against the main price line of a least-trimmed-squares regression of log value on log quantity
(``rabta.risk.valuation_jrc``, where the judgement and its circularity are written down). The
figure is the share of flagged flows that are off that line, pooled over the nine files.

    .venv/bin/python -m bench.value_control [--data DIR] [--output bench/results/latest.json]

merges the figure into the result file (the other figures, and the file's ``machine`` and ``run``,
are kept as they are: each figure carries its own ``measured_at``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.figures import Figure, not_measured, results_write

if TYPE_CHECKING:
    from bench.run import Context

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
GOAL = "report how 'off the main price line' is judged (issue 10)"


def value_control_figure(data_dir: Path) -> Figure:
    from rabta.risk.valuation_jrc import LINE_K, LTS_COVERAGE, evaluate_files

    files = sorted((data_dir / "customs" / "jrc-trade-flows").glob("*.txt"))
    if not files:
        raise SystemExit(f"no JRC files under {data_dir}/customs/jrc-trade-flows: set RABTA_SHARED_DATA_DIR or --data")
    started = time.monotonic()
    result = evaluate_files(files)
    took = time.monotonic() - started
    return Figure(
        name="value_control_findings",
        value=round(result["value_control_findings"], 4),
        unit="share of flagged flows",
        goal=GOAL,
        notes=(
            f"{result['flagged_off_line']} of {result['flagged']} flows flagged by the value bands (of {result['flows']}) "
            f"sit off the main price line: an LTS fit ({LTS_COVERAGE:.0%} coverage) of log value on log quantity per "
            f"file, off when the residual is beyond {LINE_K} x the trimmed scale. Bands learnt in sample from the same "
            "flows; partly circular (a unit-value band is a slope-1 line), see docs/risk-value.md."
        ),
        details={
            "recall_of_off_line": result["recall_of_off_line"],
            "cannot_judge": result["cannot_judge"],
            "files": {
                file["path"]: {
                    key: file[key] for key in ("flows", "flagged", "off_line", "flagged_off_line", "line_slope")
                }
                for file in result["files"]
            },
            "took_s": round(took, 2),
            "load_average_at_start": list(os.getloadavg()),
            "command": "python -m bench.value_control",
        },
    )


def value_control_benchmark(ctx: Context) -> list[Figure]:
    """``python -m bench.run --only value_control``: the figure, or null with the reason when the
    shared data folder has no JRC files."""
    from django.conf import settings

    data_dir = Path(settings.RABTA_SHARED_DATA_DIR)
    if not (data_dir / "customs" / "jrc-trade-flows").is_dir():
        return [not_measured("value_control_findings", "share of flagged flows", f"no JRC files under {data_dir}")]
    return [value_control_figure(data_dir)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder (RABTA_SHARED_DATA_DIR)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rabta.settings")
    import django

    django.setup()
    from django.conf import settings

    data_dir = args.data or Path(settings.RABTA_SHARED_DATA_DIR)
    figure = value_control_figure(data_dir)
    existing = json.loads(args.output.read_text()) if args.output.exists() else {}
    results_write(
        args.output,
        machine=existing.get("machine", {}),
        run=existing.get("run", {}),
        figures=[figure],
        merge=True,
    )
    sys.stdout.write(json.dumps(figure.as_dict(), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
