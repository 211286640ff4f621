"""How the activity admin saves: its form and inline formsets become one call of
``services.activity_save`` (the activity, its links and every part in one transaction),
so the admin writes the history an API or service call writes for the same change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from entities.services import person_of_login
from ropa.admin_writes import ServiceRefused, form_fields, model_fields
from ropa.audit import ChangePath

from . import services
from .admin_forms import NEW_PURPOSE
from .models import ActivityLawfulBasis, ProcessingActivity, Purpose


def activity_fields(request, form, change: bool) -> dict:
    """The activity's fields to write: those changed on a change form, every field given
    on an add form (an empty reference: the next free one, allocated by the service)."""
    names = form.changed_data if change else list(form.fields)
    fields = form_fields(form, model_fields(ProcessingActivity, names, skip=("organisation",)))
    if "reference" in names and (form.cleaned_data.get("reference") or "").strip():
        fields["reference"] = form.cleaned_data["reference"].strip()
    elif not change:
        fields.pop("reference", None)
    if not change and "owner" not in form.fields:
        # A contributor owns what it creates.
        fields["owner"] = person_of_login(form.cleaned_data["organisation"], request.user,
                                          user=request.user, path=ChangePath.ADMIN)
    return fields


def part_changes(formset) -> list[services.PartChange]:
    """Every form of an inline formset as a part change, labelled ``prefix[index]``: new
    (filled in), changed (the changed fields), removed, or kept (checked, not written)."""
    model = formset.model
    deleted = {id(form) for form in formset.deleted_forms} if formset.can_delete else set()
    changes = []
    for index, form in enumerate(formset.forms):
        label = f"{formset.prefix}[{index}]"
        existing = form.instance if form.instance.pk is not None else None
        if id(form) in deleted:
            if existing is not None:
                changes.append(services.PartChange(model, existing, delete=True, label=label))
            continue
        if existing is None and not form.has_changed():
            continue  # an empty extra form
        names = form.changed_data if existing is not None else list(form.fields)
        fields = form_fields(form, model_fields(model, names, skip=(formset.fk.name,)))
        changes.append(services.PartChange(model, existing, fields, label=label))
    return changes


def link_new_purposes(parts: list[services.PartChange]) -> None:
    """A lawful basis limited to a purpose typed in the same form names it ``new-<index>``
    (its form in the purposes inline): name the purpose's own part change instead, which
    the service writes first. A name whose purpose form is gone is refused on its field."""
    purposes = {p.label: p for p in parts if p.model is Purpose and not p.delete}
    errors = {}
    for part in parts:
        scopes = part.fields.get("purposes") if part.model is ActivityLawfulBasis else None
        if not scopes:
            continue
        linked = []
        for value in scopes:
            if isinstance(value, str) and value.startswith(NEW_PURPOSE):
                target = purposes.get(f"purposes[{value[len(NEW_PURPOSE):]}]")
                if target is None:
                    errors[f"{part.label}.purposes"] = [_(
                        "This basis was limited to a purpose that is no longer on the form: "
                        "tick its purposes again.")]
                    continue
                value = target
            linked.append(value)
        part.fields["purposes"] = linked
    if errors:
        raise ServiceRefused(ValidationError(errors))


def save(request, form, formsets, change: bool) -> ProcessingActivity:
    """Write the change form through the service; :class:`ServiceRefused` if refused."""
    parts = [change for formset in formsets for change in part_changes(formset)]
    link_new_purposes(parts)
    fields = activity_fields(request, form, change)
    try:
        if change:
            activity = ProcessingActivity.objects.get(pk=form.instance.pk)
            activity = services.activity_save(
                activity=activity, fields=fields, parts=parts, user=request.user,
                path=ChangePath.ADMIN, expected_version=form.cleaned_data.get("expected_version"))
        else:
            activity = services.activity_save(
                organisation=form.cleaned_data["organisation"], fields=fields, parts=parts,
                user=request.user, path=ChangePath.ADMIN)
    except ValidationError as exc:
        raise ServiceRefused(exc) from exc
    # What the admin reports (the change message, the history page link) reads these.
    for formset in formsets:
        mine = [p for p in parts if p.model is formset.model]
        formset.new_objects = [p.instance for p in mine if p.created]
        formset.changed_objects = [(p.instance, list(p.fields)) for p in mine
                                   if not p.created and not p.delete and p.fields]
        formset.deleted_objects = [p.instance for p in mine if p.delete]
    return activity
