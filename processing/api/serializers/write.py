"""Write serializers: what a client sends to create or change an activity. Reference terms
are named by code (see ``fields.py``), third parties by id; the register's rules are the
services'."""

from __future__ import annotations

from rest_framework import serializers

from entities.models import (
    Contact,
    Country,
    MemberRole,
    Membership,
    Organisation,
    RecipientCategory,
    ThirdParty,
)
from processing.durations import parse_period
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

from ..fields import CodeField, IdField, StrictFieldsMixin
from .read import (
    ActivityLawfulBasisSerializer,
    ActivityRecipientSerializer,
    ActivitySerializer,
    ContactSerializer,
    OrganisationSerializer,
    OwnerSerializer,
    PurposeSerializer,
    RecipientSerializer,
    RetentionRuleSerializer,
    TransferSerializer,
)

# --- activity, write ------------------------------------------------------------------------


def _codes(label: str, model, **kwargs):
    return CodeField(label, queryset=model.objects.all(), many=True, required=False, **kwargs)


class PurposeWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    read_shape = PurposeSerializer

    class Meta:
        model = Purpose
        fields = ["description"]


class LawfulBasisWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    read_shape = ActivityLawfulBasisSerializer

    basis = CodeField("lawful basis", queryset=LawfulBasis.objects.all())
    data_categories = _codes("data category", PersonalDataCategory)
    purposes = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text="Descriptions of purposes of the activity this basis is limited to.",
    )

    class Meta:
        model = ActivityLawfulBasis
        fields = ["basis", "data_categories", "purposes", "legitimate_interest", "lia_link",
                  "consent_record_link", "citation", "consent_description", "recognised_interest",
                  "notes"]


class RecipientWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    read_shape = ActivityRecipientSerializer

    third_party = IdField("recipient", queryset=ThirdParty.objects.all(), required=False,
                          allow_null=True)
    category = CodeField("recipient category", queryset=RecipientCategory.objects.all(),
                         required=False, allow_null=True)
    data_categories = _codes("data category", PersonalDataCategory)

    class Meta:
        model = ActivityRecipient
        fields = ["third_party", "category", "data_categories", "purpose"]

    def validate(self, attrs):
        if not attrs.get("third_party") and not attrs.get("category"):
            raise serializers.ValidationError(
                {"third_party": "Name the recipient (third_party) or at least its category."}
            )
        return attrs


class TransferWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    read_shape = TransferSerializer

    country = CodeField("country", queryset=Country.objects.all(), required=False, allow_null=True)
    third_party = IdField("recipient", queryset=ThirdParty.objects.all(), required=False,
                          allow_null=True)
    mechanism = CodeField("transfer mechanism", queryset=TransferMechanism.objects.all(),
                          required=False, allow_null=True)

    class Meta:
        model = InternationalTransfer
        fields = ["country", "international_organisation", "third_party", "mechanism",
                  "safeguards", "safeguard_document_link", "tia_link", "scc_module"]

    def validate(self, attrs):
        if (not attrs.get("country") and not attrs.get("international_organisation", "").strip()
                and not attrs.get("mechanism")):
            raise serializers.ValidationError(
                {"country": "A transfer needs a destination (a country or an international "
                            "organisation) or, when the destinations are not named, the "
                            "mechanism that covers it."}
            )
        return attrs


class RetentionRuleWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    read_shape = RetentionRuleSerializer

    data_category = CodeField("data category", queryset=PersonalDataCategory.objects.all(),
                              required=False, allow_null=True)

    class Meta:
        model = RetentionRule
        fields = ["data_category", "period", "period_is_maximum", "trigger", "trigger_description",
                  "legal_source", "deletion_method", "criteria"]

    def validate_period(self, value):
        if value:
            try:
                parse_period(value)
            except (ArithmeticError, ValueError) as exc:  # an absurdly long period
                raise serializers.ValidationError(f"'{value}' is not a usable period.") from exc
        return value


#: The nested lists of an activity; each is replaced as a whole when given.
NESTED_PARTS = ("purposes", "lawful_bases", "recipients", "transfers", "retention_rules")


class ActivityWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """What a client sends to create or change an activity: what a read answers, sent
    back, is accepted (its read-only fields are ignored); a field the API does not know
    is a 400 that names it.

    Reference terms are given by code, countries by ISO code, third parties by id. Each
    nested list (purposes, lawful bases, recipients, transfers, retention rules) replaces
    the activity's current one when it is present and is left alone when it is absent.
    Status changes go through the workflow actions (submit, approve, retire...).
    """

    read_shape = ActivitySerializer

    organisation = IdField("organisation", queryset=Organisation.objects.all())
    reference = serializers.CharField(max_length=40, required=False, allow_blank=False,
                                      help_text="Left out on creation: the next free PA-nnn.")
    data_subjects = _codes("data subject category", DataSubjectCategory)
    data_categories = _codes("data category", PersonalDataCategory)
    special_category_conditions = _codes("Art 9 condition", SpecialCategoryCondition)
    schedule1_conditions = _codes("Schedule 1 condition", Schedule1Condition)
    security_measures = _codes("security measure", SecurityMeasure)
    joint_controllers = IdField("recipient", queryset=ThirdParty.objects.all(), many=True,
                                required=False)
    controllers_served = IdField("recipient", queryset=ThirdParty.objects.all(), many=True,
                                 required=False)
    purposes = PurposeWriteSerializer(many=True, required=False)
    lawful_bases = LawfulBasisWriteSerializer(many=True, required=False)
    recipients = RecipientWriteSerializer(many=True, required=False)
    transfers = TransferWriteSerializer(many=True, required=False)
    retention_rules = RetentionRuleWriteSerializer(many=True, required=False)
    owner = OwnerSerializer(required=False, allow_null=True, help_text=(
        "The person accountable: matched by name among the organisation's people, created "
        "when new. Left out on creation: the person of the client's own login."))

    class Meta:
        model = ProcessingActivity
        fields = [
            "organisation", "reference", "name", "business_function", "owner", "role", "description",
            "last_reviewed_on", "next_review_on", "purposes", "data_subjects", "data_categories",
            "special_category_conditions", "schedule1_conditions", "lawful_bases",
            "recipients_none", "recipients", "joint_controllers", "controllers_served",
            "transfers", "retention_rules", "security_measures", "security_description",
            "source_of_data", "automated_decision_making", "automated_decision_legal_effect",
            "automated_decision_description", "systematic_monitoring", "data_location",
            "dpia_required", "dpia_status", "dpia_link", "breach_occurred", "breach_link",
            "retention_policy_link", "retention_adhered", "retention_non_adherence_reason",
            *SCREENING_FIELDS,
        ]
        validators = []  # uniqueness of the reference is checked by the service

    def validate_organisation(self, organisation):
        from ..permissions import writable_organisation_ids

        request = self.context["request"]
        if self.instance is not None:
            if organisation.pk != self.instance.organisation_id:
                raise serializers.ValidationError("An activity cannot move to another organisation.")
            return organisation
        allowed = writable_organisation_ids(request)
        if allowed is not None and organisation.pk not in allowed:
            # Not one the user may write to: as unknown as one that does not exist.
            self.fields["organisation"].unknown(organisation.pk)
        return organisation

    def validate(self, attrs):
        # The rules across objects (the reference unused in the register, third parties of
        # the activity's own register, scopes, conditions) are the services'; their errors
        # come back keyed by field (``recipients[0].third_party``). Purposes are named by
        # description here, so naming one the activity lacks is refused here.
        errors = {}
        self._check_purpose_scopes(attrs, errors)
        self._check_review_dates(attrs, errors)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _check_review_dates(self, attrs, errors):
        """Review dates are set by approval (or accepted in a review campaign): a
        contributor cannot type them (DESIGN.md section 7); a DPO restoring a register can."""
        request = self.context["request"]
        if request.user.is_superuser:
            return
        organisation = attrs.get("organisation") or getattr(self.instance, "organisation", None)
        if organisation is None or not Membership.objects.filter(
                user=request.user, organisation=organisation,
                role=MemberRole.CONTRIBUTOR).exists():
            return
        for name in ("last_reviewed_on", "next_review_on"):
            if name in attrs and attrs[name] != getattr(self.instance, name, None):
                errors[name] = ("Set by approval: a contributor cannot change the review "
                                "dates; the DPO sets them by approving the activity.")

    def _check_purpose_scopes(self, attrs, errors):
        if "purposes" in attrs:
            known = {p["description"] for p in attrs["purposes"]}
        elif self.instance is not None:
            known = set(self.instance.purposes.values_list("description", flat=True))
        else:
            known = set()
        for index, basis in enumerate(attrs.get("lawful_bases", [])):
            unknown = [p for p in basis.get("purposes", []) if p not in known]
            if unknown:
                errors[f"lawful_bases[{index}].purposes"] = (
                    f"Not a purpose of the activity: '{unknown[0]}'."
                )


# --- organisations and third parties, write ---------------------------------------------------


def _member_organisations():
    return Organisation.objects.all()


class ContactWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    read_shape = ContactSerializer

    class Meta:
        model = Contact
        fields = ["role", "name", "email", "phone", "address"]


class OrganisationWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An organisation with its contacts (DPO, representatives, privacy desk). The
    contacts, when given, become exactly the list sent: a contact with the same role and
    name is kept (and changed), the others are added or removed."""

    read_shape = OrganisationSerializer

    country = CodeField("country", queryset=Country.objects.all(), required=False, allow_null=True)
    parent = IdField("organisation", queryset=_member_organisations(), required=False,
                     allow_null=True, help_text="The group company this one belongs to.")
    contacts = ContactWriteSerializer(many=True, required=False)

    class Meta:
        model = Organisation
        fields = ["name", "trading_name", "registration_number", "authority_registration_ref",
                  "vat_number", "address", "trading_address", "country", "website", "email",
                  "phone", "parent", "jurisdiction", "public_authority", "contacts"]
        validators = []  # uniqueness of the name is the service's

    def validate_parent(self, parent):
        from ..permissions import visible_organisation_ids

        allowed = visible_organisation_ids(self.context["request"])
        if parent is not None and allowed is not None and parent.pk not in allowed:
            raise serializers.ValidationError(f"Unknown organisation id {parent.pk}.")
        return parent


class ThirdPartyWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A third party of one organisation's register: a recipient, processor, joint
    controller or controller served."""

    read_shape = RecipientSerializer

    organisation = IdField("organisation", queryset=Organisation.objects.all(),
                           help_text="The register it belongs to; it cannot move to another.")
    category = CodeField("recipient category", queryset=RecipientCategory.objects.all(),
                         required=False, allow_null=True,
                         help_text="A code of /api/v1/recipient-categories/.")
    country = CodeField("country", queryset=Country.objects.all(), required=False, allow_null=True)
    group_organisation = IdField("organisation", queryset=Organisation.objects.all(),
                                 required=False, allow_null=True)

    class Meta:
        model = ThirdParty
        fields = ["organisation", "name", "kind", "category", "service", "country", "address",
                  "email", "phone", "website", "contract_link", "dpf_certified",
                  "group_organisation", "dpo_contact", "representative_contact", "notes"]
        validators = []

    def validate_organisation(self, organisation):
        from ..permissions import dpo_organisation_ids

        if self.instance is not None:
            if organisation.pk != self.instance.organisation_id:
                raise serializers.ValidationError(
                    "A third party cannot move to another organisation's register.")
            return organisation
        allowed = dpo_organisation_ids(self.context["request"])
        if allowed is not None and organisation.pk not in allowed:
            raise serializers.ValidationError(f"Unknown organisation id {organisation.pk}.")
        return organisation

    def validate_group_organisation(self, organisation):
        from ..permissions import visible_organisation_ids

        allowed = visible_organisation_ids(self.context["request"])
        if organisation is not None and allowed is not None and organisation.pk not in allowed:
            raise serializers.ValidationError(f"Unknown organisation id {organisation.pk}.")
        return organisation
