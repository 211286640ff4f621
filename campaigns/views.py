"""The owner's pages: each record in plain language, answered "still accurate" or with
changes. Reached by a signed link (no login), or signed in as the owner."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from processing.register import read_activities

from . import services
from .models import Invitation, Task, TaskState


def _page(request, invitation: Invitation, here: str):
    errors: dict[int, str] = {}
    typed: dict[int, dict] = {}
    if request.method == "POST":
        task_id = request.POST.get("task", "")
        proposed = {name: request.POST.get(name, "") for name in services.PROPOSABLE
                    if name != "purposes" and name in request.POST}
        if "purposes" in request.POST:
            proposed["purposes"] = request.POST["purposes"].splitlines()
        try:
            services.answer(invitation, task_id, confirm=request.POST.get("answer") == "confirm",
                            proposed=proposed, comment=request.POST.get("comment", ""))
        except Task.DoesNotExist:
            raise Http404 from None
        except ValidationError as exc:
            pk = int(task_id)
            errors[pk] = " ".join(exc.messages)
            typed[pk] = {**proposed, "purposes": "\n".join(proposed.get("purposes", [])),
                         "comment": request.POST.get("comment", "")}
        else:
            return HttpResponseRedirect(f"{here}#task-{task_id}")
    tasks = list(invitation.tasks.select_related("activity"))
    records = {r.id: r for r in read_activities([t.activity_id for t in tasks])}
    rows = []
    for task in tasks:
        values = services.current_values(task.activity)
        values["purposes"] = "\n".join(values["purposes"])
        rows.append({"task": task, "record": records.get(task.activity_id),
                     "values": typed.get(task.pk, values), "error": errors.get(task.pk, ""),
                     "open": task.state not in (TaskState.ACCEPTED, TaskState.REJECTED)})
    status = 400 if errors else 200
    return render(request, "campaigns/review.html", {
        "invitation": invitation, "campaign": invitation.campaign, "rows": rows,
        "fields": services.PROPOSABLE, "pending": sum(t.state == TaskState.PENDING for t in tasks),
    }, status=status)


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
    invitation = (Invitation.objects.select_related("campaign__organisation", "person")
                  .filter(campaign_id=campaign_id, person__login=request.user,
                          revoked_at__isnull=True, campaign__closed_at__isnull=True).first())
    if invitation is None:
        raise Http404
    return _page(request, invitation, reverse("campaigns:review_signed_in", args=[campaign_id]))
