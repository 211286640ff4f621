"""The compliance findings engine: one set of rules over the register.

The admin shows the findings on each activity, the API returns them with each activity
and the reports count them. A finding has a stable ``code`` (integrations may key on
it), a severity, the field to fix and a message that tells the DPO what to do.
Rules read the register's records (``processing.register``), never the database: one
activity is read in a fixed number of queries, and ``register_findings`` reads a whole
register in the same number per chunk of activities.

The rules are grouped by subject, each group a module of this package: ``items`` (the
Art 30 items), ``lawful`` (lawful basis, special and criminal data), ``transfers``
(Chapter V, processors) and ``risk`` (DPIAs, transparency, upkeep). They register in that
order, which is the order of the findings of one severity.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from ..models import ActivityStatus, ProcessingActivity
from ..register.reader import read_in_chunks
from ..register.records import Activity
from . import items, lawful, risk, transfers  # noqa: F401  (registers the rules, in order)
from .base import (
    RULES,
    SEVERITY_ORDER,
    Finding,
    Rule,
    Severity,
    Where,
    as_record,
    rule,
    translating,
)
from .risk import dpia_criteria, dpia_triggers

__all__ = [
    "HAS_FINDINGS", "RULES", "RULES_BY_CODE", "SEVERITY_COUNTS", "SEVERITY_ORDER", "Finding",
    "Rule", "Severity", "Where", "activity_findings", "dpia_criteria", "dpia_triggers",
    "forget_summaries", "refresh_summaries", "register_findings", "rule",
    "with_fresh_summaries",
]

RULES_BY_CODE = {r.code: r for r in RULES}


def _findings(activity: Activity, today: datetime.date) -> list[Finding]:
    """The findings of one activity record, most severe first. A retired activity has none."""
    if activity.status == ActivityStatus.RETIRED:
        return []
    with translating():
        findings = [
            Finding(code=r.code, severity=r.severity, message=str(found[1]), field=found[0],
                    article=r.article, where=found[2] if len(found) > 2 else None)
            for r in RULES
            for found in r.check(activity, today)
        ]
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return findings




def activity_findings(activity: Activity | ProcessingActivity, *,
                      today: datetime.date | None = None) -> list[Finding]:
    """The findings of one activity (a record, or a saved activity, read as it is stored),
    most severe first. A retired activity has none."""
    return _findings(as_record(activity), today or timezone.localdate())


def register_findings(activities: models.QuerySet | None = None, *,
                      today: datetime.date | None = None,
                      chunk_size: int = 500) -> dict[int, list[Finding]]:
    """Findings of every activity of a queryset (default: the whole register), by id, in
    the order of the queryset. The activities are read a chunk at a time."""
    if activities is None:
        activities = ProcessingActivity.objects.all()
    today = today or timezone.localdate()
    rows = list(activities.values_list("pk", "status"))
    order = [pk for pk, _status in rows]
    found = {pk: [] for pk, status in rows if status == ActivityStatus.RETIRED}
    current = [pk for pk, status in rows if status != ActivityStatus.RETIRED]
    for record in read_in_chunks(current, chunk_size):
        found[record.id] = _findings(record, today)
    return {pk: found[pk] for pk in order if pk in found}  # unless deleted meanwhile


# --- stored summaries -----------------------------------------------------------------------

#: Activities with at least one finding, as a filter over their stored summaries.
HAS_FINDINGS = (models.Q(finding_summary__errors__gt=0) | models.Q(finding_summary__warnings__gt=0)
                | models.Q(finding_summary__notes__gt=0))
#: The summary's count of each severity.
SEVERITY_COUNTS = {Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "notes"}


def refresh_summaries(activities: models.QuerySet, *, today: datetime.date | None = None,
                      chunk_size: int = 500) -> int:
    """Run the rules over ``activities`` and store each one's summary (counts by severity,
    codes and completeness score, for its current version and ``today``); answers how many
    were stored."""
    from ..completeness import activity_completeness  # it reads the findings: imported late
    from ..models import FindingSummary

    today = today or timezone.localdate()
    rows = list(activities.order_by().values_list("pk", "status", "version"))
    summaries = [FindingSummary(activity_id=pk, version=version, checked_on=today)
                 for pk, status, version in rows if status == ActivityStatus.RETIRED]
    current = [pk for pk, status, _version in rows if status != ActivityStatus.RETIRED]
    for record in read_in_chunks(current, chunk_size):
        found = _findings(record, today)
        score = activity_completeness(record, today=today, findings=found).score
        summary = FindingSummary(activity_id=record.id, version=record.version, checked_on=today,
                                 codes=sorted({f.code for f in found}), completeness=score)
        for finding in found:
            name = SEVERITY_COUNTS[finding.severity]
            setattr(summary, name, getattr(summary, name) + 1)
        summaries.append(summary)
    for start in range(0, len(summaries), chunk_size):
        FindingSummary.objects.bulk_create(
            summaries[start:start + chunk_size], update_conflicts=True, unique_fields=["activity"],
            update_fields=["version", "checked_on", "errors", "warnings", "notes", "codes",
                           "completeness"])
    return len(summaries)


def with_fresh_summaries(activities: models.QuerySet, *, today: datetime.date | None = None
                         ) -> models.QuerySet:
    """``activities``, once the stored summary of each holds for its current version and
    today (those that do not are made again): filter it by ``finding_summary__...`` then."""
    today = today or timezone.localdate()
    stale = activities.exclude(finding_summary__checked_on=today,
                               finding_summary__version=models.F("version"))
    refresh_summaries(stale, today=today)
    return activities


def forget_summaries(*, organisation_id: int | None = None) -> None:
    """Drop the stored summaries that a change outside the activities may have made wrong
    (a third party's contract, an organisation's jurisdiction, the reference data): of one
    organisation's activities, or all. They are made again when next read."""
    from ..models import FindingSummary

    summaries = FindingSummary.objects.all()
    if organisation_id is not None:
        summaries = summaries.filter(activity__organisation_id=organisation_id)
    summaries.delete()
