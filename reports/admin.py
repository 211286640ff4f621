from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from entities.admin import ScopedAdminMixin, organisations_with_role
from entities.models import MemberRole, Organisation

from . import services
from .models import Report, ReportFormat, ReportKind, ReportStatus

#: Roles that may ask for a report in the admin, as through the API (reports/api.py).
RUN_ROLES = (MemberRole.DPO, MemberRole.AUDITOR)


class RunReportForm(forms.Form):
    """A report of one kind for one organisation, produced now for today."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        if request.user.is_superuser:
            field.queryset = Organisation.objects.order_by("name")
            # A superuser may also ask for a report over the whole register.
            field.required = False
            field.empty_label = _("The whole register (every organisation)")
        else:
            field.queryset = Organisation.objects.filter(
                pk__in=organisations_with_role(request, *RUN_ROLES)).order_by("name")
            field.error_messages["invalid_choice"] = _(
                "Choose one of your organisations where you are DPO or auditor.")
            if len(field.queryset) == 1:  # nothing to choose
                field.initial = field.queryset[0].pk


@admin.register(Report)
class ReportAdmin(ScopedAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["__str__", "kind", "organisation", "period", "status", "failure_reason",
                    "created_at", "finished_at", "emailed_at", "files"]
    # Only the organisations of the reports the user may see.
    list_filter = ["kind", "status", "period", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "failure_reason"]
    date_hierarchy = "period"
    actions = ["run_now"]
    readonly_fields = [
        "kind", "organisation", "period", "period_start", "status", "failure_reason",
        "attempts", "requested_by", "created_at", "started_at", "finished_at", "files",
        "figures", "emailed_at", "email_recipients", "email_error",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "organisation", "period", "period_start", "status",
                           "failure_reason", "files", "figures"]}),
        (_("Production"), {"fields": ["attempts", "requested_by", "created_at", "started_at",
                                      "finished_at"]}),
        (_("Email"), {"fields": ["emailed_at", "email_recipients", "email_error"]}),
    ]

    change_list_template = "admin/reports/report/change_list.html"

    def get_urls(self):
        run = path("run/", self.admin_site.admin_view(self.run_view), name="reports_report_run")
        return [run, *super().get_urls()]

    def may_run(self, request) -> bool:
        return request.user.is_superuser or bool(organisations_with_role(request, *RUN_ROLES))

    def changelist_view(self, request, extra_context=None):
        may_run = self.may_run(request)
        extra_context = {
            **(extra_context or {}),
            "may_run": may_run,
            "run_form": RunReportForm(request=request) if may_run else None,
            "no_reports": not self.get_queryset(request).exists(),
            "title": _("Reports"),
        }
        return super().changelist_view(request, extra_context)

    def run_view(self, request):
        """Produce a report now (today's, for one kind and organisation), queued to the
        Celery worker as the schedules queue theirs; then back to the list."""
        if not self.may_run(request):
            raise PermissionDenied
        form = RunReportForm(request.POST or None, request=request)
        if request.method == "POST" and form.is_valid():
            kind, organisation = form.cleaned_data["kind"], form.cleaned_data["organisation"]
            label = ReportKind(kind).label
            where = organisation.name if organisation else _("the whole register")
            try:
                report, queued = services.report_start(
                    kind=kind, organisation=organisation, user=request.user, path="admin")
                if not queued and report.status == ReportStatus.DONE:
                    # Today's report exists: produce it again, with today's register.
                    report = services.report_rerun(report=report, user=request.user,
                                                   path="admin")
            except services.ReportQueueUnavailable as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, format_html(
                    _("The {} report of {} is queued: it appears below when ready "
                      "(<a href=\"{}\">see it</a>)."), label, where,
                    reverse("admin:reports_report_change", args=[report.pk])), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:reports_report_changelist"))
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/reports/report/run.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "title": _("Run a report"),
        })

    def has_add_permission(self, request):
        # Reports are asked for through the API, the command or the schedules.
        return False

    @admin.display(description=_("files"))
    def files(self, obj):
        if obj.status != ReportStatus.DONE:
            return "-"
        # Through the API download, which checks who may read the report.
        url = reverse("reports-api:report-download", args=[obj.pk])
        return format_html_join(
            " ", '<a href="{}?format={}">{}</a>',
            ((url, fmt.value, fmt.label) for fmt in ReportFormat if obj.file_for(fmt).name),
        )

    @admin.display(description=_("headline figures"))
    def figures(self, obj):
        rows = (obj.summary or {}).get("figures", [])
        if not rows:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{}: <strong>{}</strong></li>", ((r["label"], r["value"]) for r in rows)))

    @admin.action(description=_("Run now (produce again and email)"))
    def run_now(self, request, queryset):
        queued = 0
        for report in queryset:
            try:
                services.report_rerun(report=report, user=request.user, path="admin")
            except services.ReportQueueUnavailable as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            queued += 1
        self.message_user(request, ngettext(
            "%(count)d report queued.", "%(count)d reports queued.", queued) % {"count": queued},
            messages.SUCCESS)
