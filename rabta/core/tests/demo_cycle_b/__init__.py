"""A stand-in app whose demo waits for demo_cycle_a (test_loaddemo.py)."""
