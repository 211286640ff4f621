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
import logging
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
logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The job was recorded but could not be queued: the broker is unreachable."""

    def __init__(self, job_id: int, message: str):
        super().__init__(message)
        self.job_id = job_id
        self.message = message


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


def publish(task, job_id: int, *, what: str, fail: Callable[[int, str], object],
            unavailable: type[QueueUnavailable]) -> None:
    """Queue ``task`` for the job. With the broker out of reach, the job is failed with
    the reason (``fail(job_id, message)``) and ``unavailable(job_id, message)`` raised:
    the user is told to ask again, and no job is left queued that no worker will run."""
    try:
        task.delay(job_id)
    except BROKER_ERRORS as exc:
        message = (f"The {what} could not be queued: the task broker (Redis) is unavailable "
                   f"({type(exc).__name__}: {exc}). Ask for it again once the broker is back.")
        logger.error("%s %s not queued: %s", what, job_id, exc)
        fail(job_id, message)
        raise unavailable(job_id, message) from exc
