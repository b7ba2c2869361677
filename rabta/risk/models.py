"""Risk rules, models and lane decisions (the tables come with the lane-selection work)."""
