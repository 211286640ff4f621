"""What the background jobs (the reports, the exports of the export centre) share: the
broker errors that mean a job could not be queued, how long a job may run before its
worker is taken for lost, and the sweep that queues again the jobs such a worker left.

A job is a row with a status and a ``started_at``; its task acknowledges late and gives
its message back when the worker process dies. A worker killed outright gives nothing
back: the row stays running until it has run longer than the task's hard time limit,
then the sweep (beat) queues it again, or gives it up after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import kombu.exceptions
import redis.exceptions
from django.db import models, transaction

#: Errors raised when the task broker (Redis) cannot be reached while publishing.
BROKER_ERRORS = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)
#: A job whose worker was lost this many times is given up (it would be lost again).
MAX_ATTEMPTS = 3


def stuck_after(time_limit: int) -> datetime.timedelta:
    """How long a job runs before its worker is taken for lost: the task's hard time limit
    (seconds) and a margin for the clocks of the worker and the database."""
    return datetime.timedelta(seconds=time_limit + 60)


def requeue_stuck(stuck: Callable[[], models.QuerySet], *, requeue: Callable[[models.Model], bool],
                  publish: Callable[[int], object]) -> list[int]:
    """Queue again each job of ``stuck()`` (the jobs left running by a lost worker): its
    row locked and checked again (finished or queued meanwhile, it is left alone), then
    ``requeue(job)`` saves it (answering False when it gave the job up instead) and
    ``publish(id)`` runs once that is committed. Answers the ids queued again."""
    queued = []
    for job_id in stuck().values_list("pk", flat=True):
        with transaction.atomic():
            job = stuck().order_by().select_for_update().filter(pk=job_id).first()
            if job is None:
                continue
            if requeue(job) is False:
                continue
            transaction.on_commit(lambda job_id=job_id: publish(job_id))
        queued.append(job_id)
    return queued
