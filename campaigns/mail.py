"""The emails of a campaign: an owner's invitation and reminders, the DPO's summary."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reports.selectors import dpo_addresses

from . import services
from .models import Campaign, Invitation, TaskState


def invitation_email(invitation: Invitation, *, reminder: bool = False, now=None) -> bool:
    """Send the owner its link (or, with a login, the page to sign in to); False when the
    owner has no email address (the campaign page shows the link to pass on)."""
    if not invitation.email:
        return False
    if invitation.has_login:
        link = settings.ROPA_SITE_URL.rstrip("/") + reverse(
            "campaigns:review_signed_in", args=[invitation.campaign_id])
    else:
        link = services.link_for(invitation)
    pending = invitation.tasks.filter(state=TaskState.PENDING).select_related(
        "activity", "third_party")
    context = {"invitation": invitation, "campaign": invitation.campaign, "link": link,
               "reminder": reminder, "records": [t.subject for t in pending],
               "processor": bool(invitation.third_party_id),
               "expires_days": invitation.campaign.link_days}
    organisation = invitation.campaign.organisation.name
    subject = ("Reminder: " if reminder else "") + (
        f"Please confirm the processing you do for {organisation}" if invitation.third_party_id
        else f"Please review your processing records ({organisation})")
    EmailMessage(subject=subject, body=render_to_string("campaigns/invitation.txt", context),
                 from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.email]).send()
    now = now or timezone.now()
    if reminder:
        invitation.reminded_at, invitation.reminders = now, invitation.reminders + 1
        invitation.save(update_fields=["reminded_at", "reminders"])
    else:
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at"])
    return True


def summary_email(campaign: Campaign) -> list[str]:
    """Tell the organisation's DPOs where the campaign stands."""
    to = dpo_addresses(campaign.organisation_id)
    if campaign.started_by is not None and campaign.started_by.email:
        to = sorted({*to, campaign.started_by.email}, key=str.lower)
    if not to:
        return []
    counts = services.progress(campaign)
    context = {"campaign": campaign, "counts": counts,
               "states": [(label, counts[value]) for value, label in TaskState.choices],
               "link": settings.ROPA_SITE_URL.rstrip("/") + reverse(
                   "admin:campaigns_campaign_change", args=[campaign.pk])}
    EmailMessage(subject=f"Review campaign: {campaign.title}",
                 body=render_to_string("campaigns/summary.txt", context),
                 from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
    campaign.summary_sent_at = timezone.now()
    campaign.save(update_fields=["summary_sent_at"])
    return to
