"""Test helpers every app's tests share (not imported by the running site)."""
