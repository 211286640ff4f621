from django.db import models
from django.utils.translation import gettext_lazy as _

from ropa.audit import part_history

from .activity import ActivityPart


class RecognisedInterest(models.TextChoices):
    """UK GDPR Annex 1 (Data (Use and Access) Act 2025 s70, in force 5 February 2026): the
    recognised legitimate interests that Art 6(1)(ea) may rely on, with their paragraph."""

    PUBLIC_TASK_DISCLOSURE = "disclosure_public_task", _(
        "Annex 1 para 1: disclosure on request for a task in the public interest")
    NATIONAL_SECURITY = "national_security", _(
        "Annex 1 para 2: national security, public security and defence")
    EMERGENCIES = "emergencies", _("Annex 1 para 3: emergencies")
    CRIME = "crime", _("Annex 1 para 4: detecting, investigating or preventing crime")
    SAFEGUARDING = "safeguarding", _("Annex 1 para 5: safeguarding vulnerable individuals")


class ActivityLawfulBasis(ActivityPart, models.Model):
    """An Art 6 lawful basis the activity relies on, optionally limited to some of its
    data categories or purposes (Akixi: consent covers only the marketing purpose).

    The details an auditor asks for go with the basis: the legitimate interest pursued
    and the LIA, the consent record, the legal provision for an obligation or task.
    """

    activity = models.ForeignKey(
        "processing.ProcessingActivity", on_delete=models.CASCADE, related_name="lawful_bases",
        verbose_name=_("activity"),
    )
    basis = models.ForeignKey(
        "processing.LawfulBasis", on_delete=models.PROTECT, related_name="uses",
        verbose_name=_("lawful basis"),
    )
    data_categories = models.ManyToManyField(
        "processing.PersonalDataCategory", blank=True, related_name="+",
        verbose_name=_("limited to data categories"),
        help_text=_("Leave empty when the basis covers all the activity's data."),
    )
    purposes = models.ManyToManyField(
        "processing.Purpose", blank=True, related_name="lawful_bases",
        verbose_name=_("limited to purposes"),
        help_text=_("Leave empty when the basis covers all the activity's purposes."),
    )
    legitimate_interest = models.TextField(
        _("legitimate interest pursued"), blank=True,
        help_text=_("Art 6(1)(f): the interest, in the words you would give the person."),
    )
    lia_link = models.URLField(
        _("link to legitimate interests assessment"), max_length=500, blank=True
    )
    consent_record_link = models.URLField(
        _("link to record of consent"), max_length=500, blank=True,
        help_text=_("Art 7(1): where you can show who consented, when and to what."),
    )
    consent_description = models.TextField(
        _("how consent is recorded"), blank=True,
        help_text=_("Art 7(1): how and where consent is recorded, when there is no link to give."),
    )
    citation = models.CharField(
        _("legal provision"), max_length=500, blank=True,
        help_text=_("Art 6(3): the law that sets the obligation or the public task."),
    )
    recognised_interest = models.CharField(
        _("recognised legitimate interest"), max_length=32, blank=True,
        choices=RecognisedInterest.choices,
        help_text=_("UK GDPR Art 6(1)(ea): the Annex 1 condition relied on."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = part_history(m2m_fields=[data_categories, purposes])

    class Meta:
        verbose_name = _("lawful basis of an activity")
        verbose_name_plural = _("lawful bases of activities")
        ordering = ["activity", "basis__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "basis"], name="activity_lawful_basis_once"
            ),
        ]

    def __str__(self):
        return str(self.basis)
