"""The DPO's workspace: the register of processing activities in the Django admin.

An activity is edited item by item of Article 30; its compliance findings sit on top
with links to what to fix. Every write goes through ``processing.services``: the change
form and its inlines as one ``activity_save`` (``processing.admin_writes``), workflow
moves, stale-form checks and reverts; what a service refuses is shown on its field. Who may do what comes from
the user's memberships (see ``entities.admin``).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin
from unfold.views import ChangeList
from unfold.widgets import UnfoldAdminTextareaWidget

from entities.admin import (
    EDITOR_ROLES,
    ReadableReferenceMixin,
    ScopedAdminMixin,
    member_roles,
    organisations_with_role,
    role_in,
)
from entities.models import MemberRole, Organisation, Person, ThirdParty
from ropa.admin_writes import ServiceWriteAdminMixin

from . import admin_diff, admin_views, admin_writes, changes, services
from .admin_filters import (
    FindingsFilter,
    LawfulBasisFilter,
    OrganisationFilter,
    OutsideEeaFilter,
    ReviewDueFilter,
    SpecialCategoryFilter,
    TransferCountryFilter,
)
from .admin_forms import (
    ActivityAdminForm,
    ScopedAutocompleteSelectMultiple,
    scope_widget,
)
from .admin_inlines import (
    LawfulBasisInline,
    PurposeInline,
    RecipientInline,
    RetentionRuleInline,
    TransferInline,
    scoped_third_parties,
    single_organisation,
)
from .completeness import activity_completeness
from .findings import SEVERITY_ORDER, activity_findings
from .imports import admin_views as import_views
from .models import (
    ActivityStatus,
    DataSubjectCategory,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from .register import read_activities, read_activity

# --- reference data ------------------------------------------------------------------------


class ReferenceAdmin(ReadableReferenceMixin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["name", "name_fr", "code", "dpv_iri"]
    search_fields = ["name", "name_fr", "code", "description"]


@admin.register(DataSubjectCategory, SecurityMeasure)
class TaxonomyAdmin(ReferenceAdmin):
    pass


@admin.register(PersonalDataCategory)
class PersonalDataCategoryAdmin(ReferenceAdmin):
    list_display = ["name", "name_fr", "code", "special_category", "criminal_offence", "dpv_iri"]
    list_filter = ["special_category", "criminal_offence"]


@admin.register(LawfulBasis, SpecialCategoryCondition, Schedule1Condition, TransferMechanism)
class LegalConceptAdmin(ReferenceAdmin):
    list_display = ["article", "name", "name_fr", "code", "dpv_iri"]
    search_fields = ["name", "name_fr", "code", "article"]


# --- the activity ---------------------------------------------------------------------------

WHO = _("1. Who: the organisation and its role · Art 30(1)(a), 30(2)(a)")
WHAT = _("3. Whose data and what data · Art 30(1)(c)")
BASIS = _("4. Lawful basis · Art 6, 9 and 10")
RECEIVES = _("5. Who receives it · Art 30(1)(d)")
HOW_LONG = _("7. How long it is kept · Art 30(1)(f)")
PROTECTED = _("8. How it is protected · Art 30(1)(g), Art 32")
RISK = _("9. DPIA and risk · Art 22, 35")
REVIEW = _("Review and workflow")

#: Inlines shown right after a fieldset, so the form follows the items of Article 30.
INLINES_AFTER = {
    WHO: ["purposes"],
    BASIS: ["lawful_bases"],
    RECEIVES: ["recipients", "transfers"],
    HOW_LONG: ["retention_rules"],
}
INLINE_PREFIXES = admin_views.INLINE_PREFIXES
#: The tab of each item on the record page: one Art 30 item (and its parts) at a time, so
#: the page fits a laptop screen (docs/workspace.md gives the height it is held to).
TAB_LABELS = {
    WHO: _("1–2 Who and why"), WHAT: _("3 Data"), BASIS: _("4 Lawful basis"),
    RECEIVES: _("5–6 Recipients and transfers"), HOW_LONG: _("7 Retention"),
    PROTECTED: _("8 Security"), RISK: _("9 DPIA and risk"), REVIEW: _("Review"),
}

#: Buttons of the review workflow, in the order shown.
WORKFLOW_ACTIONS = [
    ("submit", _("Submit for review"), "default"),
    ("approve", _("Approve"), "default"),
    ("return_to_draft", _("Return to draft"), ""),
    ("retire", _("Retire"), "danger"),
    ("reinstate", _("Reinstate"), ""),
]


class ActivityChangeList(ChangeList):
    """Each activity of the page comes with its record of the register's read model (read
    for the whole page at once), so the bases and findings columns cost a constant number
    of queries."""

    def get_results(self, request):
        super().get_results(request)
        records = {r.id: r for r in read_activities([obj.pk for obj in self.result_list])}
        for obj in self.result_list:
            obj.register_record = records[obj.pk]


def _transition_action(action: str, label):
    def run(modeladmin, request, queryset):
        modeladmin.transition_many(request, queryset, action)

    run.__name__ = f"transition_{action}"
    return admin.action(description=_("%(label)s: selected activities") % {"label": label},
                        permissions=["change"])(run)


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(ServiceWriteAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin,
                              ModelAdmin):
    form = ActivityAdminForm
    change_form_template = "admin/processing/processingactivity/change_form.html"
    change_list_template = "admin/processing/processingactivity/change_list.html"
    object_history_template = "admin/processing/processingactivity/object_history.html"
    list_display = ["reference", "name", "organisation", "role_short", "status_badge", "bases",
                    "next_review_on", "findings_count", "completeness_score"]
    list_display_links = ["reference", "name"]
    list_filter = [OrganisationFilter, "status", "role", LawfulBasisFilter, SpecialCategoryFilter,
                   OutsideEeaFilter, TransferCountryFilter, ReviewDueFilter, FindingsFilter]
    search_fields = ["reference", "name", "description", "business_function"]
    list_select_related = ["organisation", "owner"]
    list_per_page = 100
    # Facet counts would run the findings engine once per filter choice.
    show_facets = admin.ShowFacets.NEVER
    # One count of the activities listed, not a second of the whole register beside it.
    show_full_result_count = False
    autocomplete_fields = [
        "organisation", "joint_controllers", "controllers_served", "data_subjects",
        "data_categories", "special_category_conditions", "schedule1_conditions",
        "security_measures",
    ]
    history_list_display = ["version", "status", "history_path"]
    # Three lines for a text: the record is held to a height (docs/workspace.md).
    formfield_overrides = {
        models.TextField: {"widget": UnfoldAdminTextareaWidget(attrs={"rows": 3})},
    }
    inlines = [PurposeInline, LawfulBasisInline, RecipientInline, TransferInline,
               RetentionRuleInline]
    fieldsets = [
        (WHO, {"fields": [
            "organisation", ("reference", "name"), ("business_function", "owner"), "role",
            "joint_controllers", "joint_arrangement_link", "controllers_served", "description"]}),
        (WHAT, {"fields": ["data_subjects", "data_categories", "data_from_other_sources",
                           "source_of_data", "privacy_notice_link"]}),
        (BASIS, {
            "fields": ["special_category_conditions", "schedule1_conditions",
                       "policy_document_link", "children_consent",
                       ("direct_marketing", "electronic_marketing", "soft_opt_in")],
            "description": _("List each Art 6(1) basis below. Special category and criminal "
                             "offence data also need an Art 9 or Schedule 1 condition here."),
        }),
        (RECEIVES, {"fields": ["recipients_none"]}),
        (HOW_LONG, {"fields": [
            "retention_policy_link", "retention_adhered", "retention_non_adherence_reason"]}),
        (PROTECTED, {"fields": ["security_measures", "security_description", "data_location"]}),
        (RISK, {"fields": [
            "automated_decision_making", "automated_decision_legal_effect",
            "automated_decision_description", "automated_decision_safeguards",
            "systematic_monitoring", ("large_scale", "evaluation_or_scoring", "matching_datasets"),
            ("vulnerable_subjects", "children", "innovative_technology"),
            "prevents_exercise_of_right", "dpia_required",
            "dpia_status", "dpia_link", "breach_occurred", "breach_link"]}),
        (REVIEW, {"fields": [
            "status", ("last_reviewed_on", "next_review_on"), ("version", "updated_at"),
            "expected_version"]}),
    ]
    actions = [_transition_action(action, label) for action, label, _tone in WORKFLOW_ACTIONS]

    class Media:
        css = {"all": ["processing/admin.css"]}
        js = ["processing/admin.js"]

    # --- who may do what -------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "owner")

    def has_add_permission(self, request, *args):
        return request.user.is_superuser or bool(organisations_with_role(request, *EDITOR_ROLES))

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return obj is None or obj.status != ActivityStatus.RETIRED
        if obj is None:
            return bool(organisations_with_role(request, *EDITOR_ROLES))
        if obj.status == ActivityStatus.RETIRED:
            return False  # a retired record is read-only until reinstated
        role = role_in(request, obj.organisation_id)
        return role == MemberRole.DPO or (
            role == MemberRole.CONTRIBUTOR and obj.is_owned_by(request.user)
        )

    def may_transition(self, request, obj, action: str) -> bool:
        """A contributor submits its own drafts; the DPO does everything else."""
        if request.user.is_superuser:
            return True
        role = role_in(request, obj.organisation_id)
        if role == MemberRole.DPO:
            return True
        return (role == MemberRole.CONTRIBUTOR and action == "submit"
                and obj.is_owned_by(request.user))

    def available_transitions(self, request, obj) -> list[tuple[str, str, str]]:
        return [
            (action, label, tone) for action, label, tone in WORKFLOW_ACTIONS
            if obj.status in services.TRANSITIONS[action][0]
            and self.may_transition(request, obj, action)
        ]

    # --- the form -------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "version", "updated_at", "last_reviewed_on"]
        if obj is not None:
            readonly.append("organisation")
            if (not request.user.is_superuser
                    and role_in(request, obj.organisation_id) != MemberRole.DPO):
                readonly.append("next_review_on")  # set by approval, not by a contributor
        if not self._may_assign_owner(request, obj):
            readonly.append("owner")
        return readonly

    def _may_assign_owner(self, request, obj) -> bool:
        """The DPO chooses who owns a record; a contributor owns what it creates."""
        if request.user.is_superuser:
            return True
        if obj is None:
            return bool(organisations_with_role(request, MemberRole.DPO))
        return role_in(request, obj.organisation_id) == MemberRole.DPO

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=organisations_with_role(request, *EDITOR_ROLES))
        if db_field.name == "owner":
            people = Person.objects.select_related("organisation")
            if not request.user.is_superuser:
                people = people.filter(
                    organisation_id__in=organisations_with_role(request, *EDITOR_ROLES))
            kwargs["queryset"] = people.order_by("organisation__name", "name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is ThirdParty:
            kwargs["queryset"] = scoped_third_parties(request)
            kwargs["widget"] = ScopedAutocompleteSelectMultiple(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        organisation_id = obj.organisation_id if obj is not None else single_organisation(request)
        for name in ("joint_controllers", "controllers_served"):
            # The autocomplete offers this register's third parties; a choice from another
            # register the user sees is refused by the service, as on every path.
            field = form.base_fields.get(name)
            if field is not None:
                scope_widget(field, organisation_id)
        if obj is None and organisation_id and "organisation" in form.base_fields:
            form.base_fields["organisation"].initial = organisation_id
        return form

    part_prefixes = frozenset(INLINE_PREFIXES)

    def save_model(self, request, obj, form, change):
        """Nothing is written here: ``save_related`` writes the activity and its parts."""

    def save_related(self, request, form, formsets, change):
        # One service call for the activity, its links and its parts (one transaction,
        # one version); the form's clean already locked the row and checked the version.
        activity = admin_writes.save(request, form, formsets, change)
        obj = form.instance
        obj.pk = activity.pk
        obj.refresh_from_db()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        formsets = list(context.get("inline_admin_formsets") or [])
        by_prefix = {f.formset.prefix: f for f in formsets}
        if adminform is not None:
            layout, placed = [], set()
            for fieldset in adminform:
                after = [by_prefix[p] for p in INLINES_AFTER.get(fieldset.name, []) if p in by_prefix]
                placed.update(f.formset.prefix for f in after)
                layout.append((fieldset, after, TAB_LABELS.get(fieldset.name, fieldset.name)))
            context["article30_layout"] = layout
            context["other_inline_formsets"] = [f for f in formsets if f.formset.prefix not in placed]
            context["error_summary"] = admin_views.error_summary(adminform.form, formsets)
        if obj is not None and obj.pk:
            current = read_activity(obj.pk)
            context.update(self.findings_context(request, obj, current, adminform))
            context["completeness"] = activity_completeness(current)
            context["workflow_actions"] = self.available_transitions(request, current)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def findings_context(self, request, obj, current=None, adminform=None) -> dict:
        """The findings panel of the change form: each finding with the link that fixes it."""
        current = current or read_activity(obj.pk)
        editable = None
        if adminform is not None:
            editable = {name for name in adminform.form.fields
                        if name not in adminform.readonly_fields}
        findings = admin_views.finding_links(self, request, obj, activity_findings(current),
                                             editable=editable)
        return {
            "findings": findings,
            "error_findings": sum(f.severity == "error" for f, _link in findings),
            "current_version": current.version,
            "original": obj,
            "findings_url": reverse("admin:processing_processingactivity_findings",
                                    args=[obj.pk]),
        }

    def findings_view(self, request, object_id):
        """The findings panel alone, read again by the change form after a popup save."""
        obj = self.get_visible_object(request, object_id)
        return TemplateResponse(request, "admin/processing/processingactivity/findings_panel.html",
                                {**self.admin_site.each_context(request), "opts": self.opts,
                                 "change": True, **self.findings_context(request, obj)})

    # --- the change list ------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return ActivityChangeList

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser and not organisations_with_role(request, MemberRole.DPO):
            for action, _label, _tone in WORKFLOW_ACTIONS:
                if action != "submit":
                    actions.pop(f"transition_{action}", None)
        return actions

    def _findings(self, obj):
        if not hasattr(obj, "admin_findings"):
            obj.admin_findings = activity_findings(getattr(obj, "register_record", obj))
        return obj.admin_findings

    @admin.display(description=_("role"), ordering="role")
    def role_short(self, obj):
        return obj.get_role_display()

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="ropa-status ropa-status-{}">{}</span>',
                           obj.status, obj.get_status_display())

    @admin.display(description=_("lawful bases"))
    def bases(self, obj):
        record = getattr(obj, "register_record", None) or read_activity(obj.pk)
        return ", ".join(use.basis.article for use in record.lawful_bases) or "–"

    @admin.display(description=_("completeness"))
    def completeness_score(self, obj):
        scored = activity_completeness(getattr(obj, "register_record", obj))
        gaps = [f"{i.item.article}: {i.get_status_display()}" for i in scored.items
                if i.status != "complete"]
        return format_html('<span class="ropa-completeness-score" title="{}">{}%</span>',
                           "; ".join(gaps), scored.score)

    @admin.display(description=_("findings"))
    def findings_count(self, obj):
        findings = self._findings(obj)
        if not findings:
            return format_html('<span class="ropa-findings ropa-findings-none">{}</span>', 0)
        worst = min(findings, key=lambda f: SEVERITY_ORDER[f.severity]).severity
        return format_html(
            '<span class="ropa-findings ropa-findings-{}" title="{}">{}</span>',
            worst, "; ".join(f.code for f in findings), len(findings),
        )

    def transition_many(self, request, queryset, action: str):
        done = 0
        for obj in queryset:
            if not self.may_transition(request, obj, action):
                self.message_user(request, gettext("%(ref)s: you may not do this.") % {
                    "ref": obj.reference}, messages.ERROR)
                continue
            try:
                services.activity_transition(activity=obj, action=action, user=request.user,
                                             path="admin")
            except ValidationError as exc:
                self.message_user(request, f"{obj.reference}: {' '.join(exc.messages)}",
                                  messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, gettext("%(n)s activities updated.") % {"n": done},
                              messages.SUCCESS)

    # --- extra pages ---------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(self.dashboard_view), name=f"{prefix}_dashboard"),
            path("as-of/", view(self.as_of_view), name=f"{prefix}_as_of"),
            path("diff/", view(self.diff_view), name=f"{prefix}_diff"),
            path("<path:object_id>/transition/<str:action>/", view(self.transition_view),
                 name=f"{prefix}_transition"),
            path("<path:object_id>/findings/", view(self.findings_view),
                 name=f"{prefix}_findings"),
            path("<path:object_id>/history/compare/", view(self.compare_view),
                 name=f"{prefix}_compare"),
            path("<path:object_id>/history/revert/<int:history_id>/", view(self.revert_view),
                 name=f"{prefix}_revert"),
            *import_views.import_urls(self),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": import_views.may_import(request)}
        return super().changelist_view(request, extra_context)

    def get_visible_object(self, request, object_id):
        """The activity if the user may see it; 404 otherwise (also for other registers)."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404(gettext("Processing activity not found."))
        return obj

    def dashboard_view(self, request):
        return admin_views.dashboard(self, request)

    def as_of_view(self, request):
        return admin_views.register_as_of(self, request)

    def diff_view(self, request):
        return admin_diff.register_diff_page(self, request)

    def transition_view(self, request, object_id, action):
        return admin_views.transition(self, request, object_id, action)

    def compare_view(self, request, object_id):
        return admin_views.compare(self, request, object_id)

    def revert_view(self, request, object_id, history_id):
        return admin_views.revert(self, request, object_id, history_id)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_visible_object(request, object_id)
        extra_context = {**(extra_context or {}), "compare_url": reverse(
            "admin:processing_processingactivity_compare", args=[obj.pk])}
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # What each version changed, its parts' changes included, read as the API's
        # history reads it.
        records = list(historical_records)
        for record, version in zip(records, changes.versions(ProcessingActivity, records),
                                   strict=True):
            record.history_delta_changes = [
                {"field": c.field, "old": "–" if c.old is None else c.old,
                 "new": "–" if c.new is None else c.new} for c in version.changes]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting goes through the compare page, which shows what would change and
        # reverts with a service call, checked against the current version.
        obj = self.get_visible_object(request, object_id)
        url = reverse("admin:processing_processingactivity_compare", args=[obj.pk])
        return HttpResponseRedirect(f"{url}?old={version_id}")

    def revert_disabled(self, request, obj=None):
        return True

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(member_roles(request))
