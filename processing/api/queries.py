"""Reads of the register for the API, in a constant and small number of queries.

Each many-to-many list (data categories, subjects, conditions, measures, scopes...) is
read as a JSON array built by the database inside the row that owns it, instead of one
prefetch query per relation. The rows are then turned back into model instances and
placed in Django's prefetch cache, so the findings engine and the serializers read
``activity.data_categories.all()`` as usual without another query. A page of
activities costs one query for the page and one for each kind of part (purposes, lawful
bases, recipients, transfers, retention rules), whatever the page size.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.db.models.functions import JSONObject

from entities.models import ThirdParty
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    DataSubjectCategory,
    InternationalTransfer,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    RetentionRule,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
)

_TERM = ("id", "code", "name", "dpv_iri")
_CONCEPT = (*_TERM, "article")
_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    DataSubjectCategory: _TERM,
    PersonalDataCategory: (*_TERM, "special_category", "criminal_offence"),
    SpecialCategoryCondition: _CONCEPT,
    Schedule1Condition: (*_CONCEPT, "part", "applies_to"),
    SecurityMeasure: (*_TERM, "kind"),
    ThirdParty: ("id", "organisation_id", "name", "kind", "contract_link", "dpf_certified"),
    Purpose: ("id", "activity_id", "description", "position"),
}

#: Many-to-many relations of an activity read as JSON arrays.
ACTIVITY_M2M = (
    "data_subjects", "data_categories", "special_category_conditions", "schedule1_conditions",
    "security_measures", "joint_controllers", "controllers_served",
)


class JSONList(models.Aggregate):
    """The aggregated rows as a JSON array (PostgreSQL ``jsonb_agg``, SQLite
    ``json_group_array``)."""

    function = "JSONB_AGG"
    output_field = models.JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def m2m_json(model: type[models.Model], name: str) -> Subquery:
    """A subquery giving the targets of ``model.name`` for the outer row, as JSON."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    fields = _FIELDS[field.related_model]
    rows = (
        through.objects.filter(**{source: OuterRef("pk")})
        .order_by()
        .values(source)
        .annotate(items=JSONList(JSONObject(**{f: F(f"{target}__{f}") for f in fields})))
        .values("items")
    )
    return Subquery(rows, output_field=models.JSONField())


def _annotation(name: str) -> str:
    return f"json_{name}"


def with_m2m_json(queryset: models.QuerySet, names: Iterable[str]) -> models.QuerySet:
    return queryset.annotate(**{_annotation(n): m2m_json(queryset.model, n) for n in names})


def instance_from_json(model: type[models.Model], data: dict) -> models.Model:
    values = {}
    for key, value in data.items():
        field = model._meta.get_field(key.removesuffix("_id"))
        values[key] = field.to_python(value) if not key.endswith("_id") else value
    obj = model(**values)
    obj._state.adding = False
    obj._state.db = "default"
    return obj


def _sort_key(model):
    ordering = [f.lstrip("-") for f in model._meta.ordering if f.lstrip("-") in _FIELDS[model]]
    ordering.append("id")
    return lambda obj: tuple(getattr(obj, f) for f in ordering)


def set_prefetched(obj: models.Model, name: str, instances: list) -> None:
    """Place ``instances`` in ``obj``'s prefetch cache for relation ``name``, as Django's
    own prefetch does, so ``obj.<name>.all()`` reads them without a query."""
    manager = getattr(obj, name)
    queryset = manager.get_queryset()
    queryset._result_cache = instances
    queryset._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[manager.prefetch_cache_name] = queryset


def unpack_m2m_json(objects: Iterable[models.Model], names: Iterable[str]) -> None:
    """Turn the JSON annotations of ``with_m2m_json`` into prefetched relations."""
    for obj in objects:
        for name in names:
            model = obj._meta.get_field(name).related_model
            items = getattr(obj, _annotation(name), None) or []
            instances = sorted((instance_from_json(model, item) for item in items), key=_sort_key(model))
            set_prefetched(obj, name, instances)


def activity_queryset() -> models.QuerySet:
    """Activities with their organisation, owner and many-to-many lists in one query.

    Call ``attach_register`` on the rows read (a page, one object) to load their parts.
    """
    queryset = ProcessingActivity.objects.select_related(
        "organisation", "organisation__country", "owner"
    )
    return with_m2m_json(queryset, ACTIVITY_M2M)


def _part_prefetches():
    return [
        Prefetch("purposes", queryset=Purpose.objects.order_by("position", "id")),
        Prefetch(
            "lawful_bases",
            queryset=with_m2m_json(
                ActivityLawfulBasis.objects.select_related("basis"), ("data_categories", "purposes")
            ),
        ),
        Prefetch(
            "recipients",
            queryset=with_m2m_json(
                ActivityRecipient.objects.select_related(
                    "third_party", "third_party__country", "third_party__category", "category"
                ),
                ("data_categories",),
            ),
        ),
        Prefetch(
            "transfers",
            queryset=InternationalTransfer.objects.select_related("country", "mechanism", "third_party"),
        ),
        Prefetch("retention_rules", queryset=RetentionRule.objects.select_related("data_category")),
    ]


def attach_register(activities: list[ProcessingActivity]) -> list[ProcessingActivity]:
    """Load everything the API shows and the findings engine reads for these activities:
    five queries, whatever their number."""
    activities = list(activities)
    if not activities:
        return activities
    unpack_m2m_json(activities, ACTIVITY_M2M)
    models.prefetch_related_objects(activities, *_part_prefetches())
    for activity in activities:
        unpack_m2m_json(activity.lawful_bases.all(), ("data_categories", "purposes"))
        unpack_m2m_json(activity.recipients.all(), ("data_categories",))
    return activities
