from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from entities.admin import ScopedAdminMixin

from .findings import activity_findings
from .models import (
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
from .services import conditions_errors


class ReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "dpv_iri"]
    search_fields = ["name", "code", "description"]


@admin.register(DataSubjectCategory, SecurityMeasure)
class TaxonomyAdmin(ReferenceAdmin):
    pass


@admin.register(PersonalDataCategory)
class PersonalDataCategoryAdmin(ReferenceAdmin):
    list_display = ["name", "code", "special_category", "criminal_offence", "dpv_iri"]
    list_filter = ["special_category", "criminal_offence"]


@admin.register(LawfulBasis, SpecialCategoryCondition, Schedule1Condition, TransferMechanism)
class LegalConceptAdmin(ReferenceAdmin):
    list_display = ["article", "name", "code", "dpv_iri"]
    search_fields = ["name", "code", "article"]


class PurposeInline(admin.TabularInline):
    model = Purpose
    extra = 0


class LawfulBasisInline(admin.StackedInline):
    model = ActivityLawfulBasis
    extra = 0
    autocomplete_fields = ["basis", "data_categories"]
    filter_horizontal = ["purposes"]


class RecipientInline(admin.TabularInline):
    model = ActivityRecipient
    extra = 0
    autocomplete_fields = ["third_party", "category", "data_categories"]


class TransferInline(admin.StackedInline):
    model = InternationalTransfer
    extra = 0
    autocomplete_fields = ["country", "third_party", "mechanism"]


class RetentionRuleInline(admin.TabularInline):
    model = RetentionRule
    extra = 0
    autocomplete_fields = ["data_category"]


class ActivityAdminForm(forms.ModelForm):
    class Meta:
        model = ProcessingActivity
        fields = "__all__"  # noqa: DJ007 - the admin fieldsets choose what is shown

    def clean(self):
        cleaned = super().clean()
        errors = conditions_errors(
            cleaned.get("data_categories") or [],
            cleaned.get("special_category_conditions") or [],
            cleaned.get("schedule1_conditions") or [],
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        return cleaned


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = ActivityAdminForm
    list_display = ["reference", "name", "organisation", "role", "status", "next_review_on"]
    list_filter = ["status", "role", "organisation"]
    search_fields = ["reference", "name", "description", "business_function"]
    list_select_related = ["organisation"]
    autocomplete_fields = [
        "organisation", "owner", "joint_controllers", "controllers_served", "data_subjects",
        "data_categories", "special_category_conditions", "schedule1_conditions",
        "security_measures",
    ]
    readonly_fields = ["findings", "version", "status", "created_at", "updated_at"]
    inlines = [PurposeInline, LawfulBasisInline, RecipientInline, TransferInline,
               RetentionRuleInline]
    fieldsets = [
        (_("Compliance findings"), {"fields": ["findings"]}),
        (_("Who (Art 30(1)(a), 30(2)(a))"), {"fields": [
            "organisation", "reference", "name", "business_function", "owner", "role",
            "joint_controllers", "controllers_served", "description"]}),
        (_("Whose data and what data (Art 30(1)(c))"), {"fields": [
            "data_subjects", "data_categories", "special_category_conditions",
            "schedule1_conditions", "source_of_data"]}),
        (_("Recipients (Art 30(1)(d))"), {"fields": ["recipients_none"]}),
        (_("Security (Art 30(1)(g))"), {"fields": ["security_measures", "security_description",
                                                    "data_location"]}),
        (_("Risk"), {"fields": [
            "automated_decision_making", "automated_decision_legal_effect",
            "automated_decision_description", "systematic_monitoring", "dpia_required",
            "dpia_status", "dpia_link", "breach_occurred", "breach_link"]}),
        (_("Retention policy"), {"fields": [
            "retention_policy_link", "retention_adhered", "retention_non_adherence_reason"]}),
        (_("Review"), {"fields": ["status", "last_reviewed_on", "next_review_on", "version",
                                  "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("findings"))
    def findings(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        found = activity_findings(obj)
        if not found:
            return _("No finding: the record is complete.")
        return format_html(
            "<ul class='findings'>{}</ul>",
            format_html_join(
                "", "<li class='finding finding-{}'><strong>{}</strong> {} <em>({})</em></li>",
                ((f.severity, f.code, f.message, f.article) for f in found),
            ),
        )

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
