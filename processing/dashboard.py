"""What the DPO's dashboard counts: the register by organisation, status, lawful basis,
finding severity, review date and transfer destination, and each organisation's
completeness per Art 30 item.

Each bar carries the change list filter that lists the activities it counts, so the
dashboard is a way into the register, not a separate report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .admin_filters import REVIEW_SOON_DAYS
from .completeness import (
    ITEMS,
    OrganisationCompleteness,
    RegisterCompleteness,
    register_completeness,
)
from .findings import SEVERITY_ORDER, Severity
from .models import ActivityLawfulBasis, ActivityStatus, InternationalTransfer

#: Geometry of the inline SVG bar charts, in SVG user units.
LABEL_WIDTH = 230
BAR_AREA = 330
ROW_HEIGHT = 26


@dataclass
class Bar:
    label: str
    value: int
    query: dict[str, str]
    tone: str = ""
    width: float = 0.0
    url: str = ""
    y: int = 0
    value_x: float = 0.0


@dataclass
class Chart:
    key: str
    title: str
    bars: list[Bar] = field(default_factory=list)
    note: str = ""

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT + 4

    def layout(self, changelist_url: str) -> Chart:
        biggest = max((bar.value for bar in self.bars), default=0) or 1
        for index, bar in enumerate(self.bars):
            bar.width = round(BAR_AREA * bar.value / biggest, 1) if bar.value else 0
            bar.url = f"{changelist_url}?{urlencode(bar.query)}"
            bar.y = index * ROW_HEIGHT
            bar.value_x = LABEL_WIDTH + bar.width + 6
        return self


def _by_organisation(activities) -> Chart:
    rows = (activities.order_by().values("organisation_id", "organisation__name")
            .annotate(n=Count("pk")).order_by("organisation__name"))
    return Chart("organisation", _("Activities per organisation"), [
        Bar(row["organisation__name"], row["n"], {"organisation": str(row["organisation_id"])})
        for row in rows
    ])


def _by_status(activities) -> Chart:
    counts = dict(activities.order_by().values_list("status").annotate(n=Count("pk")))
    return Chart("status", _("Activities per status"), [
        Bar(str(label).capitalize(), counts.get(value, 0), {"status__exact": value}, tone=value)
        for value, label in ActivityStatus.choices
    ])


def _by_lawful_basis(activities) -> Chart:
    rows = (ActivityLawfulBasis.objects.filter(activity__in=activities.values("pk"))
            .values("basis__code", "basis__article", "basis__name")
            .annotate(n=Count("activity", distinct=True)).order_by("basis__code"))
    return Chart("basis", _("Activities per lawful basis"), [
        Bar(f"{row['basis__article']} {row['basis__name']}", row["n"], {"basis": row["basis__code"]})
        for row in rows
    ], note=_("An activity with several bases counts once under each."))


def _by_severity(activities, assessed: RegisterCompleteness) -> Chart:
    # The findings were read with the completeness; a retired activity has none.
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    clean = activities.filter(status=ActivityStatus.RETIRED).count()
    for findings in assessed.findings.values():
        severities = {f.severity for f in findings}
        for severity in severities:
            counts[severity] += 1
        if not findings:
            clean += 1
    bars = [
        Bar(str(Severity(severity).label).capitalize(), counts[severity], {"findings": severity},
            tone=str(severity))
        for severity in SEVERITY_ORDER
    ]
    bars.append(Bar(_("No finding"), clean, {"findings": "none"}, tone="ok"))
    return Chart("findings", _("Activities per finding severity"), bars,
                 note=_("An activity counts once under each severity it has."))


def _reviews(activities, today) -> Chart:
    soon = today + datetime.timedelta(days=REVIEW_SOON_DAYS)
    current = activities.exclude(status=ActivityStatus.RETIRED)
    return Chart("review", _("Reviews due"), [
        Bar(_("Overdue"), current.filter(next_review_on__lt=today).count(),
            {"review": "overdue"}, tone="error"),
        Bar(_("Due in the next %(days)s days") % {"days": REVIEW_SOON_DAYS},
            current.filter(next_review_on__gte=today, next_review_on__lte=soon).count(),
            {"review": "soon"}, tone="warning"),
        Bar(_("No review date"), current.filter(next_review_on__isnull=True).count(),
            {"review": "none"}, tone="info"),
    ])


def _transfers(activities) -> Chart:
    rows = (InternationalTransfer.objects.filter(activity__in=activities.values("pk"),
                                                 country__isnull=False)
            .values("country__code", "country__name")
            .annotate(n=Count("activity", distinct=True)).order_by("-n", "country__name"))
    return Chart("transfers", _("Activities transferring data, by destination country"), [
        Bar(row["country__name"], row["n"], {"country": row["country__code"]}) for row in rows
    ])


@dataclass
class CompletenessRow:
    """One organisation's line of the completeness table: its mean score and, per Art 30
    item, the share of its activities where the item is complete (None: applies to none)."""

    organisation: OrganisationCompleteness
    shares: list[float | None]
    url: str


def completeness_table(assessed: RegisterCompleteness, changelist_url: str
                       ) -> tuple[list, list[CompletenessRow]]:
    """The items (columns) and one row per organisation of the register the user may see."""
    rows = [
        CompletenessRow(org, [org.items[item.key].share_complete for item in ITEMS],
                        f"{changelist_url}?{urlencode({'organisation': org.organisation_id})}")
        for org in assessed.organisations
    ]
    return list(ITEMS), rows


def dashboard_charts(activities, changelist_url: str, *, today: datetime.date | None = None,
                     assessed: RegisterCompleteness | None = None) -> list[Chart]:
    """The dashboard's charts over ``activities`` (the register the user may see);
    ``assessed``, their completeness and findings when already read."""
    today = today or timezone.localdate()
    if assessed is None:
        assessed = register_completeness(activities, today=today)
    charts = [
        _by_organisation(activities),
        _by_status(activities),
        _by_severity(activities, assessed),
        _by_lawful_basis(activities),
        _reviews(activities, today),
        _transfers(activities),
    ]
    return [chart.layout(changelist_url) for chart in charts]
