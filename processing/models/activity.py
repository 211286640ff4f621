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


#: The activity's fields for the DPIA screening, Art 22 and Art 8, transparency, joint
#: control, marketing and the Sch. 1 policy document, in the order forms and layouts list them.
SCREENING_FIELDS = (
    "large_scale", "evaluation_or_scoring", "matching_datasets", "vulnerable_subjects",
    "children", "innovative_technology", "prevents_exercise_of_right",
    "automated_decision_safeguards", "children_consent", "data_from_other_sources",
    "privacy_notice_link", "joint_arrangement_link", "direct_marketing", "electronic_marketing",
    "soft_opt_in", "policy_document_link",
)


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
    # DPIA screening: the EDPB criteria (WP248 rev.01) and the ICO's list (Art 35(4)) that
    # the register does not already say through its data, subjects and decisions.
    large_scale = models.BooleanField(
        _("large scale"), default=False,
        help_text=_("Many people, much data, a long time or a wide area (EDPB criterion 5)."),
    )
    evaluation_or_scoring = models.BooleanField(
        _("evaluation or scoring"), default=False,
        help_text=_("Profiling or predicting: performance, credit, health, behaviour... "
                    "(EDPB criterion 1)."),
    )
    matching_datasets = models.BooleanField(
        _("matching or combining datasets"), default=False,
        help_text=_("Data sets from different operations or controllers are combined in ways "
                    "people would not expect (EDPB criterion 6)."),
    )
    vulnerable_subjects = models.BooleanField(
        _("vulnerable data subjects"), default=False,
        help_text=_("Employees, patients, the elderly, asylum seekers... where the categories "
                    "of data subjects do not already say so (EDPB criterion 7)."),
    )
    children = models.BooleanField(
        _("children's data"), default=False,
        help_text=_("Children's data is processed, or services are offered to children, where "
                    "the categories of data subjects do not already say so (Art 8)."),
    )
    innovative_technology = models.BooleanField(
        _("innovative technology"), default=False,
        help_text=_("New technology or a new use of it: AI, IoT, biometrics... (EDPB "
                    "criterion 8)."),
    )
    prevents_exercise_of_right = models.BooleanField(
        _("prevents the exercise of a right or the use of a service"), default=False,
        help_text=_("Decides access to a service, a contract or a benefit (EDPB criterion 9)."),
    )
    automated_decision_safeguards = models.TextField(
        _("Art 22 safeguards"), blank=True,
        help_text=_("Art 22(3): how people obtain human intervention, express their point of "
                    "view and contest a decision."),
    )
    children_consent = models.TextField(
        _("age checks and parental consent"), blank=True,
        help_text=_("Art 8: how age is checked and consent given or authorised by the holder "
                    "of parental responsibility, for children's consent to online services."),
    )
    # Transparency (Art 13, 14) and joint control (Art 26)
    data_from_other_sources = models.BooleanField(
        _("data obtained from others"), default=False,
        help_text=_("Art 14: some of the data is not collected from the person it is about."),
    )
    privacy_notice_link = models.URLField(
        _("link to privacy notice"), max_length=500, blank=True,
        help_text=_("Art 13, 14: the notice that tells people about this processing."),
    )
    joint_arrangement_link = models.URLField(
        _("link to joint controller arrangement"), max_length=500, blank=True,
        help_text=_("Art 26(1): the arrangement that sets each joint controller's duties."),
    )
    # Direct marketing (Art 21(2)-(3)) and electronic marketing (PECR regs 22, 23)
    direct_marketing = models.BooleanField(
        _("direct marketing"), default=False,
        help_text=_("Art 21(2): people have an absolute right to object to it."),
    )
    electronic_marketing = models.BooleanField(
        _("electronic direct marketing"), default=False,
        help_text=_("Marketing by email, text or automated calls (PECR reg 22, ePrivacy Art "
                    "13): consent is needed unless the soft opt-in applies."),
    )
    soft_opt_in = models.BooleanField(
        _("soft opt-in relied on"), default=False,
        help_text=_("PECR reg 22(3): existing customers, similar products and services, a "
                    "chance to refuse at collection and in every message."),
    )
    # UK DPA 2018 Sch. 1 Part 4
    policy_document_link = models.URLField(
        _("link to appropriate policy document"), max_length=500, blank=True,
        help_text=_("DPA 2018 Sch. 1 Part 4: needed for the conditions that require it."),
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
        ],
        # Why a version was made, where one is given: an approval over error findings
        # keeps the DPO's reason whole.
        history_change_reason_field=models.TextField(null=True),
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
