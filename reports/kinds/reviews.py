"""Reviews due: records whose review date has passed or falls within the next 30 days.

Each row names the owner accountable for the record, so the DPO knows whom to chase.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from processing.models import ActivityStatus

from ..selectors import activities_in_scope
from .base import Chart, Figure, ReportContent, Section

TITLE = "Reviews due"
#: How far ahead a review counts as "due soon".
DUE_WITHIN_DAYS = 30

COLUMNS = ["Organisation", "Reference", "Activity", "Status", "Owner", "Owner email",
           "Last reviewed", "Next review"]


def _row(activity, extra):
    owner = activity.owner
    return [
        activity.organisation.name, activity.reference, activity.name,
        activity.get_status_display(), owner.name if owner else "no owner",
        owner.email if owner else "", activity.last_reviewed_on, activity.next_review_on, extra,
    ]


def build(report, previous) -> ReportContent:
    period = report.period
    horizon = period + datetime.timedelta(days=DUE_WITHIN_DAYS)
    activities = (
        activities_in_scope(report.organisation).current()
        .select_related("organisation", "owner")
        .order_by("next_review_on", "organisation__name", "reference")
    )
    overdue = list(activities.filter(next_review_on__lt=period))
    due_soon = list(activities.filter(next_review_on__gte=period, next_review_on__lte=horizon))
    unscheduled = list(
        activities.filter(next_review_on__isnull=True, status=ActivityStatus.ACTIVE)
    )
    before = previous.summary if previous is not None else {}

    owners: dict[str, dict] = {}
    for label, group in (("overdue", overdue), ("due_soon", due_soon)):
        for activity in group:
            owner = activity.owner
            key = owner.name if owner else "no owner"
            entry = owners.setdefault(
                key, {"email": owner.email if owner else "", "overdue": 0, "due_soon": 0})
            entry[label] += 1

    summary = {"overdue": len(overdue), "due_soon": len(due_soon),
               "unscheduled": len(unscheduled)}

    def change(key):
        return summary[key] - before[key] if key in before else None

    return ReportContent(
        title=TITLE,
        scope=report.organisation.name if report.organisation_id else "Whole register",
        period=period,
        generated_at=timezone.now(),
        figures=[
            Figure("Reviews overdue", len(overdue), change("overdue")),
            Figure(f"Reviews due within {DUE_WITHIN_DAYS} days", len(due_soon), change("due_soon")),
            Figure("Active records with no review date", len(unscheduled), change("unscheduled")),
        ],
        sections=[
            Section("Overdue", [*COLUMNS, "Days overdue"],
                    [_row(a, (period - a.next_review_on).days) for a in overdue],
                    description="The review date has passed: review the record and approve it "
                                "again.",
                    empty_text="No review is overdue."),
            Section(f"Due within {DUE_WITHIN_DAYS} days", [*COLUMNS, "Days left"],
                    [_row(a, (a.next_review_on - period).days) for a in due_soon],
                    empty_text=f"No review falls due in the next {DUE_WITHIN_DAYS} days."),
            Section("No review date (active)", [*COLUMNS, ""],
                    [_row(a, "") for a in unscheduled],
                    empty_text="Every active record has a review date."),
            Section("By owner", ["Owner", "Email", "Overdue", "Due soon"],
                    [[name, o["email"], o["overdue"], o["due_soon"]]
                     for name, o in sorted(owners.items(), key=lambda i: (-i[1]["overdue"], i[0]))]),
        ],
        charts=[
            Chart("Reviews", [("Overdue", len(overdue)),
                              (f"Due within {DUE_WITHIN_DAYS} days", len(due_soon)),
                              ("No review date (active)", len(unscheduled))]),
        ],
        summary=summary,
    )
