"""The DPO's worklist: what to do first in the registers the user works on.

Findings by code (most severe first, with how many activities have each), reviews due,
records waiting for approval or still in draft, each organisation's completeness and
the latest changes. Everything is counted in SQL from the stored findings summaries
(``processing.findings.with_fresh_summaries`` makes again those that no longer hold), so
the page costs the same number of queries for ten activities or a hundred thousand.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone

from .admin_filters import REVIEW_SOON_DAYS
from .findings import HAS_FINDINGS, RULES_BY_CODE, SEVERITY_ORDER, with_fresh_summaries
from .models import ActivityStatus, ProcessingActivity

#: How many records each list of the worklist shows (the link lists them all).
SHOWN = 8


@dataclass
class CodeCount:
    code: str
    severity: str
    article: str
    title: str
    activities: int
    url: str


@dataclass
class OrganisationRow:
    organisation_id: int
    name: str
    activities: int
    score: float | None
    complete: int
    url: str


@dataclass
class Worklist:
    findings: list[CodeCount] = field(default_factory=list)
    overdue: int = 0
    due_soon: int = 0
    no_review_date: int = 0
    due: list[ProcessingActivity] = field(default_factory=list)
    in_review: int = 0
    drafts: int = 0
    waiting: list[ProcessingActivity] = field(default_factory=list)
    organisations: list[OrganisationRow] = field(default_factory=list)
    changes: list = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.findings or self.overdue or self.due_soon or self.in_review
                    or self.drafts)


def _changelist(**query) -> str:
    url = reverse("admin:processing_processingactivity_changelist")
    return f"{url}?{urlencode(query)}" if query else url


def worklist(activities, *, today: datetime.date | None = None) -> Worklist:
    """The worklist of ``activities`` (the user's registers, already scoped)."""
    today = today or timezone.localdate()
    current = activities.exclude(status=ActivityStatus.RETIRED).order_by()
    with_fresh_summaries(current, today=today)
    result = Worklist()

    # Findings by code: the summaries of the activities with any finding.
    counts: Counter[str] = Counter()
    for codes in current.filter(HAS_FINDINGS).values_list("finding_summary__codes", flat=True):
        counts.update(codes or ())
    for code, n in counts.items():
        rule = RULES_BY_CODE.get(code)
        if rule is None:  # a rule since removed: made again when next read
            continue
        result.findings.append(CodeCount(code, rule.severity, rule.article, str(rule.title), n,
                                         _changelist(findings=code)))
    result.findings.sort(key=lambda c: (SEVERITY_ORDER[c.severity], -c.activities, c.code))

    # Reviews due and records waiting, counted in one query.
    soon = today + datetime.timedelta(days=REVIEW_SOON_DAYS)
    totals = current.aggregate(
        overdue=Count("pk", filter=Q(next_review_on__lt=today)),
        due_soon=Count("pk", filter=Q(next_review_on__gte=today, next_review_on__lte=soon)),
        no_review_date=Count("pk", filter=Q(next_review_on__isnull=True)),
        in_review=Count("pk", filter=Q(status=ActivityStatus.IN_REVIEW)),
        drafts=Count("pk", filter=Q(status=ActivityStatus.DRAFT)),
    )
    for name, value in totals.items():
        setattr(result, name, value)
    result.due = list(current.filter(next_review_on__lte=soon).select_related("organisation")
                      .order_by("next_review_on", "reference")[:SHOWN])
    result.waiting = list(
        current.filter(status__in=[ActivityStatus.IN_REVIEW, ActivityStatus.DRAFT])
        .select_related("organisation", "owner")
        # In review first (they wait for the DPO), then the drafts, the oldest first.
        .order_by("-status", "updated_at")[:SHOWN])

    # Completeness per organisation: the mean of its current activities' scores.
    rows = (current.values("organisation_id", "organisation__name")
            .annotate(n=Count("pk"), score=Avg("finding_summary__completeness"),
                      complete=Count("pk", filter=Q(finding_summary__completeness=100)))
            .order_by("organisation__name"))
    result.organisations = [
        OrganisationRow(row["organisation_id"], row["organisation__name"], row["n"],
                        None if row["score"] is None else round(row["score"], 1),
                        row["complete"], _changelist(organisation=row["organisation_id"]))
        for row in rows
    ]

    # The latest versions, whoever made them (a version written with its parts may
    # leave several history rows: each version is shown once).
    seen, result.changes = set(), []
    for row in (ProcessingActivity.history.filter(id__in=activities.values("pk"))
                .select_related("history_user").order_by("-history_date")[:SHOWN * 4]):
        if (row.id, row.version) not in seen and len(result.changes) < SHOWN:
            seen.add((row.id, row.version))
            result.changes.append(row)

    result.urls = {
        "overdue": _changelist(review="overdue"),
        "soon": _changelist(review="soon"),
        "none": _changelist(review="none"),
        "in_review": _changelist(status__exact=ActivityStatus.IN_REVIEW),
        "draft": _changelist(status__exact=ActivityStatus.DRAFT),
        "findings": _changelist(findings="any"),
        "dashboard": reverse("admin:processing_processingactivity_dashboard"),
    }
    return result
