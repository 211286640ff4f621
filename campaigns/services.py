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
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entities.models import Country, ThirdParty
from entities.models.third_party import PROCESSOR_KINDS
from entities.services import entity_save
from processing import services as register
from processing.models import ActivityStatus, ProcessingActivity, Purpose
from ropa.audit import ChangePath

from .models import ANSWERED, Campaign, Invitation, Kind, Scope, Task, TaskState


@dataclass(frozen=True)
class Form:
    """The fields an answer may propose changes to, in plain words: ``lists`` are typed one
    item per line, ``lines`` on one line, the others as text."""
    fields: dict
    lists: frozenset = frozenset()
    lines: frozenset = frozenset()


#: An activity's owner reviews what it does, why, and where the data comes from.
OWNER_FORM = Form({
    "name": gettext_lazy("Name"),
    "description": gettext_lazy("What is done, in a few words"),
    "purposes": gettext_lazy("Purposes (one per line)"),
    "source_of_data": gettext_lazy("Where the data comes from"),
    "security_description": gettext_lazy("How the data is kept safe"),
}, lists=frozenset({"purposes"}), lines=frozenset({"name"}))
#: A processor confirms the processing it does for the organisation (Art 28 and 30(2)).
PROCESSOR_FORM = Form({
    "service": gettext_lazy("What you do for us"),
    "country": gettext_lazy("Country where our data is processed (two-letter code)"),
    "address": gettext_lazy("Your address"),
    "contract_link": gettext_lazy("Where our data processing agreement is kept (link)"),
    "dpo_contact": gettext_lazy("Your DPO (name and contact details)"),
    "sub_processors": gettext_lazy("Your sub-processors for our data (one per line)"),
    "security": gettext_lazy("Your security measures for our data"),
}, lists=frozenset({"sub_processors"}), lines=frozenset({"service", "country", "contract_link"}))
#: Answers of a processor kept in its notes (the register has no field of their own).
NOTED = ("sub_processors", "security")


def form_of(task: Task) -> Form:
    return OWNER_FORM if task.activity_id else PROCESSOR_FORM


_SALT = "campaigns.invitation"


class _MovedOn(Exception):
    """The record changed since it was sent: nothing is applied."""


class LinkRefused(Exception):
    """An owner's link that does not open: tampered, expired or revoked (the message says
    which, for the owner)."""


# --- starting --------------------------------------------------------------------------------

def _in_scope(campaign: Campaign, today: datetime.date):
    activities = ProcessingActivity.objects.filter(
        organisation=campaign.organisation,
        status__in=[ActivityStatus.ACTIVE, ActivityStatus.IN_REVIEW])
    if campaign.scope == Scope.DUE:
        activities = activities.filter(next_review_on__lte=today)
    return activities


def _history_mark(third_party: ThirdParty) -> int:
    """The last history row of a third party: what its record was when asked."""
    last = third_party.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return last or 0


@transaction.atomic
def start_campaign(*, organisation, title: str = "", kind: str = Kind.OWNERS,
                   scope: str = Scope.ALL, user=None, link_days: int = 30, remind_days: int = 7,
                   today: datetime.date | None = None) -> Campaign:
    """A campaign over ``organisation``'s register. Owners: one invitation per owner, one
    task per activity it owns (activities with no owner are the DPO's own to review).
    Processors: one invitation and one task per processor or sub-processor that the
    activities in scope name as a recipient or transfer destination. The invitations are
    sent by the worker once the campaign is saved."""
    today = today or timezone.localdate()
    default_title = (_("Review of %(organisation)s, %(day)s") if kind == Kind.OWNERS
                     else _("Processors of %(organisation)s confirm, %(day)s"))
    campaign = Campaign(organisation=organisation, kind=kind, scope=scope, started_by=user,
                        link_days=link_days, remind_days=remind_days,
                        title=title or default_title % {"organisation": organisation.name,
                                                        "day": today.isoformat()})
    campaign.full_clean()
    campaign.save()
    activities = _in_scope(campaign, today)
    tasks = []
    if kind == Kind.OWNERS:
        invitations: dict[int, Invitation] = {}
        for activity in activities.filter(owner__isnull=False).select_related("owner").order_by(
                "reference"):
            invitation = invitations.get(activity.owner_id)
            if invitation is None:
                invitation = invitations[activity.owner_id] = Invitation.objects.create(
                    campaign=campaign, person=activity.owner)
            tasks.append(Task(campaign=campaign, invitation=invitation, activity=activity,
                              version_sent=activity.version))
    else:
        named = (ThirdParty.objects.filter(organisation=organisation, kind__in=PROCESSOR_KINDS)
                 .filter(Q(receives__activity__in=activities)
                         | Q(transfers__activity__in=activities))
                 .distinct().order_by("name"))
        for third_party in named:
            invitation = Invitation.objects.create(campaign=campaign, third_party=third_party)
            tasks.append(Task(campaign=campaign, invitation=invitation, third_party=third_party,
                              version_sent=_history_mark(third_party)))
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
    invitation = (Invitation.objects.select_related("campaign__organisation", "person",
                                                    "third_party")
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

def open_task(invitation: Invitation, task_id) -> Task:
    """A task of this invitation only: another's (or another organisation's) is not found."""
    task = (invitation.tasks.filter(pk=task_id).first() if str(task_id).isdigit() else None)
    if task is None:
        raise Task.DoesNotExist
    return task


def current_values(task: Task) -> dict:
    """The record's values for the fields of its form, as the form shows them."""
    if task.activity_id:
        activity = task.activity
        return {
            "name": activity.name, "description": activity.description,
            "purposes": [p.description for p in activity.purposes.order_by("position", "id")],
            "source_of_data": activity.source_of_data,
            "security_description": activity.security_description,
        }
    party = task.third_party
    return {"service": party.service, "country": party.country.code if party.country else "",
            "address": party.address, "contract_link": party.contract_link,
            "dpo_contact": party.dpo_contact, "sub_processors": [], "security": ""}


def _changed(task: Task, proposed: dict) -> dict:
    form, now = form_of(task), current_values(task)
    changes = {}
    for name in form.fields:
        if name not in proposed:
            continue
        value = proposed[name]
        value = ([line.strip() for line in value if line.strip()] if name in form.lists
                 else value.strip())
        if name == "country":
            value = value.upper()
        if value != now[name]:
            changes[name] = value
    return changes


def _problems(task: Task, changes: dict) -> dict:
    problems = {}
    if "name" in changes and not changes["name"]:
        problems["name"] = _("The name cannot be empty.")
    if changes.get("country") and not Country.objects.filter(code=changes["country"]).exists():
        problems["country"] = _("'%(value)s' is not a country code (GB, FR, US...).") % {
            "value": changes["country"]}
    link = changes.get("contract_link")
    if link:
        try:
            URLValidator()(link)
        except ValidationError:
            problems["contract_link"] = _("'%(value)s' is not a link (https://...).") % {
                "value": link}
    return problems


def _moved_on(task: Task) -> bool:
    """The record changed since the campaign asked about it."""
    if task.activity_id:
        return task.activity.version != task.version_sent
    return _history_mark(task.third_party) != task.version_sent


@transaction.atomic
def answer(invitation: Invitation, task_id, *, confirm: bool, proposed: dict | None = None,
           comment: str = "") -> Task:
    """The answer to one task: still accurate, or these changes. A record changed since
    the link was sent is marked as a conflict for the DPO."""
    task = Task.objects.select_for_update().get(pk=open_task(invitation, task_id).pk)
    if task.state not in (TaskState.PENDING, *ANSWERED):
        raise ValidationError(_("This record was already decided by your DPO."))
    changes = {} if confirm else _changed(task, proposed or {})
    if not confirm and not changes and not comment.strip():
        raise ValidationError(_("Nothing was changed: change a field, or answer that the "
                                "record is still accurate."))
    if problems := _problems(task, changes):
        raise ValidationError(problems)
    task.proposal = changes
    task.comment = comment.strip()
    task.answered_at = timezone.now()
    if _moved_on(task):
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
    form, now = form_of(task), current_values(task)
    return [Change(name, str(form.fields[name]), now[name], value)
            for name, value in task.proposal.items() if name in form.fields]


def _noted(party: ThirdParty, proposal: dict, today: datetime.date) -> str:
    """The processor's notes, with what it confirmed that has no field of its own."""
    lines = []
    if proposal.get("sub_processors"):
        lines.append(_("Sub-processors: %(names)s") % {"names": "; ".join(proposal["sub_processors"])})
    if proposal.get("security"):
        lines.append(_("Security measures: %(text)s") % {"text": proposal["security"]})
    if not lines:
        return party.notes
    heading = _("Confirmed by the processor on %(day)s:") % {"day": today.isoformat()}
    return "\n".join(filter(None, [party.notes, heading, *lines]))


@transaction.atomic
def accept(task: Task, *, user, today: datetime.date | None = None) -> Task:
    """Apply the answer through the register's services (history path ``review``). An
    activity: the proposal, if any, and the review dates, in one version. A processor: its
    record's fields, and what has no field of its own added to its notes. Refused, and
    marked a conflict, when the record changed since it was sent."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.state not in (TaskState.CONFIRMED, TaskState.PROPOSED):
        raise ValidationError(_("Only a confirmation or a proposal can be accepted (this task "
                                "is %(state)s).") % {"state": task.get_state_display()})
    today = today or timezone.localdate()
    try:
        if task.activity_id:
            _accept_activity(task, user, today)
        else:
            _accept_processor(task, user, today)
    except (register.StaleWrite, _MovedOn):
        task.state = TaskState.CONFLICT
        task.save(update_fields=["state"])
        return task
    task.state, task.decided_at, task.decided_by = TaskState.ACCEPTED, timezone.now(), user
    task.save(update_fields=["state", "decided_at", "decided_by"])
    return task


def _accept_activity(task: Task, user, today: datetime.date) -> None:
    activity = task.activity
    fields = {name: value for name, value in task.proposal.items()
              if name in OWNER_FORM.fields and name != "purposes"}
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
    register.activity_save(activity=activity, fields=fields, parts=parts, user=user,
                           path=ChangePath.REVIEW, expected_version=task.version_sent)


def _accept_processor(task: Task, user, today: datetime.date) -> None:
    party = ThirdParty.objects.select_for_update().get(pk=task.third_party_id)
    if _history_mark(party) != task.version_sent:
        raise _MovedOn
    proposal = task.proposal
    fields = {name: value for name, value in proposal.items()
              if name in PROCESSOR_FORM.fields and name not in NOTED}
    if "country" in fields:
        fields["country"] = Country.objects.get(code=fields["country"]) if fields["country"] else None
    notes = _noted(party, proposal, today)
    if notes != party.notes:
        fields["notes"] = notes
    if fields:
        entity_save(model=ThirdParty, instance=party, user=user, path=ChangePath.REVIEW, **fields)


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
