"""Every write to the export centre's jobs goes through these services: the admin page,
the Celery tasks and the beat call them.

An export is asked for (:func:`export_request`: recorded, then queued once committed),
written by a worker (:func:`export_run`: the register read a batch at a time, the progress
recorded after each batch, the file stored whole or not at all), kept
``ROPA_EXPORT_KEEP_DAYS`` days and then deleted (:func:`exports_purge_expired`). A job left
running by a lost worker is queued again (:func:`exports_requeue_stuck`).
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from entities.models import Organisation
from processing.exports.registry import LAYOUTS, filename, write_register
from processing.register import BadMoment, as_of_text, parse_as_of
from ropa import jobs

from .models import ExportJob, ExportStatus, export_storage, export_upload_to

logger = logging.getLogger(__name__)


class ExportQueueUnavailable(jobs.QueueUnavailable):
    """The export was recorded but could not be queued: the broker is unreachable."""


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ROPA_EXPORT_KEEP_DAYS)


@transaction.atomic
def export_request(*, user, format: str, organisations: Iterable[Organisation],
                   all_organisations: bool = False,
                   as_of: datetime.date | datetime.datetime | str | None = None) -> ExportJob:
    """Record an export of the registers of ``organisations`` (the caller has checked the
    user may read them) in ``format``, as of ``as_of`` (None: as it stands when written),
    and queue it once committed. Raises ValidationError naming a bad format, moment or an
    empty choice of organisations."""
    errors = {}
    if format not in LAYOUTS:
        errors["format"] = f"Unknown export format '{format}': use one of {', '.join(LAYOUTS)}."
    if isinstance(as_of, str):
        try:
            as_of = parse_as_of(as_of) if as_of.strip() else None
        except BadMoment as exc:
            errors["as_of"] = str(exc)
    organisations = list(organisations)
    if not organisations:
        errors["organisation"] = "No organisation to export: you are a member of none."
    if errors:
        raise ValidationError(errors)
    job = ExportJob.objects.create(
        format=format, all_organisations=all_organisations,
        as_of=as_of_text(as_of) if as_of else "",
        requested_by=user if getattr(user, "pk", None) else None)
    job.organisations.set(organisations)
    job_id = job.pk
    transaction.on_commit(lambda: _publish(job_id))
    return job


def _publish(job_id: int) -> None:
    from .tasks import run_export

    jobs.publish(run_export, job_id, what="export", fail=_fail,
                 unavailable=ExportQueueUnavailable)


def _fail(job_id: int, error: str) -> ExportJob:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status in (ExportStatus.DONE, ExportStatus.EXPIRED):
            return job
        job.status = ExportStatus.FAILED
        job.error = error[:4000] or "Unknown error."
        job.finished_at = timezone.now()
        job.save()
    return job


def _claim(job_id: int) -> ExportJob | None:
    """The job, marked running for this run; None when there is nothing to do (done,
    failed, or given up after too many lost workers)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            return None
        if job.status == ExportStatus.RUNNING and not ExportJob.objects.stuck().filter(
                pk=job_id).exists():
            return None  # another worker is writing it
        if job.attempts >= jobs.MAX_ATTEMPTS:
            job.status = ExportStatus.FAILED
            job.error = (f"Given up after {job.attempts} attempts: the worker writing it "
                         "stopped each time (time limit or crash). Ask for it again, or choose "
                         "one organisation or a smaller format.")
            job.finished_at = timezone.now()
            job.save()
            return None
        job.status = ExportStatus.RUNNING
        job.started_at = timezone.now()
        job.finished_at = None
        job.progress_done, job.progress_total = 0, None
        job.attempts += 1
        job.save()
    return job


class ProgressRecorder:
    """Records the activities written, once per batch of the register (the read happens
    inside one read-only snapshot transaction, which can neither write nor show a write
    to others): through a connection of its own, each update committed at once. Elsewhere
    (SQLite, where the read takes no snapshot) through the ORM."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.done, self.total = 0, 0
        self._side = None
        self._sql = (f"UPDATE {connection.ops.quote_name(ExportJob._meta.db_table)} "
                     "SET progress_done = %s, progress_total = %s WHERE id = %s")

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            if self._side is None:
                self._side = connection.copy()
            with self._side.cursor() as cursor:
                cursor.execute(self._sql, [done, total, self.job_id])
        else:
            ExportJob.objects.filter(pk=self.job_id).update(progress_done=done,
                                                            progress_total=total)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def export_run(*, job_id: int, **reading) -> ExportJob | None:
    """Write the export's file, unless it is written already or being written.

    The file is written to a temporary file, then stored and the job marked done in one
    step; an error is recorded on the job (failed, with the reason) and nothing is stored.
    A run after a lost worker starts again. ``reading`` goes to the register's reading
    (``batch_activities``)."""
    job = _claim(job_id)
    if job is None:
        return ExportJob.objects.filter(pk=job_id).first()
    organisation_ids = list(job.organisations.values_list("pk", flat=True))
    as_of = parse_as_of(job.as_of) if job.as_of else None
    progress = ProgressRecorder(job_id)
    name = ""
    try:
        with tempfile.TemporaryFile() as out:
            layout = write_register(job.format, out, organisation_ids=organisation_ids,
                                    as_of=as_of, progress=progress, **reading)
            size = out.tell()
            out.seek(0)
            download = filename(layout, as_of)
            name = export_storage().save(export_upload_to(job, download), File(out))
    except Exception as exc:
        logger.exception("export %s failed", job_id)
        if name:
            export_storage().delete(name)
        return _fail(job_id, f"{type(exc).__name__}: {exc}")
    finally:
        progress.close()

    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ExportStatus.RUNNING:
            export_storage().delete(name)  # finished by another run meanwhile
            return job
        now = timezone.now()
        job.file.name, job.filename, job.size = name, download, size
        job.progress_done, job.progress_total = progress.done, progress.total
        job.status, job.finished_at, job.expires_at = ExportStatus.DONE, now, now + keep_for()
        job.error = ""
        job.save()
    return job


def exports_purge_expired(*, now=None) -> list[int]:
    """Delete the files kept their time (the jobs stay, marked expired); answers the ids."""
    purged = []
    for job_id in ExportJob.objects.expired(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            job = ExportJob.objects.expired(now=now).select_for_update().filter(pk=job_id).first()
            if job is None:
                continue
            name = job.file.name
            job.status, job.file.name = ExportStatus.EXPIRED, ""
            job.save()
            transaction.on_commit(lambda name=name: export_storage().delete(name))
        purged.append(job_id)
    return purged


def _requeue(job: ExportJob) -> bool:
    if job.attempts >= jobs.MAX_ATTEMPTS:
        logger.warning("export %s lost its worker %s times: given up", job.pk, job.attempts)
        job.status = ExportStatus.FAILED
        job.error = (f"Given up after {job.attempts} attempts: the worker writing it stopped "
                     "each time (time limit or crash). Ask for it again.")
        job.finished_at = timezone.now()
        job.save()
        return False
    logger.warning("export %s left running since %s by a lost worker: queued again",
                   job.pk, job.started_at)
    job.status = ExportStatus.QUEUED
    job.save()
    return True


def exports_requeue_stuck() -> list[int]:
    """Queue again the exports left running by a lost worker (or give them up after
    ``MAX_ATTEMPTS``); answers the ids queued again."""
    return jobs.requeue_stuck(ExportJob.objects.stuck, requeue=_requeue, publish=_publish)
