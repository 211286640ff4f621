"""The lawful bases of one activity, today or as the register stood at the end of a day.

Today's answer costs two queries of plain SQL written once (the activity with its bases,
then every term of the answer in one UNION): it is the API's busiest read, and composing
it through the ORM cost several times the database's own work. The past answer is read
from django-simple-history: the activity's last historical record on or before the day,
the last record of each of its bases, and the many-to-many snapshots those records carry.
Both answers are shaped by the same functions, from plain dicts.
"""

from __future__ import annotations

import datetime
import functools

from django.http import Http404
from django.utils import timezone

from entities.models import Membership
from processing.models import (
    ActivityLawfulBasis,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    Schedule1Condition,
    SpecialCategoryCondition,
)
from ropa.db import prepared_cursor

_CONDITION_MODELS = {
    "special_category_conditions": SpecialCategoryCondition,
    "schedule1_conditions": Schedule1Condition,
}
_ACTIVITY = ("id", "organisation_id", "reference", "name", "status", "version")
_BASIS = ("code", "article", "name", "kind", "dpv_iri")
_USE = ("legitimate_interest", "lia_link", "consent_record_link", "citation", "notes")
_CATEGORY = ("id", "code", "name", "dpv_iri", "special_category", "criminal_offence")
_CONDITION = ("id", "code", "article", "name", "dpv_iri")
_SCHEDULE1 = (*_CONDITION, "part", "applies_to")


def _term(obj, fields):
    return {f: getattr(obj, f) for f in fields}


def _category(row):
    return {"code": row["code"], "name": row["name"], "dpv_iri": row["dpv_iri"],
            # SQLite answers booleans as 0 / 1
            "special_category": bool(row["special_category"]),
            "criminal_offence": bool(row["criminal_offence"])}


def _conditions(kind, rows):
    """Art 9 conditions by code; Sch. 1 conditions by part, then as the Schedule lists them."""
    if kind == "schedule1_conditions":
        return [{"code": r["code"], "article": r["article"], "name": r["name"],
                 "part": r["part"], "applies_to": r["applies_to"], "dpv_iri": r["dpv_iri"]}
                for r in sorted(rows, key=lambda r: (r["part"], r["id"]))]
    return [{"code": r["code"], "article": r["article"], "name": r["name"],
             "dpv_iri": r["dpv_iri"]} for r in sorted(rows, key=lambda r: r["code"])]


def _basis_use(basis, use, categories, purposes):
    """One basis the activity relies on; ``basis``, ``use`` and the terms are dicts."""
    return {
        "basis": basis["code"], "article": basis["article"], "label": basis["name"],
        "kind": basis["kind"], "dpv_iri": basis["dpv_iri"],
        "data_categories": [_category(c) for c in sorted(
            categories, key=lambda c: (c["name"], c["code"]))],
        "purposes": [{"id": p["id"], "description": p["description"]}
                     for p in sorted(purposes, key=lambda p: (p["position"], p["id"]))],
        **{field: use[field] for field in _USE},
    }


def _answer(activity, as_of, uses, conditions):
    """``activity``: dict of _ACTIVITY; ``uses``: shaped basis uses; ``conditions``:
    {field name: condition rows}."""
    return {
        "activity": {"id": activity["id"], "organisation": activity["organisation_id"],
                     "reference": activity["reference"], "name": activity["name"],
                     "status": activity["status"], "version": activity["version"]},
        "as_of": as_of,
        "lawful_bases": sorted(uses, key=lambda use: use["basis"]),
        **{name: _conditions(name, conditions.get(name, [])) for name in _CONDITION_MODELS},
    }


#: Columns of the answer's one statement (name, SQL type). Each kind of row fills its own
#: and typed NULLs the rest, so that PostgreSQL and SQLite agree on every column's type.
_COLUMNS = (
    ("id", "INTEGER"), ("organisation_id", "INTEGER"), ("reference", "VARCHAR"),
    ("name", "VARCHAR"), ("status", "VARCHAR"), ("version", "INTEGER"), ("code", "VARCHAR"),
    ("article", "VARCHAR"), ("kind", "VARCHAR"), ("dpv_iri", "VARCHAR"),
    ("legitimate_interest", "TEXT"), ("lia_link", "VARCHAR"),
    ("consent_record_link", "VARCHAR"), ("citation", "VARCHAR"), ("notes", "TEXT"),
    ("special_category", "BOOLEAN"), ("criminal_offence", "BOOLEAN"), ("part", "VARCHAR"),
    ("applies_to", "VARCHAR"), ("description", "TEXT"), ("position", "INTEGER"),
)
_NAMES = tuple(name for name, _ in _COLUMNS)
#: Kinds of rows: the activity, its basis uses, their scopes (owner: the use), conditions.
_SCOPES = {"c": "data_categories", "p": "purposes"}
_KINDS = {"s": "special_category_conditions", "1": "schedule1_conditions"}


@functools.cache
def _current_sql() -> tuple[str, str]:
    """(the statement for a superuser, the statement for a member of organisations).

    One UNION of rows tagged by kind, each branch joined to the activity only if the user
    may see it: no row at all means not found.
    """
    table = {m: m._meta.db_table for m in (ActivityLawfulBasis, LawfulBasis)}

    def branch(kind, owner, values, source, activity):
        columns = ", ".join(values.get(name, f"CAST(NULL AS {sql_type})")
                            for name, sql_type in _COLUMNS)
        return (f"SELECT '{kind}', {owner}, {columns} FROM {source} "
                f"JOIN visible ON visible.id = {activity}")

    def terms(kind, owner_model, name, fields):
        field = owner_model._meta.get_field(name)
        source = (f"{field.remote_field.through._meta.db_table} j "
                  f"JOIN {field.related_model._meta.db_table} t "
                  f"ON t.id = j.{field.m2m_reverse_name()}")
        values = {f: f"t.{f}" for f in fields}
        if owner_model is ActivityLawfulBasis:  # a scope of a basis use
            return branch(kind, f"j.{field.m2m_column_name()}", values,
                          f"{source} JOIN {table[ActivityLawfulBasis]} u "
                          f"ON u.id = j.{field.m2m_column_name()}", "u.activity_id")
        return branch(kind, "CAST(NULL AS INTEGER)", values, source,
                      f"j.{field.m2m_column_name()}")

    union = " UNION ALL ".join((
        branch("a", "CAST(NULL AS INTEGER)", {f: f"a.{f}" for f in _ACTIVITY},
               f"{ProcessingActivity._meta.db_table} a", "a.id"),
        branch("b", "u.id", {**{f: f"b.{f}" for f in _BASIS}, **{f: f"u.{f}" for f in _USE}},
               f"{table[ActivityLawfulBasis]} u JOIN {table[LawfulBasis]} b "
               "ON b.id = u.basis_id", "u.activity_id"),
        terms("c", ActivityLawfulBasis, "data_categories", _CATEGORY),
        terms("p", ActivityLawfulBasis, "purposes", ("id", "description", "position")),
        terms("s", ProcessingActivity, "special_category_conditions", _CONDITION),
        terms("1", ProcessingActivity, "schedule1_conditions", _SCHEDULE1),
    ))
    visible = f"SELECT a.id FROM {ProcessingActivity._meta.db_table} a WHERE a.id = %s"
    member = (f" AND a.organisation_id IN (SELECT m.organisation_id FROM "
              f"{Membership._meta.db_table} m WHERE m.user_id = %s)")
    return (f"WITH visible AS ({visible}) {union}",
            f"WITH visible AS ({visible}{member}) {union}")


def current_lawful_basis(user, pk: int) -> dict:
    """Today's lawful bases of activity ``pk``, if ``user`` may see it (else 404), shaped
    as ``ActivityLawfulBasisReportSerializer`` describes it."""
    for_superuser, for_member = _current_sql()
    with prepared_cursor() as cursor:
        if user.is_superuser:
            cursor.execute(for_superuser, [pk])
        else:
            cursor.execute(for_member, [pk, user.pk])
        rows = cursor.fetchall()
    if not rows:
        raise Http404

    activity, uses = None, {}
    scopes = {name: {} for name in _SCOPES.values()}
    conditions = {name: [] for name in _KINDS.values()}
    for kind, owner, *values in rows:
        row = dict(zip(_NAMES, values, strict=True))
        if kind == "a":
            activity = row
        elif kind == "b":
            uses[owner] = row
        elif kind in _SCOPES:
            scopes[_SCOPES[kind]].setdefault(owner, []).append(row)
        else:
            conditions[_KINDS[kind]].append(row)
    return _answer(activity, None, [
        _basis_use(row, row, scopes["data_categories"].get(use_id, []),
                   scopes["purposes"].get(use_id, []))
        for use_id, row in uses.items()
    ], conditions)


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
    conditions = {}
    for name, model in _CONDITION_MODELS.items():
        ids = _m2m_snapshot(historical_activity, name, [activity], model._meta.model_name)
        fields = _SCHEDULE1 if model is Schedule1Condition else _CONDITION
        conditions[name] = [_term(c, fields) for c in model.objects.filter(
            pk__in=ids.get(activity.history_id, []))]
    bases = {b.pk: _term(b, _BASIS)
             for b in LawfulBasis.objects.filter(pk__in={u.basis_id for u in uses})}
    category_ids = {c for ids in categories_of.values() for c in ids}
    categories = {c.pk: _term(c, _CATEGORY)
                  for c in PersonalDataCategory.objects.filter(pk__in=category_ids)}
    return _answer(_term(activity, _ACTIVITY), day.isoformat(), [
        _basis_use(bases[use.basis_id], _term(use, _USE),
                   [categories[c] for c in categories_of.get(use.history_id, []) if c in categories],
                   [purposes[p] for p in purposes_of.get(use.history_id, []) if p in purposes])
        for use in uses if use.basis_id in bases
    ], conditions)
