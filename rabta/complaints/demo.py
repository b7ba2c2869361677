"""The complaints demo loader (`rabta loaddemo`): the categories, then demo complaints lodged by
the demo citizen at offices of the demo directory (rabta/complaints/seed.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

DEMO_AFTER: tuple[str, ...] = ("directory", "accounts")


def demo_load(*, offices: int, seed: int, shared_data: Path | None, stdout: TextIO) -> str:
    """Returns what ``loaddemo`` prints."""
    from rabta.complaints.seed import complaint_categories_seed, demo_complaints_create

    categories = complaint_categories_seed()
    return f"complaint categories: {categories} created\ncomplaints: {demo_complaints_create()}"
