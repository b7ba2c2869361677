"""A stand-in app whose demo waits for demo_cycle_b (test_loaddemo.py)."""
