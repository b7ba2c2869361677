"""The published definition of every measure: its label, what it counts and how. The definitions
page, the tables' headings and the exports' columns all read this one list."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Definition:
    name: str
    label: str | Promise
    definition: str | Promise
    kind: str  # "count", "rate" or "days"


DEFINITIONS: tuple[Definition, ...] = (
    Definition("received", _("Received"), _("Complaints routed to an office in the period."), "count"),
    Definition(
        "resolved",
        _("Resolved"),
        _(
            "Resolutions in the period, at the office that held the complaint; a reopened complaint resolved again counts again."
        ),
        "count",
    ),
    Definition("resolution_rate", _("Resolution rate"), _("Resolved divided by received, in the same period."), "rate"),
    Definition(
        "satisfaction_rate",
        _("Satisfaction rate"),
        _(
            "Complainants who said they were satisfied, among those who answered the feedback question. Closure alone is not success."
        ),
        "rate",
    ),
    Definition(
        "reopen_rate", _("Reopen rate"), _("Complaints reopened by the complainant, divided by resolved."), "rate"
    ),
    Definition("appeal_rate", _("Appeal rate"), _("Appeals filed against a resolution, divided by resolved."), "rate"),
    Definition(
        "appeal_upheld_rate",
        _("Appeals upheld"),
        _("Appeals decided for the complainant (more relief than the resolution gave), among the appeals decided."),
        "rate",
    ),
    Definition(
        "confirmed_closures",
        _("Confirmed closures"),
        _("Complaints closed because the complainant confirmed they were satisfied."),
        "count",
    ),
    Definition(
        "unconfirmed_closures",
        _("Unconfirmed closures"),
        _("Complaints closed because the complainant did not answer in time: neither a success nor a failure."),
        "count",
    ),
    Definition(
        "median_days",
        _("Median days to resolve"),
        _(
            "Days from receipt to resolution for the middle resolution, shown as its band (0-1, 2-3, 4-7, 8-15, 16-30, 31-60, 61-90, 91+)."
        ),
        "days",
    ),
    Definition(
        "p90_days",
        _("90th percentile days"),
        _("The band of days within which nine resolutions in ten were made."),
        "days",
    ),
    Definition(
        "within_deadline_share",
        _("Within deadline"),
        _("Resolutions made by their deadline, among the resolutions whose deadline is known."),
        "rate",
    ),
    Definition("escalated", _("Escalations"), _("Escalations up the reporting line after a missed deadline."), "count"),
    Definition("transferred", _("Transfers"), _("Complaints an office transferred to another office."), "count"),
)
BY_NAME = {definition.name: definition for definition in DEFINITIONS}

# Not summed from the roll-ups of a period but counted now: what waits for the office.
BACKLOG: tuple[Definition, ...] = (
    Definition(
        "pending",
        _("Backlog"),
        _(
            "Complaints waiting for the office now: routed, acknowledged, in progress or reopened, not yet resolved or rejected."
        ),
        "count",
    ),
    Definition("over_30", _("Over 30 days"), _("Of the backlog, complaints received more than 30 days ago."), "count"),
    Definition("over_60", _("Over 60 days"), _("Of the backlog, complaints received more than 60 days ago."), "count"),
    Definition(
        "over_90",
        _("Over 90 days"),
        _("Of the backlog, complaints received more than 90 days ago: tracked by tracking number for staff."),
        "count",
    ),
)
