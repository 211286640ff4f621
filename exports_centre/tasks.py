"""Celery tasks of the export centre: thin wrappers that load by id and call a service.

``run_export`` acknowledges its message once it has finished (``acks_late``) and gives
it back if the worker process dies (``reject_on_worker_lost``); a worker killed outright
leaves its job running, queued again by ``housekeeping`` once it has run past the time
limit (ropa/jobs.py).
"""

from __future__ import annotations

from celery import shared_task

from ropa.audit import ChangePath, audit_context

from . import services
from .models import RUN_TIME_LIMIT


@shared_task(
    name="exports_centre.run_export",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=RUN_TIME_LIMIT - 2 * 60,
    time_limit=RUN_TIME_LIMIT,
)
def run_export(job_id: int) -> str | None:
    """Write one export's file."""
    with audit_context(path=ChangePath.TASK):
        job = services.export_run(job_id=job_id)
    return job.status if job is not None else None


@shared_task(name="exports_centre.housekeeping", ignore_result=True, soft_time_limit=4 * 60,
             time_limit=5 * 60)
def housekeeping() -> tuple[int, int]:
    """Started by the beat: delete the expired files, queue again the lost exports."""
    with audit_context(path=ChangePath.TASK):
        return (len(services.exports_purge_expired()), len(services.exports_requeue_stuck()))
