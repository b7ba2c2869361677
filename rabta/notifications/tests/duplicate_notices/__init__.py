"""A stand-in app that declares a notice name complaints already declares (test_notices.py)."""
