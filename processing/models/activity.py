"""The processing activity: one line of the Article 30 register."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from ropa.audit import history, part_history


class ActivityRole(models.TextChoices):
    CONTROLLER = "controller", _("controller")
    JOINT_CONTROLLER = "joint_controller", _("joint controller")
    PROCESSOR = "processor", _("processor")
    SUB_PROCESSOR = "sub_processor", _("sub-processor")


#: Roles for which the activity is part of the processor record, Art 30(2).
PROCESSOR_ROLES = (ActivityRole.PROCESSOR, ActivityRole.SUB_PROCESSOR)


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


class DpiaRequired(models.TextChoices):
    NOT_ASSESSED = "", _("not assessed")
    YES = "yes", _("yes")
    NO = "no", _("no")


class DpiaStatus(models.TextChoices):
    NONE = "", _("none")
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")


class ActivityQuerySet(models.QuerySet):
    def for_user(self, user):
        """Activities of the organisations ``user`` is a member of."""
        if user.is_superuser:
            return self
        return self.filter(organisation__memberships__user=user)

    def current(self):
        """Activities not retired."""
        return self.exclude(status=ActivityStatus.RETIRED)

    def with_register(self):
        """Activities with every part and link prefetched: the ORM's own read of the
        register, in a few queries. The register's readers use ``processing.register``;
        tests hold it to this read."""
        from django.db.models import Prefetch

        from .lawful_basis import ActivityLawfulBasis
        from .recipient import ActivityRecipient
        from .transfer import InternationalTransfer

        return self.select_related("organisation", "organisation__country", "owner").prefetch_related(
            "purposes",
            "data_subjects",
            "data_categories",
            "special_category_conditions",
            "schedule1_conditions",
            "security_measures",
            "joint_controllers",
            "controllers_served",
            Prefetch(
                "lawful_bases",
                queryset=ActivityLawfulBasis.objects.select_related("basis").prefetch_related(
                    "data_categories", "purposes"
                ),
            ),
            Prefetch(
                "recipients",
                queryset=ActivityRecipient.objects.select_related(
                    "third_party", "third_party__country", "third_party__category", "category"
                ).prefetch_related("data_categories"),
            ),
            Prefetch(
                "transfers",
                queryset=InternationalTransfer.objects.select_related(
                    "country", "mechanism", "third_party"
                ),
            ),
            "retention_rules__data_category",
        )


class ProcessingActivity(models.Model):
    """One processing activity of one organisation: the unit of the Art 30 register.

    As controller (or joint controller) it is a line of the Art 30(1) record; as
    processor it is a line of the Art 30(2) record, naming the controllers served.
    An activity is never deleted by ordinary users: it is retired and its history stays.
    """

    organisation = models.ForeignKey(
        "entities.Organisation", on_delete=models.PROTECT, related_name="activities",
        verbose_name=_("organisation"),
    )
    reference = models.CharField(
        _("reference"), max_length=40,
        help_text=_("A short stable identifier, unique in the organisation's register."),
    )
    name = models.CharField(_("name"), max_length=255)
    business_function = models.CharField(
        _("business function"), max_length=120, blank=True,
        help_text=_("The team or department that carries out the processing (ICO template)."),
    )
    owner = models.ForeignKey(
        "entities.Person", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="owned_activities", verbose_name=_("owner"),
        help_text=_("The person accountable for this processing in the organisation."),
    )
    role = models.CharField(
        _("role of the organisation"), max_length=20, choices=ActivityRole.choices,
        default=ActivityRole.CONTROLLER,
        help_text=_("Controller: Art 30(1) record. Processor: Art 30(2) record."),
    )
    joint_controllers = models.ManyToManyField(
        "entities.ThirdParty", blank=True, related_name="joint_activities",
        verbose_name=_("joint controllers"),
        help_text=_("Art 26: who decides the purposes and means together with you."),
    )
    controllers_served = models.ManyToManyField(
        "entities.ThirdParty", blank=True, related_name="served_activities",
        verbose_name=_("controllers served"),
        help_text=_("Art 30(2)(a): for a processor, each controller on whose behalf it acts."),
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_on = models.DateField(
        _("next review"), null=True, blank=True,
        help_text=_("When the DPO should look at this record again."),
    )

    # Art 30(1)(c)
    data_subjects = models.ManyToManyField(
        "processing.DataSubjectCategory", blank=True, related_name="activities",
        verbose_name=_("categories of data subjects"),
        help_text=_("Art 30(1)(c): whose personal data is processed."),
    )
    data_categories = models.ManyToManyField(
        "processing.PersonalDataCategory", blank=True, related_name="activities",
        verbose_name=_("categories of personal data"),
        help_text=_("Art 30(1)(c): what personal data is processed."),
    )
    # Art 9 and Art 10
    special_category_conditions = models.ManyToManyField(
        "processing.SpecialCategoryCondition", blank=True, related_name="activities",
        verbose_name=_("Art 9 conditions"),
        help_text=_("Required when special category data is processed."),
    )
    schedule1_conditions = models.ManyToManyField(
        "processing.Schedule1Condition", blank=True, related_name="activities",
        verbose_name=_("DPA 2018 Sch. 1 / Art 10 conditions"),
        help_text=_("Required for criminal offence data, and in the UK for most Art 9 conditions."),
    )
    # Art 30(1)(d)
    recipients_none = models.BooleanField(
        _("no recipients"), default=False,
        help_text=_("Tick when the data is disclosed to nobody outside the organisation."),
    )
    # Art 30(1)(g)
    security_measures = models.ManyToManyField(
        "processing.SecurityMeasure", blank=True, related_name="activities",
        verbose_name=_("security measures"),
        help_text=_("Art 30(1)(g): technical and organisational measures (Art 32)."),
    )
    security_description = models.TextField(
        _("security measures, in words"), blank=True,
        help_text=_("Anything the list does not say."),
    )
    # Other ICO columns
    source_of_data = models.TextField(
        _("source of the personal data"), blank=True,
        help_text=_("Art 14: where the data comes from when not collected from the person."),
    )
    automated_decision_making = models.BooleanField(
        _("automated decision-making or profiling"), default=False
    )
    automated_decision_legal_effect = models.BooleanField(
        _("automated decisions with legal or similarly significant effect"), default=False,
        help_text=_("Art 22: a DPIA is expected."),
    )
    automated_decision_description = models.TextField(_("automated decisions, in words"), blank=True)
    systematic_monitoring = models.BooleanField(
        _("systematic monitoring"), default=False,
        help_text=_("Art 35(3)(c): systematic monitoring of a publicly accessible area or of people."),
    )
    data_location = models.TextField(
        _("location of personal data"), blank=True,
        help_text=_("Where the data and the systems that hold it are."),
    )
    dpia_required = models.CharField(
        _("DPIA required?"), max_length=4, choices=DpiaRequired.choices, blank=True
    )
    dpia_status = models.CharField(
        _("DPIA progress"), max_length=12, choices=DpiaStatus.choices, blank=True
    )
    dpia_link = models.URLField(_("link to DPIA"), max_length=500, blank=True)
    breach_occurred = models.BooleanField(_("a personal data breach has occurred"), default=False)
    breach_link = models.URLField(_("link to breach record"), max_length=500, blank=True)
    retention_policy_link = models.URLField(
        _("link to retention and erasure policy"), max_length=500, blank=True
    )
    retention_adhered = models.BooleanField(
        _("retained and erased in accordance with the policy?"), null=True, blank=True
    )
    retention_non_adherence_reason = models.TextField(
        _("reasons for not adhering to the policy"), blank=True
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised on every change; a write based on an older version is refused."),
    )

    history = history(
        m2m_fields=[
            data_subjects, data_categories, special_category_conditions, schedule1_conditions,
            security_measures, joint_controllers, controllers_served,
        ]
    )
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        ordering = ["organisation", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="activity_reference_unique_per_org"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="activity_name_not_empty"),
            models.CheckConstraint(
                condition=~models.Q(reference=""), name="activity_reference_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ActivityStatus.values), name="activity_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=ActivityRole.values), name="activity_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(next_review_on__isnull=True)
                | models.Q(last_reviewed_on__isnull=True)
                | models.Q(next_review_on__gte=models.F("last_reviewed_on")),
                name="activity_next_review_after_last",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="activity_status_idx"),
            models.Index(fields=["next_review_on"], name="activity_next_review_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.name}"

    def is_owned_by(self, user) -> bool:
        """Whether ``user`` is the login of the activity's owner."""
        return self.owner_id is not None and self.owner.login_id == user.pk

    @property
    def is_processor_record(self) -> bool:
        return self.role in PROCESSOR_ROLES


class ActivityPart:
    """What every part of an activity (purpose, lawful basis, recipient, transfer, retention
    rule) shares: its history rows carry the version of the activity they belong to."""

    @property
    def history_owner_version(self) -> int | None:
        try:
            return self.activity.version
        except ObjectDoesNotExist:  # the activity itself is being deleted
            return None


class Purpose(ActivityPart, models.Model):
    """One purpose of an activity, Art 30(1)(b). A lawful basis can be limited to some."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="purposes",
        verbose_name=_("activity"),
    )
    description = models.TextField(_("purpose"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = part_history()

    class Meta:
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        ordering = ["activity", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(description=""), name="purpose_description_not_empty"
            ),
        ]

    def __str__(self):
        return self.description
