"""The owner's pages: each record in plain language, answered "still accurate" or with
changes. Reached by a signed link (no login), or signed in as the owner."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from processing.models import ActivityStatus, ProcessingActivity
from processing.register import read_activities

from . import services
from .models import Invitation, Task, TaskState


def _fields(task: Task, values: dict) -> list[dict]:
    form = services.form_of(task)
    return [{"name": name, "label": label,
             "value": "\n".join(values.get(name) or []) if name in form.lists
             else values.get(name, ""),
             "line": name in form.lines, "rows": 4 if name in form.lists else 2}
            for name, label in form.fields.items()]


def _page(request, invitation: Invitation, here: str):
    errors: dict[int, str] = {}
    typed: dict[int, dict] = {}
    if request.method == "POST":
        task_id = request.POST.get("task", "")
        try:
            task = services.open_task(invitation, task_id)
        except Task.DoesNotExist:
            raise Http404 from None
        form = services.form_of(task)
        proposed = {name: request.POST[name].splitlines() if name in form.lists
                    else request.POST[name] for name in form.fields if name in request.POST}
        try:
            services.answer(invitation, task.pk, confirm=request.POST.get("answer") == "confirm",
                            proposed=proposed, comment=request.POST.get("comment", ""))
        except ValidationError as exc:
            errors[task.pk] = " ".join(exc.messages)
            typed[task.pk] = {**proposed, "comment": request.POST.get("comment", "")}
        else:
            return HttpResponseRedirect(f"{here}#task-{task.pk}")
    tasks = list(invitation.tasks.select_related("activity", "third_party__country"))
    records = {r.id: r for r in read_activities([t.activity_id for t in tasks if t.activity_id])}
    served = _served(invitation)
    rows = []
    for task in tasks:
        values = typed.get(task.pk) or services.current_values(task)
        rows.append({"task": task, "record": records.get(task.activity_id),
                     "served": served, "fields": _fields(task, values),
                     "comment": values.get("comment", ""), "error": errors.get(task.pk, ""),
                     "open": task.state not in (TaskState.ACCEPTED, TaskState.REJECTED)})
    status = 400 if errors else 200
    return render(request, "campaigns/review.html", {
        "invitation": invitation, "campaign": invitation.campaign, "rows": rows,
        "pending": sum(t.state == TaskState.PENDING for t in tasks),
    }, status=status)


def _served(invitation: Invitation) -> list:
    """For a processor: the organisation's activities in force that name it, as records."""
    if not invitation.third_party_id:
        return []
    ids = ProcessingActivity.objects.filter(
        organisation_id=invitation.campaign.organisation_id,
        status__in=[ActivityStatus.ACTIVE, ActivityStatus.IN_REVIEW]).filter(
        Q(recipients__third_party_id=invitation.third_party_id)
        | Q(transfers__third_party_id=invitation.third_party_id)).distinct().values_list(
        "id", flat=True)
    return read_activities(list(ids))


@never_cache
@require_http_methods(["GET", "POST"])
def review(request, token: str):
    try:
        invitation = services.invitation_for(token)
    except services.LinkRefused as refused:
        return render(request, "campaigns/refused.html", {"reason": str(refused)}, status=403)
    return _page(request, invitation, reverse("campaigns:review", args=[token]))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def review_signed_in(request, campaign_id: int):
    invitation = (Invitation.objects.select_related("campaign__organisation", "person", "third_party")
                  .filter(campaign_id=campaign_id, person__login=request.user,
                          revoked_at__isnull=True, campaign__closed_at__isnull=True).first())
    if invitation is None:
        raise Http404
    return _page(request, invitation, reverse("campaigns:review_signed_in", args=[campaign_id]))
