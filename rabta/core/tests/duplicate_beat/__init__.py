"""A stand-in app that declares a beat entry name complaints already declares (test_beat_schedule.py)."""
