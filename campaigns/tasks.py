"""Celery tasks of the review campaigns: invitations, reminders, the DPO's summary."""

from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from django.utils import timezone

from . import mail
from .models import Campaign, Invitation, TaskState

EMAIL_RETRY_ERRORS = (smtplib.SMTPException, OSError)
_EMAIL_TASK = {"acks_late": True, "ignore_result": True, "autoretry_for": EMAIL_RETRY_ERRORS,
               "retry_backoff": 30, "max_retries": 6, "soft_time_limit": 5 * 60,
               "time_limit": 6 * 60}


@shared_task(name="campaigns.send_invitations", **_EMAIL_TASK)
def send_invitations(campaign_id: int) -> int:
    """Each owner not yet invited gets its link (sent once, whatever the retries)."""
    sent = 0
    for invitation in (Invitation.objects.filter(campaign_id=campaign_id, sent_at__isnull=True,
                                                 revoked_at__isnull=True)
                       .select_related("person", "third_party", "campaign__organisation")):
        sent += mail.invitation_email(invitation)
    return sent


@shared_task(name="campaigns.send_summary", **_EMAIL_TASK)
def send_summary(campaign_id: int) -> int:
    campaign = Campaign.objects.select_related("organisation", "started_by").get(pk=campaign_id)
    return len(mail.summary_email(campaign))


@shared_task(name="campaigns.send_reminders", **_EMAIL_TASK)
def send_reminders(now: str | None = None) -> int:
    """Owners of open campaigns with records unanswered, not reminded (or invited) within
    the campaign's interval, are reminded; each campaign reminded tells its DPOs."""
    now = datetime.datetime.fromisoformat(now) if now else timezone.now()
    reminded = 0
    for campaign in Campaign.objects.filter(closed_at__isnull=True).select_related(
            "organisation", "started_by"):
        due = now - datetime.timedelta(days=campaign.remind_days)
        invitations = [
            invitation for invitation in campaign.invitations.filter(
                revoked_at__isnull=True, sent_at__isnull=False,
                tasks__state=TaskState.PENDING).distinct().select_related("person", "third_party")
            if (invitation.reminded_at or invitation.sent_at) <= due]
        sent = sum(mail.invitation_email(invitation, reminder=True, now=now)
                   for invitation in invitations)
        if sent:
            mail.summary_email(campaign)
        reminded += sent
    return reminded
