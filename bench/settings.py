"""Settings for the server under benchmark: Rabta's own settings plus the ceiling route and table.

Everything else (middleware, database options, logging, workers) is exactly what production runs,
so that the ceiling and the complaint intake are measured through the same stack.
"""

from rabta.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.ceiling_urls"
