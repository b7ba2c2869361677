"""Risk rules, models and lane decisions (the tables come with the lane-selection work)."""

from rabta.risk.models_valuation import *  # noqa
