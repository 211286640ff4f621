"""The export centre in the admin (``admin:exports_centre``): the form that asks for an
export (format, organisation or all of the user's, optional moment), the exports the user
may read with their progress, and each file's download while it is kept.

Every member of an organisation (auditors included: they read and export) exports its
register. An export is listed and served only to a user who may read every register in
it; to anyone else it answers 404, as a missing one does.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from entities.admin import member_roles, organisations_with_role
from entities.models import Organisation
from processing.register.moments import ACCEPTED, AsOfCleaning

from . import services
from .models import ExportFormat, ExportJob, ExportStatus, export_storage

#: Exports listed on the page, the newest first.
LISTED = 30
#: The organisation choice that means every organisation of the user.
ALL = "all"


class ExportForm(AsOfCleaning, forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices,
                               initial=ExportFormat.ICO_XLSX)
    organisation = forms.ChoiceField(label=_("Organisation"))
    as_of = forms.CharField(
        label=_("As of"), required=False,
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "size": 26}),
        help_text=_("Empty: the register as it stands. Otherwise %(accepted)s.")
        % {"accepted": ACCEPTED})

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        choices = [(pk, o.name) for pk, o in self.organisations.items()]
        if len(choices) > 1:
            choices.insert(0, (ALL, gettext("All my organisations (%(count)s)")
                               % {"count": len(choices)}))
        self.fields["organisation"].choices = choices

    def chosen(self) -> list[Organisation]:
        value = self.cleaned_data["organisation"]
        return list(self.organisations.values()) if value == ALL else [self.organisations[value]]


def job_state(job: ExportJob) -> dict:
    """What the page shows of an export, and what its status URL answers."""
    total = job.progress_total
    percent = 100 if job.status == ExportStatus.DONE else (
        int(job.progress_done * 100 / total) if total else 0)
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "finished": job.is_finished,
        "done": job.progress_done,
        "total": total,
        "percent": percent,
        "error": job.error,
        "size": job.size,
        "filename": job.filename,
        "download_url": (reverse("admin:exports_centre_exportjob_download", args=[job.pk])
                         if job.status == ExportStatus.DONE else None),
        "expires_at": job.expires_at.isoformat() if job.expires_at else None,
        "kept_until": (date_format(job.expires_at, "DATETIME_FORMAT")
                       if job.expires_at else ""),
    }


@admin.register(ExportJob)
class ExportJobAdmin(ModelAdmin):
    list_display = ["__str__", "scope", "as_of", "requested_by", "created_at", "status",
                    "expires_at", "download"]
    fields = ["format", "scope", "as_of", "requested_by", "status", "progress_done",
              "progress_total", "attempts", "error", "filename", "size", "created_at",
              "started_at", "finished_at", "expires_at", "download"]
    readonly_fields = fields

    # --- who may do what ------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user).select_related(
            "requested_by").prefetch_related("organisations")

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(member_roles(request))

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return self.get_queryset(request).filter(pk=obj.pk).exists()
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False  # asked for on the export centre's form

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record that the register was exported stays

    def _organisations(self, request):
        organisations = Organisation.objects.order_by("name", "pk")
        if request.user.is_superuser:
            return organisations
        return organisations.filter(pk__in=organisations_with_role(request))

    # --- columns ---------------------------------------------------------------------------

    @admin.display(description=_("organisations"))
    def scope(self, obj):
        names = sorted(o.name for o in obj.organisations.all())
        if obj.all_organisations and len(names) > 3:
            return gettext("%(count)s organisations") % {"count": len(names)}
        return ", ".join(names)

    @admin.display(description=_("file"))
    def download(self, obj):
        if obj.status != ExportStatus.DONE:
            return "-"
        url = reverse("admin:exports_centre_exportjob_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.filename)

    # --- pages -----------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.centre_view), name="exports_centre"),
            path("<int:job_id>/status/", view(self.status_view),
                 name="exports_centre_exportjob_status"),
            path("<int:job_id>/download/", view(self.download_view),
                 name="exports_centre_exportjob_download"),
            *super().get_urls(),
        ]

    def centre_view(self, request):
        """The form and the exports: posted, the form records an export and queues it."""
        if not self.has_module_permission(request):
            raise PermissionDenied
        organisations = self._organisations(request)
        if request.method == "POST":
            form = ExportForm(request.POST, organisations=organisations)
            chosen = request.POST.get("organisation", "")
            if chosen and chosen != ALL and chosen not in form.organisations:
                # Another organisation's register is not there, as everywhere in the admin.
                raise Http404(gettext("Organisation not found."))
            if form.is_valid():
                try:
                    job = services.export_request(
                        user=request.user, format=form.cleaned_data["format"],
                        organisations=form.chosen(),
                        all_organisations=form.cleaned_data["organisation"] == ALL,
                        as_of=form.cleaned_data["as_of"])
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                except services.ExportQueueUnavailable as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                    return redirect("admin:exports_centre")
                else:
                    self.message_user(request, gettext(
                        "Export queued: %(export)s. It is written in the background; the "
                        "download appears below when it is ready.") % {"export": job},
                        messages.SUCCESS)
                    return redirect(f"{reverse('admin:exports_centre')}?job={job.pk}")
        else:
            initial = {key: request.GET[key] for key in ("format", "as_of")
                       if request.GET.get(key)}
            if request.GET.get("organisation") in {str(o.pk) for o in organisations}:
                initial["organisation"] = request.GET["organisation"]
            form = ExportForm(initial=initial, organisations=organisations)
        jobs = list(self.get_queryset(request)[:LISTED])
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "title": gettext("Export centre"),
            "rows": [(job, job_state(job)) for job in jobs],
            "highlight": request.GET.get("job", ""),
            "keep_days": services.keep_for().days,
        }
        return TemplateResponse(request, "exports_centre/centre.html", context)

    def _visible(self, request, job_id) -> ExportJob:
        job = self.get_queryset(request).filter(pk=job_id).first()
        if job is None:
            raise Http404(gettext("Export not found."))
        return job

    def status_view(self, request, job_id):
        """The export's state as JSON, polled by the page's progress bar."""
        job = self._visible(request, job_id)
        response = JsonResponse(job_state(job))
        response["Cache-Control"] = "no-store"
        return response

    def download_view(self, request, job_id):
        job = self._visible(request, job_id)
        storage = export_storage()
        if job.status != ExportStatus.DONE or not storage.exists(job.file.name):
            raise Http404(gettext("This export's file is not kept (not ready, failed or "
                                  "expired)."))
        return FileResponse(storage.open(job.file.name, "rb"), as_attachment=True, filename=job.filename,
                            content_type=job.layout.content_type)
