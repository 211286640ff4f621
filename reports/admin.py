from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from entities.admin import ScopedAdminMixin

from . import services
from .models import Report, ReportFormat, ReportStatus


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
