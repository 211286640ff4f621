from django.db import models
from django.utils.translation import gettext_lazy as _


class FindingSummary(models.Model):
    """What the findings engine found on an activity when it last looked, stored so that
    lists are filtered and counted by findings in SQL.

    Derived data, never edited: it holds for the activity's ``version`` and the day
    ``checked_on`` (some rules depend on the date). ``processing.findings`` makes it again
    when either has moved on, before any filter reads it, and for the whole register each
    night.
    """

    activity = models.OneToOneField(
        "processing.ProcessingActivity", on_delete=models.CASCADE, primary_key=True,
        related_name="finding_summary", verbose_name=_("activity"),
    )
    version = models.PositiveIntegerField(_("activity version checked"))
    checked_on = models.DateField(_("checked on"))
    errors = models.PositiveIntegerField(_("errors"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    notes = models.PositiveIntegerField(_("notes"), default=0)
    codes = models.JSONField(_("finding codes"), default=list, blank=True)
    # The completeness score (0-100, processing.completeness) read in the same pass: the
    # worklist rolls it up per organisation in SQL. None: not scored (a retired activity).
    completeness = models.PositiveSmallIntegerField(_("completeness score"), null=True,
                                                    blank=True)

    class Meta:
        verbose_name = _("findings summary")
        verbose_name_plural = _("findings summaries")
        ordering = ["activity"]
        indexes = [models.Index(fields=["checked_on", "version"], name="finding_summary_fresh_idx")]

    def __str__(self):
        return f"{self.activity_id}: {self.errors} errors, {self.warnings} warnings, {self.notes} notes"

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.notes
