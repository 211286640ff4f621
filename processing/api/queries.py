"""Reads of the register for the API, in a constant and small number of queries.

A page of activities costs one query for its rows (with organisation and owner), one for
their lists, and one for each kind of part (lawful bases, recipients, transfers,
retention rules), whatever the page size. Each list (purposes, data categories,
subjects, conditions, measures, scopes...) is read as a JSON array built by the database
inside the row that owns it, instead of one prefetch query per relation.

The rows become model instances placed in Django's prefetch cache, so the findings
engine and the serializers read ``activity.data_categories.all()`` as usual without
another query. Two costs of the ORM are left out, since a page is thousands of objects
read by a handful of fixed queries: the SQL of each query is composed once per process
(``_Statement``), and the instances are made by ``_Builder``, without the ORM's model
constructor, related managers and prefetch querysets. A term or a third party named many
times is made once per read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL

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
from ropa.db import prepared_cursor

_TERM = ("id", "code", "name", "dpv_iri")
_CONCEPT = (*_TERM, "article")
_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    DataSubjectCategory: (*_TERM, "description"),
    PersonalDataCategory: (*_TERM, "special_category", "criminal_offence"),
    SpecialCategoryCondition: _CONCEPT,
    Schedule1Condition: (*_CONCEPT, "part", "applies_to"),
    SecurityMeasure: (*_TERM, "kind", "description"),
    ThirdParty: ("id", "organisation_id", "name", "kind", "contract_link", "dpf_certified"),
    Purpose: ("id", "activity_id", "description", "position"),
}

#: Many-to-many relations of an activity read as JSON arrays.
ACTIVITY_M2M = (
    "data_subjects", "data_categories", "special_category_conditions", "schedule1_conditions",
    "security_measures", "joint_controllers", "controllers_served",
)


class _JSON(models.JSONField):
    """JSON as the database gives it: text (SQLite), or already decoded by psycopg
    (PostgreSQL ``json``)."""

    def from_db_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value


class JSONList(models.Aggregate):
    """The aggregated rows as a JSON array (PostgreSQL ``json_agg``, SQLite
    ``json_group_array``)."""

    function = "JSON_AGG"
    output_field = _JSON()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class JSONRow(models.Func):
    """A JSON object of the given columns (PostgreSQL ``json_build_object``, SQLite
    ``json_object``). Plain ``json`` rather than Django's ``JSONObject`` (``jsonb``): a
    page builds thousands of them, and ``jsonb`` costs the database twice the time."""

    output_field = _JSON()

    def __init__(self, **columns):
        assert all(key.isidentifier() for key in columns)
        self.keys = list(columns)
        super().__init__(*columns.values())

    def as_sql(self, compiler, connection, function="JSON_BUILD_OBJECT", **extra_context):
        pairs, params = [], []
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, more = compiler.compile(expression)
            pairs.append(f"'{key}', {sql}")
            params.extend(more)
        return f"{function}({', '.join(pairs)})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_OBJECT")


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
        .annotate(items=JSONList(JSONRow(**{f: F(f"{target}__{f}") for f in fields})))
        .values("items")
    )
    return Subquery(rows, output_field=_JSON())


def _rows_json(model: type[models.Model], name: str) -> Subquery:
    """A subquery giving the rows of the reverse foreign key ``model.name`` (an
    activity's purposes) for the outer row, as JSON."""
    rel = model._meta.get_field(name)
    key = rel.field.name
    fields = _FIELDS[rel.related_model]
    rows = (
        rel.related_model._default_manager.filter(**{key: OuterRef("pk")})
        .order_by()
        .values(key)
        .annotate(items=JSONList(JSONRow(**{f: F(f) for f in fields})))
        .values("items")
    )
    return Subquery(rows, output_field=_JSON())


def _annotation(name: str) -> str:
    return f"json_{name}"


def with_m2m_json(queryset: models.QuerySet, names: Iterable[str]) -> models.QuerySet:
    """``queryset`` with the lists ``names`` (many-to-many, or reverse foreign keys of
    rows read whole) as JSON annotations."""
    model = queryset.model
    return queryset.annotate(**{
        _annotation(n): (m2m_json if model._meta.get_field(n).many_to_many else _rows_json)(model, n)
        for n in names
    })


class _Builder:
    """Instances of one model in the state ``Model.from_db`` leaves them in (saved, read
    from ``db``), made without ``Model.__init__``: the values are set as they are."""

    _cache: dict[type[models.Model], _Builder] = {}

    def __init__(self, model: type[models.Model]):
        self.model = model
        fields = model._meta.concrete_fields
        self.attnames = tuple(f.attname for f in fields)
        self.pk_index = self.attnames.index(model._meta.pk.attname)
        # A JSON object carries some fields only: the others take their default, as
        # ``Model(**values)`` would give them (a callable one, made for each object).
        made = {f for f in fields if f.has_default() and callable(f.default)}
        self.defaults = {f.attname: f.get_default() for f in fields if f not in made}
        self.made_defaults = [(f.attname, f.get_default) for f in made]
        # JSON gives strings and numbers; SQLite gives booleans as 0 / 1.
        self.converters = {
            f.attname: f.to_python for f in fields
            if not (f.primary_key or f.is_relation or isinstance(f, (models.CharField,
                                                                     models.TextField)))
        }
        if model in _FIELDS:
            # The model's ordering among the fields read as JSON, then the id.
            ordering = [o.lstrip("-") for o in model._meta.ordering]
            self.sort_key = attrgetter(*[o for o in ordering if o in _FIELDS[model]], "id")

    @classmethod
    def of(cls, model: type[models.Model]) -> _Builder:
        builder = cls._cache.get(model)
        if builder is None:
            builder = cls._cache[model] = cls(model)
        return builder

    def make(self, values: dict, db: str) -> models.Model:
        obj = self.model.__new__(self.model)
        obj.__dict__.update(values)
        state = obj._state = ModelState()
        state.adding = False
        state.db = db
        return obj

    def from_json(self, data: dict, db: str) -> models.Model:
        values = dict(self.defaults)
        for attname, get_default in self.made_defaults:
            if attname not in data:
                values[attname] = get_default()
        values.update(data)
        for key, to_python in self.converters.items():
            if key in data:
                values[key] = to_python(data[key])
        return self.make(values, db)


def instance_from_json(model: type[models.Model], data: dict) -> models.Model:
    """A saved instance of ``model`` from one object of an ``m2m_json`` array."""
    return _Builder.of(model).from_json(data, DEFAULT_DB_ALIAS)


def set_prefetched(obj: models.Model, name: str, instances: list) -> None:
    """Place ``instances`` in ``obj``'s prefetch cache for relation ``name`` (a many-to-many
    field or the accessor of a reverse foreign key), where ``obj.<name>.all()`` finds them
    without a query."""
    try:
        cache = obj._prefetched_objects_cache
    except AttributeError:
        cache = obj._prefetched_objects_cache = {}
    cache[name] = instances


def _related_model(model: type[models.Model], path: str) -> type[models.Model]:
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


_IDS = object()  # stands for the ids' parameter until a read gives them


@dataclass
class _Statement:
    """The rows of ``model`` whose ``key`` is one of some activities' ids: every column
    (or only the pk, without ``whole``), the foreign keys of ``follow``
    (``third_party__category``: the category of the third party, all its columns) and
    the ``lists`` as JSON.

    Its SQL is composed once per process and database, with the ids as one parameter
    (a PostgreSQL array, a JSON array on SQLite), and on PostgreSQL prepared once per
    connection: composing and planning these queries, with their joins and JSON
    subqueries, cost more than running them.
    """

    model: type[models.Model]
    key: str
    order: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    whole: bool = True
    _compiled: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.columns = list(_Builder.of(self.model).attnames) if self.whole else ["pk"]
        # Per followed key: the index in a row's chain of objects of the one holding it
        # (0: the row's own object), its name, the builder of its target, its columns.
        self.steps = []
        paths = [""]
        for path in self.follow:
            holder, _, name = path.rpartition("__")
            related = _Builder.of(_related_model(self.model, path))
            self.steps.append((paths.index(holder), name, related, len(self.columns),
                               len(related.attnames)))
            self.columns += [f"{path}__{attname}" for attname in related.attnames]
            paths.append(path)
        self.list_columns = [
            (name, self.model._meta.get_field(name).related_model, len(self.columns) + i)
            for i, name in enumerate(self.lists)
        ]
        self.columns += [_annotation(name) for name in self.lists]

    def _queryset(self, ids) -> models.QuerySet:
        queryset = with_m2m_json(self.model._default_manager.all(), self.lists)
        return queryset.filter(**{f"{self.key}__in": ids}).order_by(*self.order).values_list(
            *self.columns
        )

    def _compile(self, connection):
        # The ids are those of activities, whether ``key`` is their pk or a part's key.
        column = ProcessingActivity._meta.pk.rel_db_type(connection)
        if connection.vendor == "postgresql":
            # Behind OFFSET 0 the planner does not see how many ids there are: it plans
            # for a few, with index lookups. Told there are 100, on tables without
            # statistics yet (a register just imported), it costs the JSON subqueries
            # high enough to compile the query with JIT, which takes longer than the read.
            ids = RawSQL(f"SELECT unnest(page.ids) FROM (SELECT %s::{column}[] AS ids OFFSET 0) page",
                         (_IDS,))
        else:
            ids = RawSQL("SELECT value FROM json_each(%s)", (_IDS,))
        query = self._queryset(ids).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        reorder = None if names == self.columns else itemgetter(
            *[names.index(c) for c in self.columns])
        converters = list(compiler.get_converters(
            [s[0] for s in compiler.select[:compiler.col_count]]).items())
        position = next(i for i, p in enumerate(params) if p is _IDS)
        return sql, list(params), position, converters, reorder

    def rows(self, ids: list[int], using: str) -> list:
        connection = connections[using]
        if connection.vendor not in ("postgresql", "sqlite"):
            return list(self._queryset(ids).using(using))
        compiled = self._compiled.get((using, connection.vendor))
        if compiled is None:
            compiled = self._compiled[(using, connection.vendor)] = self._compile(connection)
        sql, params, position, converters, reorder = compiled
        params = list(params)
        params[position] = list(ids) if connection.vendor == "postgresql" else json.dumps(ids)
        cursor = prepared_cursor() if using == DEFAULT_DB_ALIAS else connection.cursor()
        with cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            # As the ORM's SQLCompiler.apply_converters.
            rows = [list(row) for row in rows]
            for row in rows:
                for index, (functions, expression) in converters:
                    value = row[index]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[index] = value
        if reorder is not None:
            rows = [reorder(row) for row in rows]
        return rows


#: The lists of activities: their purposes and many-to-many relations.
_LISTS = _Statement(ProcessingActivity, "pk", lists=("purposes", *ACTIVITY_M2M), whole=False)
#: Rows that belong to an activity, by the name of their relation, each in the order the
#: API lists them.
_PARTS = {
    "lawful_bases": _Statement(ActivityLawfulBasis, "activity",
                               order=("activity_id", "basis__code"), follow=("basis",),
                               lists=("data_categories", "purposes")),
    "recipients": _Statement(ActivityRecipient, "activity", order=("activity_id", "id"),
                             follow=("third_party", "third_party__country",
                                     "third_party__category", "category"),
                             lists=("data_categories",)),
    "transfers": _Statement(InternationalTransfer, "activity", order=("activity_id", "id"),
                            follow=("country", "mechanism", "third_party")),
    "retention_rules": _Statement(RetentionRule, "activity", order=("activity_id", "id"),
                                  follow=("data_category",)),
}


#: Objects a read shares between rows (terms, third parties, mechanisms...) hold a dict
#: under this name, where what is made of them for the response (their representation)
#: may be kept: a read never changes them.
READ_MEMO = "_read_memo"


class _Read:
    """One read of activities' lists and parts. The terms and third parties named by
    many rows are made once and shared (see ``READ_MEMO``)."""

    def __init__(self, db: str):
        self.db = db
        self.shared: dict[tuple, dict] = {}

    def terms(self, model: type[models.Model], items: list | None) -> list:
        """Instances of the objects of a JSON list, in the model's ordering."""
        if not items:
            return []
        builder = _Builder.of(model)
        known = self.shared.setdefault(("json", model), {})
        objs = []
        for item in items:
            obj = known.get(item["id"])
            if obj is None:
                obj = known[item["id"]] = builder.from_json(item, self.db)
                obj.__dict__[READ_MEMO] = {}
            objs.append(obj)
        if len(objs) > 1:
            objs.sort(key=builder.sort_key)
        return objs

    def lists(self, statement: _Statement, obj: models.Model, row) -> None:
        for name, model, index in statement.list_columns:
            set_prefetched(obj, name, self.terms(model, row[index]))

    def objects(self, statement: _Statement, ids: list[int]) -> list[models.Model]:
        """The objects of ``statement`` for ``ids``, their foreign keys and lists loaded."""
        own = _Builder.of(statement.model)
        count = len(own.attnames)
        objects = []
        for row in statement.rows(ids, self.db):
            obj = own.make(dict(zip(own.attnames, row[:count], strict=True)), self.db)
            chain = [obj]
            for holder, name, related, start, width in statement.steps:
                target = None
                if chain[holder] is not None:
                    target = self._row(related, row[start:start + width])
                    chain[holder]._state.fields_cache[name] = target
                chain.append(target)
            self.lists(statement, obj, row)
            objects.append(obj)
        return objects

    def _row(self, builder: _Builder, values: tuple) -> models.Model | None:
        """The object of a followed foreign key, from its columns (all None: no object)."""
        pk = values[builder.pk_index]
        if pk is None:
            return None
        known = self.shared.setdefault(("row", builder.model), {})
        obj = known.get(pk)
        if obj is None:
            obj = known[pk] = builder.make(dict(zip(builder.attnames, values, strict=True)),
                                           self.db)
            obj.__dict__[READ_MEMO] = {}
        return obj


def activity_queryset() -> models.QuerySet:
    """Activities with their organisation and owner, in one query.

    Call ``attach_register`` on the rows read (a page, one object) to load the rest."""
    return ProcessingActivity.objects.select_related(
        "organisation", "organisation__country", "owner"
    )


def attach_register(activities: Iterable[ProcessingActivity]) -> list[ProcessingActivity]:
    """Load everything the API shows and the findings engine reads for these activities:
    five queries, whatever their number."""
    activities = list(activities)
    if not activities:
        return activities
    read = _Read(activities[0]._state.db)
    by_id = {activity.pk: activity for activity in activities}
    ids = list(by_id)
    for row in _LISTS.rows(ids, read.db):
        read.lists(_LISTS, by_id[row[0]], row)
    for name, statement in _PARTS.items():
        for activity in activities:
            set_prefetched(activity, name, [])
        for obj in read.objects(statement, ids):
            activity = by_id[obj.activity_id]
            obj._state.fields_cache["activity"] = activity
            activity._prefetched_objects_cache[name].append(obj)
    return activities
