"""Periodic reports for Data Protection Officers.

A report is a snapshot of one aspect of the register (its health, the reviews due, the
changes made, the transfers and retention) for one organisation, or for the whole
register, on one day. It is produced once per (kind, organisation, period): a second
request for the same key answers with the same report.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ropa.audit import history


class ReportKind(models.TextChoices):
    HEALTH = "health", _("register health")
    REVIEWS = "reviews", _("reviews due")
    CHANGES = "changes", _("changes to the register")
    TRANSFERS = "transfers", _("transfers and retention")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook")
    HTML = "html", _("web page")


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Reports of the organisations ``user`` is a member of.

        Reports over the whole register (no organisation) are for superusers only.
        """
        if user.is_superuser:
            return self
        return self.filter(organisation__memberships__user=user).distinct()

    def stuck(self, *, now=None):
        """Reports left running longer than a worker may take to produce one: the worker
        producing them was lost (killed, or its machine stopped) and they will not finish
        by themselves."""
        from .services import STUCK_AFTER

        now = now or timezone.now()
        return self.filter(status=ReportStatus.RUNNING, started_at__lt=now - STUCK_AFTER)

    def same_series(self, report: "Report"):
        """Reports of the same kind and organisation as ``report``."""
        return self.filter(kind=report.kind, organisation_id=report.organisation_id)


def report_upload_to(instance: "Report", filename: str) -> str:
    return f"reports/{instance.kind}/{filename}"


class Report(models.Model):
    """One report of one kind, for one organisation (or the whole register), for one day.

    ``period`` is the day the report describes: the register as it stands at the end of
    that day. The change report covers what happened since the previous report of the
    same kind and organisation (``period_start``).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    organisation = models.ForeignKey(
        "entities.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="reports", verbose_name=_("organisation"),
        help_text=_("Empty: the whole register, every organisation."),
    )
    period = models.DateField(
        _("period"), help_text=_("The day the report describes (the register at the end of it)."),
    )
    period_start = models.DateTimeField(
        _("covers changes since"), null=True, blank=True,
        help_text=_("For the change report: the end of the previous report's period."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    failure_reason = models.TextField(
        _("reason of the failure"), blank=True,
        help_text=_("Why the report could not be produced; run it again once fixed."),
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times a worker started it."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("requested by"),
        help_text=_("Empty for the scheduled reports."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    xlsx_file = models.FileField(
        _("workbook"), upload_to=report_upload_to, max_length=255, blank=True
    )
    html_file = models.FileField(
        _("web page"), upload_to=report_upload_to, max_length=255, blank=True
    )
    summary = models.JSONField(
        _("summary"), default=dict, blank=True, encoder=DjangoJSONEncoder,
        help_text=_("The headline figures; the next report compares itself with them."),
    )
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    email_recipients = models.TextField(_("emailed to"), blank=True)
    email_error = models.TextField(_("last email error"), blank=True)

    history = history()
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period", "kind", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organisation", "period"],
                condition=models.Q(organisation__isnull=False),
                name="report_one_per_kind_organisation_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=models.Q(organisation__isnull=True),
                name="report_one_per_kind_period_whole_register",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.FAILED) | ~models.Q(failure_reason=""),
                name="report_failure_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="report_kind_status_idx")]

    def __str__(self):
        scope = self.organisation.name if self.organisation_id else _("whole register")
        return f"{self.get_kind_display()} – {scope} – {self.period:%Y-%m-%d}"

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE

    def file_for(self, fmt: str):
        """The stored file of the report in format ``fmt`` (xlsx or html)."""
        return {ReportFormat.XLSX: self.xlsx_file, ReportFormat.HTML: self.html_file}[fmt]
