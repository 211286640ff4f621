"""Background work of the register itself (the reports have their own, reports/tasks.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="processing.purge_expired_uploads", ignore_result=True, time_limit=5 * 60)
def purge_expired_uploads() -> int:
    """Started hourly by the beat: delete the admin import uploads nobody confirmed or
    cancelled in time (``ROPA_IMPORT_UPLOAD_TTL``), so a workbook of personal data does not
    stay on disk because its sender walked away."""
    from processing.imports.storage import purge_expired

    return purge_expired()


@shared_task(name="processing.refresh_finding_summaries", ignore_result=True, time_limit=20 * 60)
def refresh_finding_summaries() -> int:
    """Started nightly by the beat: the findings of the whole register, run again for the
    new day (some rules depend on the date), so the day's first filtered list is quick."""
    from processing.findings import refresh_summaries
    from processing.models import ProcessingActivity

    return refresh_summaries(ProcessingActivity.objects.all())
