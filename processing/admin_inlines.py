"""The parts of an activity in its change form (purposes, lawful bases, recipients,
transfers, retention rules): each an inline read, added, changed and removed with the
activity's rights, its choices scoped to the activity's organisation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from unfold.admin import StackedInline, TabularInline
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from entities.admin import EDITOR_ROLES, organisations_with_role
from entities.models import ThirdParty

from .admin_forms import (
    ActivityPartForm,
    ActivityPartFormSet,
    LawfulBasisForm,
    RecipientForm,
    RetentionRuleForm,
    ScopedAutocompleteSelect,
    TransferForm,
    scope_widget,
)
from .models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)


class ActivityPartInline:
    """A part of an activity is read, added, changed and removed with its activity's
    rights: removing a wrong recipient or basis is an edit of the activity, and the
    part's history keeps it. The activity itself is retired, never deleted."""

    formset = ActivityPartFormSet
    form = ActivityPartForm
    extra = 0

    def _activity_admin(self):
        return self.admin_site.get_model_admin(ProcessingActivity)

    def has_view_permission(self, request, obj=None):
        parent = self._activity_admin()
        if obj is None:
            return parent.has_view_permission(request) or parent.has_add_permission(request)
        return parent.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        parent = self._activity_admin()
        if obj is None:
            return parent.has_add_permission(request)
        return parent.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is ThirdParty:
            kwargs.setdefault("queryset", scoped_third_parties(request))
            if db_field.name in self.autocomplete_fields:
                kwargs["widget"] = ScopedAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        organisation_id = obj.organisation_id if obj is not None else single_organisation(request)
        for field in formset.form.base_fields.values():
            scope_widget(field, organisation_id)
        return formset


class PurposeInline(ActivityPartInline, TabularInline):
    model = Purpose
    fields = ["description", "position"]
    formfield_overrides = {
        models.TextField: {"widget": UnfoldAdminTextareaWidget(attrs={"rows": 2})},
    }
    verbose_name = _("purpose")
    verbose_name_plural = _("2. Why: purposes of the processing · Art 30(1)(b)")


class LawfulBasisInline(ActivityPartInline, StackedInline):
    model = ActivityLawfulBasis
    form = LawfulBasisForm
    autocomplete_fields = ["data_categories"]
    formfield_overrides = {
        models.TextField: {"widget": UnfoldAdminTextareaWidget(attrs={"rows": 2})},
    }
    # Only the fields of the basis chosen are shown (processing/admin.js, BASIS_FIELDS).
    fields = ["basis", ("legitimate_interest", "lia_link"),
              ("consent_record_link", "consent_description"), "citation",
              "recognised_interest", "data_categories", "purposes", "notes"]
    verbose_name = _("lawful basis")
    verbose_name_plural = _("Lawful bases relied on · Art 6(1)")


class RecipientInline(ActivityPartInline, TabularInline):
    model = ActivityRecipient
    form = RecipientForm
    formfield_overrides = {models.CharField: {"widget": UnfoldAdminTextInputWidget(attrs={"size": 30})}}
    autocomplete_fields = ["third_party", "category", "data_categories"]
    fields = ["third_party", "category", "data_categories", "purpose"]
    verbose_name = _("recipient")
    verbose_name_plural = _("Recipients of the data · Art 30(1)(d)")


class TransferInline(ActivityPartInline, StackedInline):
    model = InternationalTransfer
    form = TransferForm
    autocomplete_fields = ["country", "third_party", "mechanism"]
    fields = [("country", "international_organisation"), "third_party", ("mechanism", "scc_module"),
              "safeguards", ("safeguard_document_link", "tia_link")]
    verbose_name = _("international transfer")
    verbose_name_plural = _("6. Transfers outside the UK / EEA · Art 30(1)(e), Chapter V")


class RetentionRuleInline(ActivityPartInline, StackedInline):
    model = RetentionRule
    form = RetentionRuleForm
    autocomplete_fields = ["data_category"]
    fields = [("period", "period_is_maximum", "data_category"), ("trigger", "trigger_description"),
              ("legal_source", "deletion_method"), "criteria"]
    formfield_overrides = {
        models.TextField: {"widget": UnfoldAdminTextareaWidget(attrs={"rows": 2, "cols": 60})},
    }
    verbose_name = _("retention rule")
    verbose_name_plural = _("Retention rules · Art 30(1)(f)")


def scoped_third_parties(request):
    """The third parties a part may name: those of the organisations the user is a member
    of (every one for a superuser)."""
    queryset = ThirdParty.objects.select_related("organisation")
    if request.user.is_superuser:
        return queryset
    return queryset.filter(organisation_id__in=organisations_with_role(request))


def single_organisation(request) -> int | None:
    """The organisation a new record goes to, when the user edits only one."""
    editable = organisations_with_role(request, *EDITOR_ROLES)
    return next(iter(editable)) if len(editable) == 1 else None
