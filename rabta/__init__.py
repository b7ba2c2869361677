"""Rabta: public grievance redressal and customs facilitation."""

# Load the Celery app whenever Django loads, so that @shared_task binds to Rabta's configuration
# (eager in-process execution when no broker is configured) and never to Celery's default app.
from rabta.celery import app as celery_app

__version__ = "0.1.0"
__all__ = ["celery_app"]
