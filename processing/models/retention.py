import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from processing.durations import parse_period
from ropa.audit import part_history

from .activity import ActivityPart


class RetentionTrigger(models.TextChoices):
    COLLECTION = "collection", _("collection of the data")
    END_OF_CONTRACT = "end_of_contract", _("end of the contract")
    END_OF_RELATIONSHIP = "end_of_relationship", _("end of the customer relationship")
    LAST_CONTACT = "last_contact", _("last contact")
    SUBMISSION = "submission", _("submission / receipt")
    CALL_DATE = "call_date", _("date of the call")
    INVOICE_DATE = "invoice_date", _("invoice date")
    END_OF_SUBSCRIPTION = "end_of_subscription", _("end of the subscription")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("withdrawal of consent")
    APPLICATION_DECISION = "application_decision", _("decision on the application")
    OTHER = "other", _("other event (described)")


class DeletionMethod(models.TextChoices):
    DELETION = "deletion", _("deletion")
    ANONYMISATION = "anonymisation", _("anonymisation")
    DELETION_OR_ANONYMISATION = "delete_or_anonymise", _("deletion or anonymisation")
    PSEUDONYMISATION = "pseudonymisation", _("pseudonymisation")
    ARCHIVE = "archive", _("restricted archive")
    RETURN_TO_CONTROLLER = "return", _("return to the controller")
    OTHER = "other", _("other (described)")


class RetentionRule(ActivityPart, models.Model):
    """How long the activity keeps data, Art 30(1)(f).

    A period is an ISO 8601 duration (``P7Y``) or a range (``P1Y..P6Y``), counted from a
    trigger event; when no fixed period exists, the criteria used to decide it.
    A rule with no data category applies to all the activity's data.
    """

    activity = models.ForeignKey(
        "processing.ProcessingActivity", on_delete=models.CASCADE,
        related_name="retention_rules", verbose_name=_("activity"),
    )
    data_category = models.ForeignKey(
        "processing.PersonalDataCategory", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("data category"),
        help_text=_("Leave empty when the rule covers all the activity's data."),
    )
    period = models.CharField(
        _("period"), max_length=40, blank=True,
        help_text=_("ISO 8601: P7Y is 7 years, P12M 12 months, P1Y..P6Y a range."),
    )
    period_is_maximum = models.BooleanField(
        _("at most"), default=False,
        help_text=_("Tick when the period is a maximum (\"up to 3 years\"), not a fixed term."),
    )
    trigger = models.CharField(
        _("counted from"), max_length=24, choices=RetentionTrigger.choices, blank=True
    )
    trigger_description = models.CharField(_("counted from, in words"), max_length=255, blank=True)
    legal_source = models.CharField(
        _("legal source"), max_length=255, blank=True,
        help_text=_("The law or rule that sets the period, e.g. tax law for accounting records."),
    )
    deletion_method = models.CharField(
        _("at the end"), max_length=20, choices=DeletionMethod.choices, blank=True
    )
    criteria = models.TextField(
        _("criteria"), blank=True,
        help_text=_("When no fixed period exists: how the period is decided."),
    )

    history = part_history()

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["activity", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(period="") | ~models.Q(criteria=""),
                name="retention_rule_period_or_criteria",
            ),
        ]

    def __str__(self):
        return self.describe()

    def clean(self):
        errors = {}
        if self.period:
            try:
                self.period = str(parse_period(self.period))
            except ValidationError as exc:
                errors["period"] = exc.messages
        if not self.period and not self.criteria.strip():
            errors["period"] = [
                _("Give a retention period (ISO 8601, e.g. P7Y) or the criteria used to set it.")
            ]
        if self.trigger == RetentionTrigger.OTHER and not self.trigger_description.strip():
            errors["trigger_description"] = [_("Describe the event the period is counted from.")]
        if errors:
            raise ValidationError(errors)

    def describe(self) -> str:
        """"Up to 7 years after the end of the customer relationship (tax law)"."""
        return describe_retention(
            period=self.period, trigger=self.trigger, trigger_description=self.trigger_description,
            legal_source=self.legal_source, criteria=self.criteria, maximum=self.period_is_maximum,
        )


#: Words that already join an event to a period: "following the request" needs no "after".
_CONNECTIVES = ("after", "following", "from", "since", "until", "upon", "on ", "at ", "when",
                "once", "within", "of ", "before", "counted")


def describe_retention(*, period: str, trigger: str, trigger_description: str, legal_source: str,
                       criteria: str, maximum: bool = False) -> str:
    """A retention rule in words: "up to 7 years after the end of the customer relationship
    (tax law); criteria: ...". The criteria alone when no period is set; the criteria
    follow the period when both are held. A period that does not parse (recorded before
    it was validated) is shown as it is. An event described with the period in its own
    words ("3 years following the request") is shown as written, not repeated.

    The words depend on these values and the language alone, and a register repeats
    its rules: a whole-register export describes each distinct rule once."""
    return _describe_retention(period, trigger, trigger_description, legal_source, criteria,
                               maximum, get_language())


@functools.lru_cache(maxsize=4096)
def _describe_retention(period: str, trigger: str, trigger_description: str, legal_source: str,
                        criteria: str, maximum: bool, language: str | None) -> str:
    if not period:
        return criteria
    try:
        text = parse_period(period).humanize()
    except (ValidationError, ArithmeticError, ValueError):
        text = period
    bare = text
    if maximum and ".." not in period:  # a range already says how long at most
        text = gettext("up to %(period)s") % {"period": text}
    event = trigger_description.strip() or _label(RetentionTrigger, trigger)
    if event:
        lowered = event.lower()
        if bare.lower() in lowered:
            text = event
        elif lowered.startswith(_CONNECTIVES):
            text = f"{text} {event}"
        else:
            text = gettext("%(period)s after %(event)s") % {"period": text, "event": event}
    if legal_source:
        text = f"{text} ({legal_source})"
    if criteria.strip():
        text = f"{text}; {criteria.strip()}"
    return text


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else ""
