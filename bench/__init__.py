"""Rabta's benchmark harness (`make bench`). See docs/benchmarks.md.

Nothing here is imported by the application: the harness runs the real server with
``DJANGO_SETTINGS_MODULE=bench.settings``, which extends ``rabta.settings`` with one route and one
table used only to measure the database-insert ceiling.
"""
