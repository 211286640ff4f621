"""Reads for the reports: which reports a user sees, what a report covers, who gets it."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from entities.models import Contact, ContactRole, MemberRole, Membership, Organisation
from processing.models import ProcessingActivity

from .models import Report, ReportStatus


def report_list(*, user) -> QuerySet[Report]:
    """The reports ``user`` may read: those of its organisations (all for a superuser)."""
    return Report.objects.for_user(user).select_related("organisation", "requested_by")


def previous_report(report: Report) -> Report | None:
    """The last report of the same kind and organisation that was produced before it."""
    return (
        Report.objects.same_series(report)
        .filter(status=ReportStatus.DONE, period__lt=report.period)
        .order_by("-period")
        .first()
    )


def activities_in_scope(organisation: Organisation | None) -> QuerySet[ProcessingActivity]:
    """The activities a report covers: one organisation's, or the whole register's."""
    activities = ProcessingActivity.objects.all()
    if organisation is not None:
        activities = activities.filter(organisation=organisation)
    return activities


def period_end(period: datetime.date) -> datetime.datetime:
    """The end of the report's day (midnight after it), in the register's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(period + datetime.timedelta(days=1), datetime.time.min)
    )


def report_recipients(report: Report) -> list[str]:
    """Who receives the report by email, sorted and without duplicates.

    For an organisation: its DPO contacts that have an email address, and the users
    with the DPO role in it. For the whole register: the superusers, the only users who
    may read every organisation.
    """
    if report.organisation_id is None:
        emails = get_user_model().objects.filter(
            is_superuser=True, is_active=True).exclude(email="").values_list("email", flat=True)
        return sorted(set(emails))
    return dpo_addresses(report.organisation_id)


def dpo_addresses(organisation_id: int) -> list[str]:
    """The organisation's DPO contacts that have an email address, and the users with the
    DPO role in it: sorted, without duplicates."""
    contacts = Contact.objects.filter(
        organisation_id=organisation_id, role=ContactRole.DPO
    ).exclude(email="").values_list("email", flat=True)
    members = Membership.objects.filter(
        organisation_id=organisation_id, role=MemberRole.DPO, user__is_active=True
    ).exclude(user__email="").values_list("user__email", flat=True)
    return sorted({e.strip() for e in [*contacts, *members] if e.strip()}, key=str.lower)


def user_display(user) -> str:
    """How a person is named in a report: full name and username, or 'unknown'."""
    if user is None:
        return "unknown (system or import)"
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.get_username()})" if full else user.get_username()
