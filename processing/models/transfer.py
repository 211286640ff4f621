from django.db import models
from django.utils.translation import gettext_lazy as _

from ropa.audit import part_history

from .activity import ActivityPart


class SccModule(models.IntegerChoices):
    CONTROLLER_TO_CONTROLLER = 1, _("Module 1: controller to controller")
    CONTROLLER_TO_PROCESSOR = 2, _("Module 2: controller to processor")
    PROCESSOR_TO_PROCESSOR = 3, _("Module 3: processor to processor")
    PROCESSOR_TO_CONTROLLER = 4, _("Module 4: processor to controller")


class InternationalTransfer(ActivityPart, models.Model):
    """A transfer of the activity's data outside the UK / EEA, Art 30(1)(e), Chapter V."""

    activity = models.ForeignKey(
        "processing.ProcessingActivity", on_delete=models.CASCADE, related_name="transfers",
        verbose_name=_("activity"),
    )
    country = models.ForeignKey(
        "entities.Country", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("destination country"),
    )
    international_organisation = models.CharField(
        _("international organisation"), max_length=200, blank=True,
        help_text=_("When the data goes to an international organisation, not a country."),
    )
    third_party = models.ForeignKey(
        "entities.ThirdParty", on_delete=models.PROTECT, null=True, blank=True,
        related_name="transfers", verbose_name=_("importer"),
    )
    mechanism = models.ForeignKey(
        "processing.TransferMechanism", on_delete=models.PROTECT, null=True, blank=True,
        related_name="transfers", verbose_name=_("transfer mechanism"),
        help_text=_("Adequacy, DPF, SCCs, IDTA, UK Addendum, BCRs or an Art 49 derogation."),
    )
    scc_module = models.PositiveSmallIntegerField(
        _("SCC module"), choices=SccModule.choices, null=True, blank=True,
        help_text=_("Which module of the EU standard contractual clauses (2021/914) applies."),
    )
    safeguards = models.TextField(
        _("safeguards"), blank=True,
        help_text=_("Art 30(1)(e): the suitable safeguards, documented for Art 49 transfers."),
    )
    safeguard_document_link = models.URLField(
        _("link to safeguard documents"), max_length=500, blank=True
    )
    tia_link = models.URLField(_("link to transfer impact assessment"), max_length=500, blank=True)

    history = part_history()

    class Meta:
        verbose_name = _("international transfer")
        verbose_name_plural = _("international transfers")
        ordering = ["activity", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(country__isnull=False) | ~models.Q(international_organisation="")
                           | models.Q(mechanism__isnull=False)),
                name="transfer_has_destination_or_mechanism",
            ),
            models.CheckConstraint(
                condition=models.Q(scc_module__isnull=True) | models.Q(scc_module__in=SccModule.values),
                name="transfer_scc_module_valid",
            ),
        ]

    def __str__(self):
        destination = (self.country.name if self.country_id else self.international_organisation
                       or _("destination not named"))
        return f"{destination} ({self.mechanism.name if self.mechanism_id else _('no mechanism')})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if (self.country_id is None and not self.international_organisation.strip()
                and self.mechanism_id is None):
            raise ValidationError(
                _("A transfer needs a destination (a country or an international organisation) "
                  "or, when the destinations are not named, the mechanism that covers it.")
            )
