from django.db import models
from django.utils.translation import gettext_lazy as _

from ropa.audit import part_history

from .activity import ActivityPart


class ActivityRecipient(ActivityPart, models.Model):
    """Who receives data of the activity, Art 30(1)(d): a named third party, or only a
    category of recipients when the names are not known."""

    activity = models.ForeignKey(
        "processing.ProcessingActivity", on_delete=models.CASCADE, related_name="recipients",
        verbose_name=_("activity"),
    )
    third_party = models.ForeignKey(
        "entities.ThirdParty", on_delete=models.PROTECT, null=True, blank=True,
        related_name="receives", verbose_name=_("recipient"),
    )
    category = models.ForeignKey(
        "entities.RecipientCategory", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("recipient category"),
        help_text=_("Enough on its own when the recipients are not named."),
    )
    data_categories = models.ManyToManyField(
        "processing.PersonalDataCategory", blank=True, related_name="+",
        verbose_name=_("data disclosed"),
        help_text=_("Leave empty when it receives all the activity's data."),
    )
    purpose = models.CharField(_("why it receives the data"), max_length=500, blank=True)

    history = part_history(m2m_fields=[data_categories])

    class Meta:
        verbose_name = _("recipient of an activity")
        verbose_name_plural = _("recipients of activities")
        ordering = ["activity", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(third_party__isnull=False) | models.Q(category__isnull=False),
                name="activity_recipient_named_or_categorised",
            ),
        ]

    def __str__(self):
        return str(self.third_party or self.category)

    @property
    def category_name(self) -> str:
        if self.category_id:
            return self.category.name
        if self.third_party_id and self.third_party.category_id:
            return self.third_party.category.name
        return ""
