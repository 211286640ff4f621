"""The DPO's side of a campaign: start one, follow it, pass on links, decide answers."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from unfold.admin import ModelAdmin

from entities.admin import ScopedAdminMixin, organisations_with_role
from entities.models import MemberRole, Organisation

from . import services
from .models import ANSWERED, Campaign, TaskState


def _subject(task) -> str:
    return task.activity.reference if task.activity_id else task.third_party.name


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["organisation", "kind", "title", "scope", "link_days", "remind_days"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Left empty: the organisation and today's date.")
        if request is not None and not request.user.is_superuser:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=organisations_with_role(request, MemberRole.DPO))


@admin.register(Campaign)
class CampaignAdmin(ScopedAdminMixin, ModelAdmin):
    list_display = ["title", "organisation", "kind", "started_at", "progress", "closed_at"]
    list_filter = ["organisation", "kind"]
    change_form_template = "admin/campaigns/campaign/change_form.html"
    readonly_fields = ["organisation", "kind", "scope", "started_by", "started_at",
                       "summary_sent_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            form = CampaignForm

            class Bound(form):
                def __init__(self, *args, **kw):
                    super().__init__(*args, request=request, **kw)

            return Bound
        kwargs["fields"] = ["title", "link_days", "remind_days", "closed_at"]
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return CampaignForm.Meta.fields
        return ["title", "organisation", "kind", "scope", "started_by", "started_at", "link_days",
                "remind_days", "summary_sent_at", "closed_at"]

    @admin.display(description=_("progress"))
    def progress(self, obj):
        counts = services.progress(obj)
        done = counts["total"] - counts[TaskState.PENDING]
        return _("%(done)s of %(total)s answered, %(waiting)s waiting for you") % {
            "done": done, "total": counts["total"],
            "waiting": sum(counts[s] for s in ANSWERED)}

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        started = services.start_campaign(
            organisation=obj.organisation, title=obj.title, kind=obj.kind, scope=obj.scope,
            user=request.user,
            link_days=obj.link_days, remind_days=obj.remind_days)
        obj.pk = started.pk
        obj.title = started.title

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self.get_object(request, object_id)
        extra = {}
        if campaign is not None:
            invitations = list(campaign.invitations.select_related("person", "third_party"))
            extra = {
                "invitations": [(i, None if i.has_login else services.link_for(i))
                                for i in invitations],
                "tasks": [(t, services.diff(t)) for t in campaign.tasks.select_related(
                    "activity", "third_party__country", "invitation__person",
                    "invitation__third_party", "decided_by")],
                "counts": services.progress(campaign),
                "may_decide": self.has_change_permission(request, campaign),
                "answered": ANSWERED,
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self):
        return [
            path("<int:campaign_id>/decide/<int:task_id>/", self.admin_site.admin_view(self.decide),
                 name="campaigns_campaign_decide"),
            path("<int:campaign_id>/revoke/<int:invitation_id>/",
                 self.admin_site.admin_view(self.revoke), name="campaigns_campaign_revoke"),
            *super().get_urls(),
        ]

    def _campaign(self, request, campaign_id) -> Campaign:
        campaign = self.get_queryset(request).filter(pk=campaign_id).first()
        if campaign is None:
            raise Http404
        if not self.has_change_permission(request, campaign):
            raise PermissionDenied
        return campaign

    def decide(self, request, campaign_id, task_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        campaign = self._campaign(request, campaign_id)
        task = get_object_or_404(campaign.tasks.select_related("activity", "third_party"),
                                 pk=task_id)
        try:
            if request.POST.get("decision") == "accept":
                task = services.accept(task, user=request.user)
                if task.state == TaskState.CONFLICT:
                    messages.error(request, _(
                        "%(ref)s changed since its owner was sent it: nothing was applied. "
                        "Reject the answer, or start a new review of it.") % {
                        "ref": _subject(task)})
                else:
                    messages.success(request, _("%(ref)s: accepted, review dates set.") % {
                        "ref": _subject(task)})
            else:
                services.reject(task, user=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("%(ref)s: rejected.") % {"ref": _subject(task)})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk])
                                    + f"#task-{task.pk}")

    def revoke(self, request, campaign_id, invitation_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        campaign = self._campaign(request, campaign_id)
        invitation = get_object_or_404(campaign.invitations, pk=invitation_id)
        services.revoke(invitation)
        messages.success(request, _("The link of %(name)s no longer opens.") % {
            "name": invitation.name})
        return HttpResponseRedirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
