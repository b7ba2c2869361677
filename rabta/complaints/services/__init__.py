"""Writes to complaints, one module per part of the lifecycle."""
