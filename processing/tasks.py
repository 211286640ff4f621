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
