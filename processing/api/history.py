"""The lawful bases of one activity, today or as the register stood at a past moment.

Today's answer is the API's busiest read: one statement of plain SQL written once (the
activity with its bases, their scopes and its conditions, in one UNION), since composing
it through the ORM cost several times the database's own work (docs/architecture.md).
The past answer is the register's read model as of that day or instant. Both are shaped by the same
functions, and a test holds today's answer to the read model's.
"""

from __future__ import annotations

import datetime
import functools

from django.http import Http404

from entities.models import Membership
from processing.models import (
    ActivityLawfulBasis,
    LawfulBasis,
    ProcessingActivity,
    Schedule1Condition,
    SpecialCategoryCondition,
)
from processing.register import as_of_text, read_activity
from ropa.db import prepared_cursor

_CONDITION_MODELS = {
    "special_category_conditions": SpecialCategoryCondition,
    "schedule1_conditions": Schedule1Condition,
}
_ACTIVITY = ("id", "organisation_id", "reference", "name", "status", "version")
_BASIS = ("code", "article", "name", "kind", "dpv_iri")
_USE = ("legitimate_interest", "lia_link", "consent_record_link", "citation",
        "recognised_interest", "notes")
_CATEGORY = ("id", "code", "name", "dpv_iri", "special_category", "criminal_offence")
_CONDITION = ("id", "code", "article", "name", "dpv_iri")
_ART9 = (*_CONDITION, "uk_schedule1_part")
_SCHEDULE1 = (*_CONDITION, "part", "applies_to", "needs_policy_document")


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
                 "part": r["part"], "applies_to": r["applies_to"],
                 # SQLite answers booleans as 0 / 1
                 "needs_policy_document": bool(r["needs_policy_document"]),
                 "dpv_iri": r["dpv_iri"]}
                for r in sorted(rows, key=lambda r: (r["part"], r["id"]))]
    return [{"code": r["code"], "article": r["article"], "name": r["name"],
             "dpv_iri": r["dpv_iri"], "uk_schedule1_part": r["uk_schedule1_part"]}
            for r in sorted(rows, key=lambda r: r["code"])]


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
    ("consent_record_link", "VARCHAR"), ("citation", "VARCHAR"),
    ("recognised_interest", "VARCHAR"), ("notes", "TEXT"),
    ("special_category", "BOOLEAN"), ("criminal_offence", "BOOLEAN"), ("part", "VARCHAR"),
    ("applies_to", "VARCHAR"), ("description", "TEXT"), ("position", "INTEGER"),
    ("uk_schedule1_part", "VARCHAR"), ("needs_policy_document", "BOOLEAN"),
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
        terms("s", ProcessingActivity, "special_category_conditions", _ART9),
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


def lawful_basis_answer(activity, as_of: str | None) -> dict:
    """The answer for an activity record of the register's read model: what
    ``current_lawful_basis`` answers from its own SQL, for any moment."""
    return _answer(
        {"id": activity.id, "organisation_id": activity.organisation_id,
         "reference": activity.reference, "name": activity.name, "status": activity.status,
         "version": activity.version},
        as_of,
        [_basis_use({"code": use.basis.code, "article": use.basis.article,
                     "name": use.basis.name, "kind": use.basis.kind, "dpv_iri": use.basis.dpv_iri},
                    {f: getattr(use, f) for f in _USE},
                    [_term(c, _CATEGORY) for c in use.data_categories],
                    [_term(p, ("id", "description", "position")) for p in use.purposes])
         for use in activity.lawful_bases],
        {name: [_term(c, _SCHEDULE1 if name == "schedule1_conditions" else _ART9)
                for c in getattr(activity, name)] for name in _CONDITION_MODELS},
    )


def lawful_basis_as_of(organisation_ids, pk: int,
                       as_of: datetime.date | datetime.datetime) -> dict:
    """The lawful bases of activity ``pk`` as the register stood at the end of a day or at
    an instant. ``organisation_ids``: the organisations the user may see (None: all)."""
    activity = read_activity(pk, as_of=as_of)
    if activity is None:
        raise Http404
    if organisation_ids is not None and activity.organisation_id not in organisation_ids:
        raise Http404
    return lawful_basis_answer(activity, as_of_text(as_of))
