"""gunicorn settings for production: `gunicorn rabta.wsgi -c python:rabta.gunicorn_production`.

Kept to what Rabta itself needs; the deployment adds --bind, --workers and timeouts. Periodic work
runs in `celery -A rabta beat`, not here (compare rabta.gunicorn_embedded).
"""

from __future__ import annotations

# Access and error lines are masked like every other log line: URLs carry reset links and tracking
# tokens, request lines can carry codes in query strings (rabta.core.logmask).
logger_class = "rabta.core.logmask.GunicornLogger"
accesslog = "-"
