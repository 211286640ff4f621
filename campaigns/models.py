"""Review campaigns: the DPO asks each activity owner whether its records are still true.

A campaign covers one organisation's register (every activity in force or in review, or
those whose review is due). Each owner gets one invitation (a signed, expiring, revocable
link, or its login), and one task per activity it owns; a task is answered "still
accurate" or with a proposal (a change set), and decided by the DPO.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    ALL = "all", _("every activity in force or in review")
    DUE = "due", _("activities whose review is due")


class Kind(models.TextChoices):
    OWNERS = "owners", _("activity owners review their records")
    PROCESSORS = "processors", _("processors confirm the processing done for us")


class Campaign(models.Model):
    organisation = models.ForeignKey("entities.Organisation", on_delete=models.PROTECT,
                                     related_name="review_campaigns",
                                     verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("who is asked"), max_length=12, choices=Kind.choices,
                            default=Kind.OWNERS)
    scope = models.CharField(_("activities"), max_length=8, choices=Scope.choices,
                             default=Scope.ALL)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("started by"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    link_days = models.PositiveSmallIntegerField(
        _("links expire after (days)"), default=30,
        help_text=_("An owner's link stops working this many days after it is sent."))
    remind_days = models.PositiveSmallIntegerField(
        _("remind every (days)"), default=7,
        help_text=_("Owners with unanswered records are reminded at this interval."))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    summary_sent_at = models.DateTimeField(_("summary sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(link_days__gte=1),
                                   name="campaign_link_days_positive"),
            models.CheckConstraint(condition=models.Q(remind_days__gte=1),
                                   name="campaign_remind_days_positive"),
        ]

    def __str__(self):
        return self.title


def _once_per_campaign(subject: str, unique_subject: str, unique_processor: str,
                       either: str) -> list:
    """Constraints of a row about ``subject`` or about a processor (``third_party``), never
    both: each at most once per campaign."""
    return [
        models.UniqueConstraint(fields=["campaign", subject], name=unique_subject),
        models.UniqueConstraint(fields=["campaign", "third_party"], name=unique_processor),
        models.CheckConstraint(condition=models.Q(**{f"{subject}__isnull": True})
                               ^ models.Q(third_party__isnull=True), name=either),
    ]


class Invitation(models.Model):
    """One owner's (or one processor's) part in a campaign: the link it is sent, and its
    reminders."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("entities.Person", on_delete=models.PROTECT, related_name="+",
                               null=True, blank=True, verbose_name=_("owner"))
    third_party = models.ForeignKey("entities.ThirdParty", on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True,
                                    verbose_name=_("processor"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        ordering = ["person__name", "third_party__name"]
        constraints = _once_per_campaign("person", "invitation_one_per_owner",
                                         "invitation_one_per_processor",
                                         "invitation_owner_or_processor")

    def __str__(self):
        return f"{self.name} ({self.campaign})"

    @property
    def name(self) -> str:
        return self.person.name if self.person_id else self.third_party.name

    @property
    def email(self) -> str:
        return self.person.email if self.person_id else self.third_party.email

    @property
    def has_login(self) -> bool:
        return bool(self.person_id and self.person.login_id)


class TaskState(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    CONFIRMED = "confirmed", _("confirmed as accurate")
    PROPOSED = "proposed", _("changes proposed")
    CONFLICT = "conflict", _("record changed since the link was sent")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


#: States that wait for the DPO's decision.
ANSWERED = (TaskState.CONFIRMED, TaskState.PROPOSED, TaskState.CONFLICT)
#: States that need nothing more.
DECIDED = (TaskState.ACCEPTED, TaskState.REJECTED)


class Task(models.Model):
    """One record to review (an activity, or a processor's own record): the answer and the
    DPO's decision."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tasks")
    activity = models.ForeignKey("processing.ProcessingActivity", on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="review_tasks",
                                 verbose_name=_("activity"))
    third_party = models.ForeignKey("entities.ThirdParty", on_delete=models.CASCADE,
                                    null=True, blank=True, related_name="review_tasks",
                                    verbose_name=_("processor"))
    #: The record's version when the campaign started (an activity's version; a third
    #: party's last history row): a proposal applies to it only.
    version_sent = models.PositiveBigIntegerField(_("version sent"))
    state = models.CharField(_("state"), max_length=16, choices=TaskState.choices,
                             default=TaskState.PENDING)
    #: The change set proposed: field -> value (``purposes``: a list of descriptions).
    proposal = models.JSONField(_("proposed changes"), default=dict, blank=True)
    comment = models.TextField(_("owner's comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("review task")
        ordering = ["activity__reference", "third_party__name"]
        constraints = _once_per_campaign("activity", "task_one_per_activity",
                                         "task_one_per_processor", "task_activity_or_processor")

    def __str__(self):
        return f"{self.subject} ({self.get_state_display()})"

    @property
    def subject(self):
        """The record reviewed: the activity, or the processor."""
        return self.activity if self.activity_id else self.third_party
