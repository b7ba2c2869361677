"""``rabta risk value-eval --jrc FILE [--jrc FILE ...] [--json]``: value control on the JRC trade flows."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

HELP = "Value control on JRC trade-flow files: flows flagged, and the share of them off the main price line"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from rabta.risk.valuation import MIN_SAMPLE

    parser.add_argument("--jrc", action="append", required=True, metavar="FILE", help="a JRC file (repeatable)")
    parser.add_argument(
        "--train",
        action="append",
        default=[],
        metavar="FILE",
        help="learn the bands from these files instead (repeatable)",
    )
    parser.add_argument("--min-sample", type=int, default=MIN_SAMPLE, help="flows a band needs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from django.core.management.base import CommandError

    from rabta.core.errors import DomainError
    from rabta.risk.valuation_jrc import evaluate_files

    try:
        result = evaluate_files(options["jrc"], min_sample=options["min_sample"], train=options["train"])
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    except OSError as exc:
        raise CommandError(f"{exc.filename}: {exc.strerror}") from exc
    if options["json"]:
        stdout.write(json.dumps(result, sort_keys=True) + "\n")
        return
    for file in result["files"]:
        share = file["value_control_findings"]
        stdout.write(
            f"{file['path']}: {file['flows']} flows, {file['flagged']} flagged "
            f"({file['flagged_below']} below, {file['flagged_above']} above), {file['off_line']} off the line, "
            f"{file['flagged_off_line']} flagged and off the line"
            + (f" ({share:.3f})" if share is not None else "")
            + f"; line slope {file['line_slope']}, {file['cannot_judge']} cannot be judged\n"
        )
    share = result["value_control_findings"]
    stdout.write(
        f"value_control_findings: {share:.3f} ({result['flagged_off_line']} of {result['flagged']} flagged flows "
        f"are off the main price line)\n"
        if share is not None
        else "value_control_findings: none flagged\n"
    )
