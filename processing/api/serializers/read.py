"""Read serializers: reference data, entities and activities as the API shows them, and the
lawful-basis lookup's answer. Reads show reference terms with their code, label and DPV
IRI."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from entities.models import Contact, Country, Organisation, RecipientCategory, ThirdParty
from processing.completeness import ITEMS_BY_KEY, activity_completeness
from processing.completeness import Record as CompletenessRecord
from processing.completeness import Status as CompletenessStatus
from processing.findings import activity_findings
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    DataSubjectCategory,
    InternationalTransfer,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    RetentionRule,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from processing.models.activity import SCREENING_FIELDS

from .base import ReadSerializer

# --- reference data -------------------------------------------------------------------------


class CountrySerializer(ReadSerializer):
    class Meta:
        model = Country
        fields = ["code", "name", "is_eu", "is_eea", "eu_adequacy", "eu_adequacy_note",
                  "uk_adequacy", "uk_adequacy_note"]


class DataSubjectCategorySerializer(ReadSerializer):
    class Meta:
        model = DataSubjectCategory
        fields = ["code", "name", "description", "dpv_iri", "vulnerable", "children"]


class PersonalDataCategorySerializer(ReadSerializer):
    class Meta:
        model = PersonalDataCategory
        fields = ["code", "name", "description", "dpv_iri", "special_category", "criminal_offence",
                  "biometric", "tracking"]


class LawfulBasisSerializer(ReadSerializer):
    class Meta:
        model = LawfulBasis
        fields = ["code", "article", "name", "kind", "jurisdiction", "description", "dpv_iri"]


class SpecialCategoryConditionSerializer(ReadSerializer):
    class Meta:
        model = SpecialCategoryCondition
        fields = ["code", "article", "name", "dpv_iri", "uk_schedule1_part"]


class Schedule1ConditionSerializer(ReadSerializer):
    class Meta:
        model = Schedule1Condition
        fields = ["code", "article", "name", "part", "applies_to", "needs_policy_document",
                  "dpv_iri"]


class SecurityMeasureSerializer(ReadSerializer):
    class Meta:
        model = SecurityMeasure
        fields = ["code", "name", "kind", "description", "dpv_iri"]


class TransferMechanismSerializer(ReadSerializer):
    class Meta:
        model = TransferMechanism
        fields = ["code", "article", "name", "kind", "requires_documented_safeguards",
                  "description", "dpv_iri"]


class RecipientCategorySerializer(ReadSerializer):
    class Meta:
        model = RecipientCategory
        fields = ["code", "name", "dpv_iri"]


# --- entities -------------------------------------------------------------------------------


class ContactSerializer(ReadSerializer):
    # Read as text: the write's character rule is not a second schema an empty value matches.
    phone = serializers.CharField(read_only=True)

    class Meta:
        model = Contact
        fields = ["role", "name", "email", "phone", "address"]


class OrganisationSerializer(ReadSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "trading_name", "registration_number", "authority_registration_ref",
                  "vat_number", "address", "trading_address", "country", "website", "email",
                  "phone", "parent", "jurisdiction", "public_authority", "contacts", "created_at",
                  "updated_at"]


class RecipientSerializer(ReadSerializer):
    """A third party: a recipient, joint controller or (processor record) controller served."""

    category = RecipientCategorySerializer(read_only=True, allow_null=True)
    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ThirdParty
        fields = ["id", "organisation", "name", "kind", "category", "service", "country",
                  "address", "email", "phone", "website", "contract_link", "dpf_certified",
                  "group_organisation", "dpo_contact", "representative_contact", "notes"]


class ThirdPartyRefSerializer(ReadSerializer):
    class Meta:
        model = ThirdParty
        fields = ["id", "name", "kind"]


# --- activity, read -----------------------------------------------------------------------


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning", "info"])
    message = serializers.CharField()
    field = serializers.CharField()
    article = serializers.CharField()


class ItemCompletenessSerializer(serializers.Serializer):
    """One Art 30 item of an activity: complete, partial or missing, and what is missing."""

    item = serializers.ChoiceField(choices=list(ITEMS_BY_KEY),
                                   help_text="1a-1g: Art 30(1)(a)-(g); 2a-2d: Art 30(2)(a)-(d).")
    article = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=CompletenessStatus.values)
    missing = serializers.ListField(child=serializers.CharField())


class CompletenessSerializer(serializers.Serializer):
    """How complete an activity's record is, item by item of Article 30
    (docs/completeness.md)."""

    record = serializers.ChoiceField(choices=CompletenessRecord.values)
    score = serializers.IntegerField(min_value=0, max_value=100,
                                     help_text="Per cent of the items that are complete.")
    items = ItemCompletenessSerializer(many=True)


class ItemShareSerializer(serializers.Serializer):
    """One Art 30 item across an organisation's current activities it applies to."""

    item = serializers.ChoiceField(choices=list(ITEMS_BY_KEY))
    article = serializers.CharField()
    title = serializers.CharField()
    records = serializers.IntegerField(help_text="Activities the item applies to.")
    complete = serializers.IntegerField()
    partial = serializers.IntegerField()
    missing = serializers.IntegerField()
    share_complete = serializers.FloatField(
        allow_null=True, help_text="Per cent of those activities where it is complete; null "
                                   "when it applies to none.")


class OrganisationCompletenessSerializer(serializers.Serializer):
    """An organisation's register: the mean completeness score of its current (not retired)
    activities, and each item's share complete."""

    organisation = serializers.IntegerField()
    name = serializers.CharField()
    activities = serializers.IntegerField()
    complete_activities = serializers.IntegerField(help_text="Activities that score 100.")
    score = serializers.FloatField(allow_null=True,
                                   help_text="Mean score of its activities; null without any.")
    items = ItemShareSerializer(many=True)


class PurposeSerializer(ReadSerializer):
    class Meta:
        model = Purpose
        fields = ["id", "description", "position"]


class DataCategoryRefSerializer(ReadSerializer):
    class Meta:
        model = PersonalDataCategory
        fields = ["code", "name", "dpv_iri", "special_category", "criminal_offence"]


class ActivityLawfulBasisSerializer(ReadSerializer):
    basis = serializers.CharField(source="basis.code", read_only=True)
    article = serializers.CharField(source="basis.article", read_only=True)
    label = serializers.CharField(source="basis.name", read_only=True)
    kind = serializers.CharField(source="basis.kind", read_only=True)
    dpv_iri = serializers.CharField(source="basis.dpv_iri", read_only=True)
    data_categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    purposes = serializers.SlugRelatedField(slug_field="description", many=True, read_only=True)

    class Meta:
        model = ActivityLawfulBasis
        fields = ["id", "basis", "article", "label", "kind", "dpv_iri", "data_categories",
                  "purposes", "legitimate_interest", "lia_link", "consent_record_link",
                  "citation", "consent_description", "recognised_interest", "notes"]


class ActivityRecipientSerializer(ReadSerializer):
    third_party = ThirdPartyRefSerializer(read_only=True, allow_null=True)
    category = RecipientCategorySerializer(
        read_only=True, allow_null=True,
        help_text="The category given for this recipient (null when only the third party is).")
    category_name = serializers.CharField(
        read_only=True, help_text="The category shown: this one, else the third party's.")
    data_categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ActivityRecipient
        fields = ["id", "third_party", "category", "category_name", "data_categories", "purpose"]


class TransferSerializer(ReadSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    country_name = serializers.CharField(source="country.name", read_only=True, allow_null=True,
                                         default=None)
    third_party = ThirdPartyRefSerializer(read_only=True, allow_null=True)
    mechanism = TransferMechanismSerializer(read_only=True, allow_null=True)

    class Meta:
        model = InternationalTransfer
        fields = ["id", "country", "country_name", "international_organisation", "third_party",
                  "mechanism", "safeguards", "safeguard_document_link", "tia_link", "scc_module"]


class RetentionRuleSerializer(ReadSerializer):
    data_category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    description = serializers.SerializerMethodField(
        help_text="The rule in words: '7 years after ...'.")

    class Meta:
        model = RetentionRule
        fields = ["id", "data_category", "period", "period_is_maximum", "trigger", "trigger_description",
                  "legal_source", "deletion_method", "criteria", "description"]

    def get_description(self, rule) -> str:
        return rule.describe()


class OwnerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class ActivitySerializer(ReadSerializer):
    """A processing activity with everything the register records about it: a record of the
    register's read model (``processing.register``). The views answer with
    ``representation.represent_activities``, held equal to this serializer by a test."""

    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="organisation", read_only=True)
    owner = serializers.SerializerMethodField(
        help_text="The person accountable for the activity (name and email), or null.")
    purposes = PurposeSerializer(many=True, read_only=True)
    data_subjects = DataSubjectCategorySerializer(many=True, read_only=True)
    data_categories = DataCategoryRefSerializer(many=True, read_only=True)
    special_category_conditions = SpecialCategoryConditionSerializer(many=True, read_only=True)
    schedule1_conditions = Schedule1ConditionSerializer(many=True, read_only=True)
    lawful_bases = ActivityLawfulBasisSerializer(many=True, read_only=True)
    recipients = ActivityRecipientSerializer(many=True, read_only=True)
    joint_controllers = ThirdPartyRefSerializer(many=True, read_only=True)
    controllers_served = ThirdPartyRefSerializer(many=True, read_only=True)
    transfers = TransferSerializer(many=True, read_only=True)
    retention_rules = RetentionRuleSerializer(many=True, read_only=True)
    security_measures = SecurityMeasureSerializer(many=True, read_only=True)
    findings = serializers.SerializerMethodField()
    completeness = serializers.SerializerMethodField()

    class Meta:
        model = ProcessingActivity
        fields = [
            "id", "organisation", "organisation_name", "reference", "name", "business_function",
            "owner", "role", "status", "status_changed_at", "version", "created_at", "updated_at",
            "last_reviewed_on", "next_review_on", "description", "purposes", "data_subjects",
            "data_categories", "special_category_conditions", "schedule1_conditions",
            "lawful_bases", "recipients_none", "recipients", "joint_controllers",
            "controllers_served", "transfers", "retention_rules", "security_measures",
            "security_description", "source_of_data", "automated_decision_making",
            "automated_decision_legal_effect", "automated_decision_description",
            "systematic_monitoring", "data_location", "dpia_required", "dpia_status", "dpia_link",
            "breach_occurred", "breach_link", "retention_policy_link", "retention_adhered",
            "retention_non_adherence_reason", *SCREENING_FIELDS, "findings", "completeness",
        ]
        read_only_fields = fields

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, activity):
        return [finding.as_dict() for finding in activity_findings(activity)]

    @extend_schema_field(CompletenessSerializer)
    def get_completeness(self, activity):
        return activity_completeness(activity).as_dict()

    @extend_schema_field(OwnerSerializer(allow_null=True))
    def get_owner(self, activity) -> dict | None:
        return {"name": activity.owner, "email": activity.owner_email} if activity.owner else None


# --- lawful basis of one activity (current or as of a date) ---------------------------------


class ScopePurposeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()


class BasisUseSerializer(serializers.Serializer):
    """One Art 6 basis an activity relies on, with its scope and the details an auditor
    asks for."""

    basis = serializers.CharField(help_text="The stable code, e.g. A6-1-f.")
    article = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    dpv_iri = serializers.CharField()
    data_categories = DataCategoryRefSerializer(
        many=True, help_text="Empty: the basis covers all the activity's data."
    )
    purposes = ScopePurposeSerializer(
        many=True, help_text="Empty: the basis covers all the activity's purposes."
    )
    legitimate_interest = serializers.CharField()
    lia_link = serializers.CharField()
    consent_record_link = serializers.CharField()
    citation = serializers.CharField()
    recognised_interest = serializers.CharField(
        help_text="UK 6(1)(ea): the Annex 1 condition relied on; empty otherwise.")
    notes = serializers.CharField()


class ActivityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()


class ActivityLawfulBasisReportSerializer(serializers.Serializer):
    activity = ActivityRefSerializer()
    as_of = serializers.CharField(
        allow_null=True, help_text="The day (YYYY-MM-DD) or the instant (ISO 8601, with its "
                                   "offset) asked for, or null for the register today.")
    lawful_bases = BasisUseSerializer(many=True)
    special_category_conditions = SpecialCategoryConditionSerializer(many=True)
    schedule1_conditions = Schedule1ConditionSerializer(many=True)
