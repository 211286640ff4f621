"""What a review campaign does: start, the owners' links, answers, and the DPO's decisions.

Every change to the register goes through ``processing.services`` with the history path
``review``; a proposal applies only to the version of the record its owner was sent, so a
record changed since is a conflict, never overwritten.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processing import services as register
from processing.models import ActivityStatus, ProcessingActivity, Purpose
from ropa.audit import ChangePath

from .models import ANSWERED, Campaign, Invitation, Scope, Task, TaskState

#: The fields an owner may propose changes to, in plain words (``purposes``: one per line).
PROPOSABLE = {
    "name": gettext_lazy("Name"),
    "description": gettext_lazy("What is done, in a few words"),
    "purposes": gettext_lazy("Purposes (one per line)"),
    "source_of_data": gettext_lazy("Where the data comes from"),
    "security_description": gettext_lazy("How the data is kept safe"),
}
_SALT = "campaigns.invitation"


class LinkRefused(Exception):
    """An owner's link that does not open: tampered, expired or revoked (the message says
    which, for the owner)."""


# --- starting --------------------------------------------------------------------------------

def _in_scope(campaign: Campaign, today: datetime.date):
    activities = ProcessingActivity.objects.filter(
        organisation=campaign.organisation, owner__isnull=False,
        status__in=[ActivityStatus.ACTIVE, ActivityStatus.IN_REVIEW])
    if campaign.scope == Scope.DUE:
        activities = activities.filter(next_review_on__lte=today)
    return activities.select_related("owner").order_by("reference")


@transaction.atomic
def start_campaign(*, organisation, title: str = "", scope: str = Scope.ALL, user=None,
                   link_days: int = 30, remind_days: int = 7,
                   today: datetime.date | None = None) -> Campaign:
    """A campaign over ``organisation``'s register: one invitation per owner, one task per
    activity it owns (activities with no owner are the DPO's own to review). The
    invitations are sent by the worker once the campaign is saved."""
    today = today or timezone.localdate()
    campaign = Campaign(organisation=organisation, scope=scope, started_by=user,
                        link_days=link_days, remind_days=remind_days,
                        title=title or _("Review of %(organisation)s, %(day)s") % {
                            "organisation": organisation.name, "day": today.isoformat()})
    campaign.full_clean()
    campaign.save()
    invitations: dict[int, Invitation] = {}
    tasks = []
    for activity in _in_scope(campaign, today):
        invitation = invitations.get(activity.owner_id)
        if invitation is None:
            invitation = invitations[activity.owner_id] = Invitation.objects.create(
                campaign=campaign, person=activity.owner)
        tasks.append(Task(campaign=campaign, invitation=invitation, activity=activity,
                          version_sent=activity.version))
    Task.objects.bulk_create(tasks)
    from . import tasks as jobs

    transaction.on_commit(lambda: jobs.send_invitations.delay(campaign.pk))
    return campaign


# --- links -------------------------------------------------------------------------------

def token_for(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "c": invitation.campaign_id}, salt=_SALT,
                         compress=True)


def invitation_for(token: str) -> Invitation:
    """The invitation a link names, if it is genuine, not expired and not revoked."""
    try:
        claims = signing.loads(token, salt=_SALT, max_age=None)
    except signing.BadSignature:
        raise LinkRefused(_("This link is not valid: ask your DPO for a new one.")) from None
    invitation = (Invitation.objects.select_related("campaign__organisation", "person")
                  .filter(pk=claims.get("i"), campaign_id=claims.get("c")).first())
    if invitation is None:
        raise LinkRefused(_("This link is not valid: ask your DPO for a new one."))
    try:
        signing.loads(token, salt=_SALT,
                      max_age=datetime.timedelta(days=invitation.campaign.link_days))
    except signing.SignatureExpired:
        raise LinkRefused(_("This link has expired: ask your DPO for a new one.")) from None
    if invitation.revoked_at is not None:
        raise LinkRefused(_("This link was withdrawn by your DPO."))
    if invitation.campaign.closed_at is not None:
        raise LinkRefused(_("This review is closed: thank you."))
    return invitation


def link_for(invitation: Invitation) -> str:
    from django.urls import reverse

    return settings.ROPA_SITE_URL.rstrip("/") + reverse("campaigns:review", args=[token_for(invitation)])


def revoke(invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


# --- the owner's answers -------------------------------------------------------------------

def _open_task(invitation: Invitation, task_id) -> Task:
    """A task of this invitation only: another's (or another organisation's) is not found."""
    task = (invitation.tasks.select_related("activity").filter(pk=task_id).first()
            if str(task_id).isdigit() else None)
    if task is None:
        raise Task.DoesNotExist
    return task


def current_values(activity: ProcessingActivity) -> dict:
    return {
        "name": activity.name, "description": activity.description,
        "purposes": [p.description for p in activity.purposes.order_by("position", "id")],
        "source_of_data": activity.source_of_data,
        "security_description": activity.security_description,
    }


def _changed(activity: ProcessingActivity, proposed: dict) -> dict:
    now = current_values(activity)
    changes = {}
    for name in PROPOSABLE:
        if name not in proposed:
            continue
        value = proposed[name]
        value = ([line.strip() for line in value if line.strip()] if name == "purposes"
                 else value.strip())
        if value != now[name]:
            changes[name] = value
    return changes


@transaction.atomic
def answer(invitation: Invitation, task_id, *, confirm: bool, proposed: dict | None = None,
           comment: str = "") -> Task:
    """The owner's answer to one task: still accurate, or these changes. A record changed
    since the link was sent is marked as a conflict for the DPO."""
    task = _open_task(invitation, task_id)
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.state not in (TaskState.PENDING, *ANSWERED):
        raise ValidationError(_("This record was already decided by your DPO."))
    changes = {} if confirm else _changed(task.activity, proposed or {})
    if not confirm and not changes and not comment.strip():
        raise ValidationError(_("Nothing was changed: change a field, or answer that the "
                                "record is still accurate."))
    if "name" in changes and not changes["name"]:
        raise ValidationError({"name": _("The name cannot be empty.")})
    task.proposal = changes
    task.comment = comment.strip()
    task.answered_at = timezone.now()
    if task.activity.version != task.version_sent:
        task.state = TaskState.CONFLICT
    else:
        task.state = TaskState.CONFIRMED if confirm else TaskState.PROPOSED
    task.save()
    if not invitation.tasks.filter(state=TaskState.PENDING).exists():
        from . import tasks as jobs

        transaction.on_commit(lambda: jobs.send_summary.delay(invitation.campaign_id))
    return task


# --- the DPO's decisions ---------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: object
    new: object


def diff(task: Task) -> list[Change]:
    """The task's proposal against the record as it is now."""
    now = current_values(task.activity)
    return [Change(name, str(PROPOSABLE[name]), now[name], value)
            for name, value in task.proposal.items() if name in PROPOSABLE]


@transaction.atomic
def accept(task: Task, *, user, today: datetime.date | None = None) -> Task:
    """Apply the answer through the register's services (history path ``review``): the
    proposal, if any, and the review dates. Refused, and marked a conflict, when the record
    changed since its owner was sent it."""
    task = Task.objects.select_for_update().select_related("activity").get(pk=task.pk)
    if task.state not in (TaskState.CONFIRMED, TaskState.PROPOSED):
        raise ValidationError(_("Only a confirmation or a proposal can be accepted (this task "
                                "is %(state)s).") % {"state": task.get_state_display()})
    today = today or timezone.localdate()
    activity = task.activity
    fields = {name: value for name, value in task.proposal.items()
              if name in PROPOSABLE and name != "purposes"}
    fields["last_reviewed_on"] = today
    fields["next_review_on"] = today + datetime.timedelta(days=settings.ROPA_REVIEW_INTERVAL_DAYS)
    parts = []
    if "purposes" in task.proposal:
        wanted = list(task.proposal["purposes"])
        kept = set()
        for purpose in activity.purposes.all():
            if purpose.description in wanted and purpose.description not in kept:
                kept.add(purpose.description)
            else:
                parts.append(register.PartChange(Purpose, instance=purpose, delete=True))
        parts += [register.PartChange(Purpose, fields={"description": d, "position": i},
                                      label=f"purposes[{i}]")
                  for i, d in enumerate(wanted) if d not in kept]
    try:
        register.activity_save(activity=activity, fields=fields, parts=parts, user=user,
                               path=ChangePath.REVIEW, expected_version=task.version_sent)
    except register.StaleWrite:
        task.state = TaskState.CONFLICT
        task.save(update_fields=["state"])
        return task
    task.state, task.decided_at, task.decided_by = TaskState.ACCEPTED, timezone.now(), user
    task.save(update_fields=["state", "decided_at", "decided_by"])
    return task


@transaction.atomic
def reject(task: Task, *, user, reason: str) -> Task:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the answer is rejected: the owner is told.")})
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.state not in ANSWERED:
        raise ValidationError(_("Only an answer waiting for a decision can be rejected."))
    task.state, task.reason = TaskState.REJECTED, reason.strip()
    task.decided_at, task.decided_by = timezone.now(), user
    task.save(update_fields=["state", "reason", "decided_at", "decided_by"])
    return task


def progress(campaign: Campaign) -> dict[str, int]:
    """Tasks by state, and how many in all."""
    counts = dict.fromkeys(TaskState.values, 0)
    for state in campaign.tasks.values_list("state", flat=True):
        counts[state] += 1
    counts["total"] = sum(counts.values())
    return counts
