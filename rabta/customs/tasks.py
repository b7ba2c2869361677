"""Background work of the customs domain: an uploaded declarations file's import. Thin: the task
calls one service. Acks late (settings): a worker killed mid-import has the task delivered again,
and the import it reruns skips what the killed one committed."""

from __future__ import annotations

from celery import shared_task

from rabta.customs.services.import_jobs import import_job_run


@shared_task
def import_job_run_task(job_id: int) -> str | None:
    job = import_job_run(job_id=job_id)
    return job.status if job is not None else None
