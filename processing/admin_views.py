"""Pages of the activity admin beyond add / change: workflow moves, the history diff and
revert, the register as of a past date, and the dashboard. Writes call the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_reverse_field_name

from entities.admin import organisations_with_role
from entities.models import Organisation

from . import services
from .completeness import register_completeness
from .dashboard import LABEL_WIDTH, completeness_table, dashboard_charts
from .models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    ActivityRole,
    ActivityStatus,
    InternationalTransfer,
    LawfulBasis,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from .register import BadMoment, as_of_text, cutoff, parse_as_of, read_activities
from .register.sources import Source
from .revert import NOT_REVERTED, activity_revert, version_end

#: Fields the diff does not show: they change on every save.
NOT_DIFFED = ["updated_at", "status_changed_at", "version"]

#: The prefixes of the activity's inlines (the related names of its parts).
INLINE_PREFIXES = frozenset({"purposes", "lawful_bases", "recipients", "transfers",
                             "retention_rules"})

#: The parts of an activity whose state the diff compares, with a heading each.
PARTS = [
    (Purpose, gettext_lazy("Purposes")),
    (ActivityLawfulBasis, gettext_lazy("Lawful bases")),
    (ActivityRecipient, gettext_lazy("Recipients")),
    (InternationalTransfer, gettext_lazy("International transfers")),
    (RetentionRule, gettext_lazy("Retention rules")),
]


def _admin_context(model_admin, request, **extra):
    request.current_app = model_admin.admin_site.name
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, **extra}


# --- the change form -------------------------------------------------------------------------

@dataclass
class FindingLink:
    """Where a finding's link goes: the input that fixes it on the form (``#id_...``), or
    another record opened in the admin's related-object popup (``popup``)."""

    href: str = ""
    popup: bool = False


def part_rows(model_admin, request, activity) -> dict[tuple[str, int], int]:
    """The row of each saved part on the activity's change form: ``(prefix, part id) ->
    index``, in the order the inline formsets list them."""
    rows = {}
    for inline in model_admin.get_inline_instances(request, activity):
        queryset = inline.get_queryset(request).filter(activity=activity)
        if not queryset.ordered:
            queryset = queryset.order_by("pk")  # as a model formset orders it
        # An inline formset's prefix: the parts' accessor on the activity ("purposes").
        prefix = inline.model._meta.get_field("activity").remote_field.get_accessor_name()
        for index, pk in enumerate(queryset.values_list("pk", flat=True)):
            rows[(prefix, pk)] = index
    return rows


def finding_links(model_admin, request, activity, findings, *, editable=None) -> list:
    """Each finding with the :class:`FindingLink` that fixes it: the field itself (an
    inline row's field when the finding names its part), or the record that holds the fix
    (a third party's contract), opened in a popup when the user may see it."""
    rows = part_rows(model_admin, request, activity)
    links = []
    for finding in findings:
        links.append((finding, _finding_link(model_admin, request, finding, rows, editable)))
    return links


def _finding_link(model_admin, request, finding, rows, editable) -> FindingLink:
    where = finding.where
    if where is not None and where.record is not None:
        label, pk = where.record
        model = apps.get_model(label)
        site = model_admin.admin_site
        target_admin = site.get_model_admin(model) if site.is_registered(model) else None
        obj = model._default_manager.filter(pk=pk).first()
        if target_admin is not None and obj is not None and (
                target_admin.has_change_permission(request, obj)
                or target_admin.has_view_permission(request, obj)):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                          args=[pk], current_app=model_admin.admin_site.name)
            return FindingLink(f"{url}?_to_field=id&_popup=1", popup=True)
    name = finding.field
    if not name:
        return FindingLink()
    if where is not None and where.part_id is not None and (name, where.part_id) in rows:
        return FindingLink(f"#id_{name}-{rows[(name, where.part_id)]}-{where.part_field}")
    if name in INLINE_PREFIXES:
        return FindingLink(f"#{name}-group")
    if editable is None or name in editable:
        return FindingLink(f"#id_{name}")
    return FindingLink(f"#row-{name}")


def error_summary(form, inline_admin_formsets) -> list[dict]:
    """Every error of the form and its inlines, each named by where it is."""
    summary = []
    for name, errors in form.errors.items():
        if name == "__all__":
            label, anchor = "", ""
        else:
            formfield = form.fields.get(name)
            label = str(formfield.label or name) if formfield else name
            anchor = f"#row-{name}"
        summary.extend({"label": label, "message": m, "anchor": anchor} for m in errors)
    for inline in inline_admin_formsets:
        formset = inline.formset
        heading = str(inline.opts.verbose_name).capitalize()
        for message in formset.non_form_errors():
            summary.append({"label": heading, "message": message,
                            "anchor": f"#{formset.prefix}-group"})
        for index, part_form in enumerate(formset.forms):
            for name, errors in part_form.errors.items():
                where = f"{heading} {index + 1}"
                if name != "__all__" and name in part_form.fields:
                    where = f"{where} – {part_form.fields[name].label}"
                summary.extend({"label": where, "message": m,
                                "anchor": f"#{formset.prefix}-{index}"} for m in errors)
    return summary


# --- workflow ----------------------------------------------------------------------------------

def transition(model_admin, request, object_id, action):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    activity = model_admin.get_visible_object(request, object_id)
    change_url = reverse("admin:processing_processingactivity_change", args=[activity.pk])
    if action not in services.TRANSITIONS or not model_admin.may_transition(
            request, activity, action):
        raise PermissionDenied
    expected = request.POST.get("expected_version", "")
    try:
        services.activity_transition(
            activity=activity, action=action, user=request.user, path="admin",
            expected_version=int(expected) if expected.isdigit() else None,
            override_reason=request.POST.get("override_reason", ""),
        )
    except services.StaleWrite:
        messages.error(request, _(
            "%(ref)s was changed since you opened it: nothing was done. Check the current "
            "record, then try again.") % {"ref": activity.reference})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(ref)s is now %(status)s.") % {
            "ref": activity.reference, "status": activity.get_status_display()})
        if action == "approve":
            messages.info(request, _("Reviewed on %(last)s; next review due on %(next)s.") % {
                "last": activity.last_reviewed_on, "next": activity.next_review_on})
    return HttpResponseRedirect(change_url)


# --- history ---------------------------------------------------------------------------------

@dataclass
class FieldChange:
    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def is_link(self) -> bool:
        return bool(self.added or self.removed)


@dataclass
class PartChanges:
    heading: str
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, str]]


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _record_label(record) -> str:
    who = record.history_user.get_username() if record.history_user else _("unknown")
    when = date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
    return _("version %(version)s · %(when)s · %(who)s · %(path)s") % {
        "version": record.version, "when": when, "who": who,
        "path": record.get_history_path_display() or "–",
    }


def _field_changes(new, old, excluded=NOT_DIFFED) -> list[FieldChange]:
    delta = new.diff_against(old, excluded_fields=list(excluded), foreign_keys_are_objs=True)
    changes = []
    for change in delta.changes:
        model_field = ProcessingActivity._meta.get_field(change.field)
        label = str(model_field.verbose_name).capitalize()
        if model_field.many_to_many:
            target = get_m2m_reverse_field_name(model_field)
            old_names = {str(row[target]) for row in change.old}
            new_names = {str(row[target]) for row in change.new}
            changes.append(FieldChange(label, added=sorted(new_names - old_names),
                                       removed=sorted(old_names - new_names)))
        else:
            changes.append(FieldChange(label, old=_display(model_field, change.old),
                                       new=_display(model_field, change.new)))
    return changes


def _describe_part(instance, bases: dict[int, LawfulBasis]) -> str:
    if isinstance(instance, ActivityLawfulBasis):
        text = str(bases.get(instance.basis_id, instance.basis_id))
        details = [instance.legitimate_interest, instance.lia_link, instance.consent_record_link,
                   instance.citation]
        extra = "; ".join(d for d in details if d)
        return f"{text} ({extra})" if extra else text
    if isinstance(instance, RetentionRule) and instance.data_category_id:
        return f"{instance.data_category}: {instance.describe()}"
    return str(instance)


def _parts_at(activity_id: int, before: datetime.datetime, bases) -> dict[type, dict[int, str]]:
    """Each part of the activity as it stood just before ``before``, by id."""
    state = {}
    for model, _heading in PARTS:
        records = (model.history.filter(activity_id=activity_id, history_date__lt=before)
                   .latest_of_each().exclude(history_type="-"))
        state[model] = {r.id: _describe_part(r.instance, bases) for r in records}
    return state


def _part_changes(old_state, new_state) -> list[PartChanges]:
    result = []
    for model, heading in PARTS:
        old, new = old_state[model], new_state[model]
        added = [new[pk] for pk in new if pk not in old]
        removed = [old[pk] for pk in old if pk not in new]
        changed = [(old[pk], new[pk]) for pk in new if pk in old and old[pk] != new[pk]]
        if added or removed or changed:
            result.append(PartChanges(str(heading), added, removed, changed))
    return result


def compare(model_admin, request, object_id):
    """A readable diff between any two versions of an activity, with a revert."""
    activity = model_admin.get_visible_object(request, object_id)
    records = list(activity.history.select_related("history_user")
                   .order_by("-history_date", "-history_id"))
    by_id = {r.history_id: r for r in records}
    ends = {r.history_id: (records[i - 1].history_date if i else timezone.now())
            for i, r in enumerate(records)}

    def pick(name, default):
        value = request.GET.get(name, "")
        return by_id.get(int(value)) if value.isdigit() else default

    new = pick("new", records[0] if records else None)
    old = pick("old", records[1] if len(records) > 1 else new)
    if new is not None and old is not None and old.history_date > new.history_date:
        old, new = new, old
    field_changes, part_changes = [], []
    if new is not None and old is not None and old is not new:
        field_changes = _field_changes(new, old)
        bases = LawfulBasis.objects.in_bulk()
        part_changes = _part_changes(_parts_at(activity.pk, ends[old.history_id], bases),
                                     _parts_at(activity.pk, ends[new.history_id], bases))
    context = _admin_context(
        model_admin, request,
        title=_("Compare versions: %(activity)s") % {"activity": activity},
        subtitle=None, original=activity, object=activity,
        records=[(r, _record_label(r)) for r in records],
        old=old, new=new, old_label=_record_label(old) if old else "",
        new_label=_record_label(new) if new else "",
        field_changes=field_changes, part_changes=part_changes,
        may_revert=model_admin.has_change_permission(request, activity) and old is not None
        and old.history_id != records[0].history_id,
        current_version=activity.version,
    )
    return TemplateResponse(request, "processing/history_compare.html", context)


def revert(model_admin, request, object_id, history_id):
    """Bring the activity back to an earlier version, its parts included. GET: what the
    revert will change, with the button that does it; POST: the revert, itself a new
    version recorded with the user and the admin path."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    activity = model_admin.get_visible_object(request, object_id)
    if not model_admin.has_change_permission(request, activity):
        raise PermissionDenied
    record = activity.history.filter(history_id=history_id).first()
    history_url = reverse("admin:processing_processingactivity_history", args=[activity.pk])
    if record is None:
        messages.error(request, _("That version does not exist."))
        return HttpResponseRedirect(history_url)
    if request.method == "GET":
        return _revert_confirmation(model_admin, request, activity, record)
    expected = request.POST.get("expected_version", "")
    version_before = activity.version
    try:
        reverted = activity_revert(
            activity=activity, record=record, user=request.user, path="admin",
            expected_version=int(expected) if expected.isdigit() else None)
    except services.StaleWrite:
        messages.error(request, _(
            "%(ref)s was changed since you opened the confirmation: nothing was reverted. "
            "Check what the revert would change now, then revert.") % {
                "ref": activity.reference})
        return HttpResponseRedirect(request.path)
    except ValidationError as exc:
        messages.error(request, _("The revert was refused, nothing was changed: %(why)s") % {
            "why": " ".join(exc.messages)})
        return HttpResponseRedirect(request.path)
    if reverted.version == version_before:
        messages.info(request, _("%(ref)s already held %(version)s: nothing to revert.") % {
            "ref": activity.reference, "version": _record_label(record)})
    else:
        messages.success(request, _(
            "%(ref)s was reverted to %(version)s, its purposes, lawful bases, recipients, "
            "transfers and retention rules included (now version %(now)s).") % {
                "ref": activity.reference, "version": _record_label(record),
                "now": reverted.version})
    return HttpResponseRedirect(history_url)


def _revert_confirmation(model_admin, request, activity, record):
    """What a revert to ``record`` changes: the current version on the left, the version
    it brings back on the right. Nothing is written."""
    current = activity.history.select_related("history_user").order_by(
        "-history_date", "-history_id").first()
    field_changes = _field_changes(record, current, excluded={*NOT_DIFFED, *NOT_REVERTED})
    bases = LawfulBasis.objects.in_bulk()
    part_changes = _part_changes(_parts_at(activity.pk, timezone.now(), bases),
                                 _parts_at(activity.pk, version_end(activity, record), bases))
    context = _admin_context(
        model_admin, request,
        title=_("Revert %(activity)s?") % {"activity": activity},
        subtitle=None, original=activity, object=activity,
        record=record, record_label=_record_label(record),
        old_label=_("now (version %(version)s)") % {"version": activity.version},
        new_label=_record_label(record),
        field_changes=field_changes, part_changes=part_changes,
        current_version=activity.version,
        compare_url=reverse("admin:processing_processingactivity_compare", args=[activity.pk]),
    )
    return TemplateResponse(request, "processing/revert_confirm.html", context)


# --- the register as of a date ------------------------------------------------------------------

#: Activities on a page of the register as of a date.
AS_OF_PAGE_SIZE = 100


def register_as_of(model_admin, request):
    """The register as it stood at the end of a past day or at an instant: the read model
    as of then, with who last changed each activity by then (from its history)."""
    raw = request.GET.get("date", "").strip()
    error = ""
    try:
        day = parse_as_of(raw) if raw else timezone.localdate()
    except BadMoment as exc:
        error = str(exc)
        day = timezone.localdate()
    include_retired = request.GET.get("retired") == "1"
    organisation_ids = None if request.user.is_superuser else organisations_with_role(request)
    source = Source(cutoff(day))
    selection = source.objects(ProcessingActivity)
    if organisation_ids is not None:
        selection = selection.filter(organisation_id__in=organisation_ids)
    if not include_retired:
        selection = selection.exclude(status=ActivityStatus.RETIRED)
    # A page of the register read as it stood (one page's records, whatever its size).
    page = Paginator(selection.order_by("organisation_id", "reference", "id")
                     .values_list("id", flat=True), AS_OF_PAGE_SIZE).get_page(request.GET.get("page"))
    activities = read_activities(list(page), as_of=day)
    # Organisations by the name they had then.
    names = dict(source.objects(Organisation).filter(
        id__in={a.organisation_id for a in activities}).values_list("id", "name"))
    for activity in activities:
        activity.organisation = names.get(activity.organisation_id, activity.organisation)
    last_changes = {
        record.id: record for record in
        selection.filter(id__in=[a.id for a in activities]).select_related("history_user")
    }
    rows = [{
        "activity": activity,
        "change": last_changes.get(activity.id),
        "bases": ", ".join(use.basis.article for use in activity.lawful_bases) or "–",
        "status": ActivityStatus(activity.status).label,
        "role": ActivityRole(activity.role).label,
    } for activity in activities]
    context = _admin_context(
        model_admin, request, title=_("The register as of %(day)s") % {"day": as_of_text(day)},
        day=day, as_of=raw or as_of_text(day), rows=rows, error=error, include_retired=include_retired,
        page=page, paginator=page.paginator,
    )
    return TemplateResponse(request, "processing/register_as_of.html", context)


# --- dashboard ---------------------------------------------------------------------------------

def dashboard(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    activities = model_admin.get_queryset(request)
    changelist_url = reverse("admin:processing_processingactivity_changelist")
    assessed = register_completeness(activities.order_by().prefetch_related(None))
    items, completeness_rows = completeness_table(assessed, changelist_url)
    context = _admin_context(
        model_admin, request, title=_("Register dashboard"),
        charts=dashboard_charts(activities, changelist_url, assessed=assessed),
        completeness_items=items, completeness_rows=completeness_rows,
        label_x=LABEL_WIDTH - 8, bar_x=LABEL_WIDTH,
        activity_count=activities.count(),
    )
    return TemplateResponse(request, "processing/dashboard.html", context)
