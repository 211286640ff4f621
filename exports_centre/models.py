"""Exports asked for in the browser: the register in one format, of one organisation or
of all the user's, as it stands or as of a moment, written by a worker in the background
and kept for a set time (``ROPA_EXPORT_KEEP_DAYS``) for its download.

A job is a record of who asked for which file and when; the file is what the export
command and the API would give for the same choice (processing/exports). Its row stays
after the file is deleted, as a record that the register was exported.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from processing.exports.registry import LAYOUTS
from ropa import jobs


def export_storage():
    """``STORAGES["exports"]``: the files hold the register (personal data). The services
    ask for it each time rather than through ``ExportJob.file.storage``, which is fixed
    when the model is loaded."""
    return storages["exports"]


def export_upload_to(instance: "ExportJob", filename: str) -> str:
    return f"{instance.pk}/{filename}"


class ExportFormat(models.TextChoices):
    """The formats of the one export pipeline (processing/exports/registry.py)."""

    ICO_XLSX = "ico-xlsx", _("ICO documentation template (xlsx)")
    CNIL_XLSX = "cnil-xlsx", _("CNIL registre (xlsx)")
    WORKBOOK = "workbook", _("Workbook (xlsx)")
    CSV = "csv", _("Workbook (zip of csv files)")
    ODS = "ods", _("Workbook (OpenDocument)")
    JSON = "json", _("Workbook (JSON)")
    JSONLD = "jsonld", _("W3C DPV (JSON-LD)")
    PDF = "pdf", _("Printable register (PDF)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")


#: The longest a worker may take to write one export (the task's hard time limit, in
#: seconds; exports_centre/tasks.py): past it the worker has been stopped.
RUN_TIME_LIMIT = 30 * 60
#: An export running longer than this was left by a lost worker: queued again or given up.
STUCK_AFTER = jobs.stuck_after(RUN_TIME_LIMIT)


class ExportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """The exports ``user`` may read: those whose every organisation it is a member
        of (all of them for a superuser). A member of some of them only does not see the
        file, which holds the others' registers."""
        if user.is_superuser:
            return self
        from entities.models import Organisation

        others = Organisation.objects.exclude(memberships__user=user)
        return self.filter(organisations__memberships__user=user).exclude(
            organisations__in=others).distinct()

    def stuck(self, *, now=None):
        """Exports left running longer than a worker may take: the worker was lost."""
        now = now or timezone.now()
        return self.filter(status=ExportStatus.RUNNING, started_at__lt=now - STUCK_AFTER)

    def expired(self, *, now=None):
        """Exports whose file has been kept its time and is to be deleted."""
        now = now or timezone.now()
        return self.filter(status=ExportStatus.DONE, expires_at__lte=now)


class ExportJob(models.Model):
    """One export of the register asked for in the export centre, and its file.

    ``organisations`` are the registers in the file: the one chosen, or every one the
    user was a member of when it asked. ``progress_done`` of ``progress_total`` counts
    the activities written so far, a batch at a time.
    """

    format = models.CharField(_("format"), max_length=16, choices=ExportFormat.choices)
    organisations = models.ManyToManyField(
        "entities.Organisation", related_name="export_jobs", verbose_name=_("organisations"),
        help_text=_("The registers in the file."),
    )
    all_organisations = models.BooleanField(
        _("all organisations"), default=False,
        help_text=_("Asked for every organisation of the user rather than one."),
    )
    as_of = models.CharField(
        _("as of"), max_length=40, blank=True,
        help_text=_("Empty: the register as it stood when the export was written. Otherwise "
                    "a day (its end) or an instant."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    progress_done = models.PositiveIntegerField(
        _("activities written"), default=0)
    progress_total = models.PositiveIntegerField(
        _("activities to write"), null=True, blank=True,
        help_text=_("Known once a worker has started the export."))
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times a worker started it."))
    error = models.TextField(_("error"), blank=True,
                             help_text=_("Why the export failed; ask for it again once fixed."))
    file = models.FileField(_("file"), storage=export_storage, upload_to=export_upload_to,
                            max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=120, blank=True,
                                help_text=_("The name the download is given."))
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ExportStatus.values),
                                   name="exportjob_status_valid"),
            models.CheckConstraint(condition=models.Q(format__in=ExportFormat.values),
                                   name="exportjob_format_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=ExportStatus.FAILED) | ~models.Q(error=""),
                name="exportjob_failure_has_error"),
            models.CheckConstraint(
                condition=~models.Q(status=ExportStatus.DONE) | ~models.Q(file=""),
                name="exportjob_done_has_file"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="exportjob_status_idx")]

    def __str__(self):
        return f"{self.get_format_display()} #{self.pk}"

    @property
    def layout(self):
        return LAYOUTS[self.format]

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)
