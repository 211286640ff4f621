"""What an approval recorded beyond the status: the reason an activity was approved with
open error findings (DESIGN section 7), kept as the reason of the history row that made
it active (services.activity_transition)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import ActivityStatus, ProcessingActivity


def approval_reasons(activities: Iterable) -> dict[int, str]:
    """``{activity id: override reason}`` of the given activities (register records or
    models) that are active by an approval given over open error findings.

    The approval in force is the first history row of the activity's current active
    period (status active, the same ``status_changed_at``); the DPO edits that follow it
    keep that date, so the reason is the approval's, whatever came after. One query for
    all the activities; none when no activity is active.
    """
    wanted = {(a.id, a.status_changed_at) for a in activities
              if a.status == ActivityStatus.ACTIVE and a.status_changed_at is not None}
    if not wanted:
        return {}
    rows = (ProcessingActivity.history
            .filter(id__in={pk for pk, _ in wanted}, status=ActivityStatus.ACTIVE)
            .order_by("id", "status_changed_at", "history_id")
            .distinct("id", "status_changed_at")
            .values_list("id", "status_changed_at", "history_change_reason"))
    return {pk: reason for pk, changed_at, reason in rows
            if reason and (pk, changed_at) in wanted}
