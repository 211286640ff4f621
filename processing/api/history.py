"""The lawful bases of one activity, today or as the register stood at the end of a day.

Today's answer costs two queries (the activity with its Art 9 / Sch. 1 conditions, and
its bases with their scopes), both built as JSON by the database. The past answer is
read from django-simple-history: the activity's last historical record on or before the
day, the last record of each of its bases, and the many-to-many snapshots those records
carry.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone

from processing.models import (
    ActivityLawfulBasis,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    Schedule1Condition,
    SpecialCategoryCondition,
)

from .queries import instance_from_json, m2m_json

_CONDITIONS = ("special_category_conditions", "schedule1_conditions")
_CONDITION_MODELS = {
    "special_category_conditions": SpecialCategoryCondition,
    "schedule1_conditions": Schedule1Condition,
}


def _term(obj, fields):
    return {f: getattr(obj, f) for f in fields}


def _category(obj):
    return _term(obj, ("code", "name", "dpv_iri", "special_category", "criminal_offence"))


def _concept(obj):
    data = _term(obj, ("code", "article", "name", "dpv_iri"))
    if isinstance(obj, Schedule1Condition):
        data.update(part=obj.part, applies_to=obj.applies_to)
    return data


def _sorted_terms(model, items):
    objs = [instance_from_json(model, item) for item in items or []]
    key = ("part", "id") if model is Schedule1Condition else ("code",)
    return sorted(objs, key=lambda o: tuple(getattr(o, k) for k in key))


def _basis_use(basis, detail, categories, purposes):
    return {
        "basis": basis.code, "article": basis.article, "label": basis.name, "kind": basis.kind,
        "dpv_iri": basis.dpv_iri,
        "data_categories": [_category(c) for c in sorted(categories, key=lambda c: c.name)],
        "purposes": [{"id": p["id"], "description": p["description"]}
                     for p in sorted(purposes, key=lambda p: (p.get("position", 0), p["id"]))],
        "legitimate_interest": detail.legitimate_interest, "lia_link": detail.lia_link,
        "consent_record_link": detail.consent_record_link, "citation": detail.citation,
        "notes": detail.notes,
    }


def _activity_ref(activity):
    return {"id": activity.id, "organisation": activity.organisation_id,
            "reference": activity.reference, "name": activity.name, "status": activity.status,
            "version": activity.version}


def current_lawful_basis(activities, pk: int) -> dict:
    """``activities``: the activities the user may see."""
    activity = (
        activities.filter(pk=pk)
        .annotate(**{f"json_{n}": m2m_json(ProcessingActivity, n) for n in _CONDITIONS})
        .only("id", "organisation_id", "reference", "name", "status", "version")
        .first()
    )
    if activity is None:
        raise Http404
    uses = (
        ActivityLawfulBasis.objects.filter(activity_id=pk)
        .select_related("basis")
        .annotate(json_data_categories=m2m_json(ActivityLawfulBasis, "data_categories"),
                  json_purposes=m2m_json(ActivityLawfulBasis, "purposes"))
        .order_by("basis__code")
    )
    return {
        "activity": _activity_ref(activity),
        "as_of": None,
        "lawful_bases": [
            _basis_use(use.basis, use, _sorted_terms(PersonalDataCategory, use.json_data_categories),
                       use.json_purposes or [])
            for use in uses
        ],
        **{name: [_concept(c) for c in _sorted_terms(_CONDITION_MODELS[name],
                                                     getattr(activity, f"json_{name}"))]
           for name in _CONDITIONS},
    }


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the register's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                         datetime.time.min))


def _latest(records):
    """The last historical record of each object, deleted ones left out."""
    latest = {}
    for record in records:  # ordered oldest first
        latest[record.id] = record
    return [r for r in latest.values() if r.history_type != "-"]


def _m2m_snapshot(historical_model, field_name, records, target):
    """{history_id: [target ids]} of a many-to-many snapshot."""
    m2m_model = getattr(historical_model, field_name).model
    rows = m2m_model.objects.filter(history__in=[r.history_id for r in records]).values_list(
        "history_id", f"{target}_id"
    )
    snapshot: dict[int, list[int]] = {}
    for history_id, target_id in rows:
        snapshot.setdefault(history_id, []).append(target_id)
    return snapshot


def lawful_basis_as_of(organisation_ids, pk: int, day: datetime.date) -> dict:
    """``organisation_ids``: the organisations the user may see (None: all)."""
    until = end_of_day(day)
    activity = (
        ProcessingActivity.history.filter(id=pk, history_date__lt=until)
        .order_by("-history_date", "-history_id").first()
    )
    if activity is None or activity.history_type == "-":
        raise Http404
    if organisation_ids is not None and activity.organisation_id not in organisation_ids:
        raise Http404
    uses = _latest(
        ActivityLawfulBasis.history.filter(activity_id=pk, history_date__lt=until)
        .order_by("history_date", "history_id")
    )
    historical_use = ActivityLawfulBasis.history.model
    categories_of = _m2m_snapshot(historical_use, "data_categories", uses, "personaldatacategory")
    purposes_of = _m2m_snapshot(historical_use, "purposes", uses, "purpose")
    purpose_ids = {p for ids in purposes_of.values() for p in ids}
    purposes = {
        p.id: {"id": p.id, "description": p.description, "position": p.position}
        for p in _latest(Purpose.history.filter(id__in=purpose_ids, history_date__lt=until)
                         .order_by("history_date", "history_id"))
    }
    historical_activity = ProcessingActivity.history.model
    conditions = {
        name: _m2m_snapshot(historical_activity, name, [activity], model._meta.model_name)
        .get(activity.history_id, [])
        for name, model in _CONDITION_MODELS.items()
    }
    bases = {b.pk: b for b in LawfulBasis.objects.filter(pk__in={u.basis_id for u in uses})}
    category_ids = {c for ids in categories_of.values() for c in ids}
    categories = PersonalDataCategory.objects.in_bulk(category_ids)
    result = {
        "activity": _activity_ref(activity),
        "as_of": day,
        "lawful_bases": sorted(
            (
                _basis_use(
                    bases[use.basis_id], use,
                    [categories[c] for c in categories_of.get(use.history_id, []) if c in categories],
                    [purposes[p] for p in purposes_of.get(use.history_id, []) if p in purposes],
                )
                for use in uses if use.basis_id in bases
            ),
            key=lambda item: item["basis"],
        ),
    }
    for name, model in _CONDITION_MODELS.items():
        terms = model.objects.filter(pk__in=conditions[name])
        key = ("part", "id") if model is Schedule1Condition else ("code",)
        result[name] = [_concept(t) for t in sorted(terms, key=lambda o: tuple(getattr(o, k)
                                                                               for k in key))]
    return result


