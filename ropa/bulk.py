"""Writing many rows at once, with the same validation and history as one at a time.

Used where thousands of objects are created or changed together (the workbook import,
the synthetic register of the benchmarks): each object is still validated like
``full_clean()`` and still gets its history row ("+", "~" or "-"), attributed to the
acting user and path, with its many-to-many links recorded in that row; but the queries
are per batch, not per row.
"""

from __future__ import annotations

import operator
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connection, connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_manager_for_model

from ropa.audit import ChangePath

#: Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest model.
BATCH = 1000
#: From this many rows written at once into a table, PostgreSQL's statistics of it are
#: refreshed when the transaction commits (see :func:`_analyze_on_commit`).
ANALYZE_FROM = 1000


#: Tables whose statistics a commit is to refresh, per connection (each thread has its own):
#: a transaction that writes a table in many bulk writes (a register generated or imported a
#: chunk at a time) has it analysed once, by the first of its callbacks.
_PENDING_ANALYZE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _analyze_on_commit(*tables: str) -> None:
    """Refresh PostgreSQL's planner statistics of ``tables`` once the writing transaction
    commits. Autovacuum would do it only a while later; until then the planner takes a
    table just filled (a whole register imported into a new database) for nearly empty,
    and plans the register's reads badly."""
    if connection.vendor != "postgresql":
        return
    pending = _PENDING_ANALYZE.setdefault(connections[DEFAULT_DB_ALIAS], set())
    pending.update(tables)

    def analyze():
        # Those a callback of the same commit has not analysed yet (a transaction rolled
        # back leaves its tables here: they are analysed at the next commit that writes them).
        due = [t for t in tables if t in pending]
        if not due:
            return
        pending.difference_update(due)
        written = _WRITTEN.get(connections[DEFAULT_DB_ALIAS], {})
        for table in due:
            written.pop(table, None)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in due)}")

    transaction.on_commit(analyze)


#: Rows written into each table by the bulk writes of a connection since PostgreSQL's
#: statistics of the table were last taken here, per connection (see :func:`_planned`).
_WRITTEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _wrote(table: str, rows: int) -> None:
    if connection.vendor == "postgresql":
        written = _WRITTEN.setdefault(connections[DEFAULT_DB_ALIAS], defaultdict(int))
        written[table] += rows


def _planned(table: str, column: str) -> None:
    """Before a statement reads rows just written into ``table`` by ``column`` (their ids,
    or their owner's): when the bulk writes of this connection have written more rows into
    it than PostgreSQL's statistics of it count, so that the table at least doubled since,
    its statistics are taken now, of that column.

    A table filled inside one transaction (a register imported into a new database, a chunk
    at a time) has no statistics until the transaction commits: the planner takes it for a
    few pages, and a statement that reads a chunk's rows by their ids scans the whole table
    instead, so that each chunk reads every row written before it and the import's time
    grows with the square of the register's size. ANALYZE inside the transaction counts the
    rows the transaction wrote; taken each time the table doubles, it costs a few ANALYZEs
    of one column per table, whatever the register's size."""
    if connection.vendor != "postgresql":
        return
    written = _WRITTEN.get(connections[DEFAULT_DB_ALIAS], {})
    rows = written.get(table, 0)
    if rows < ANALYZE_FROM:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [qn(table)])
        (known,) = cursor.fetchone()
        if rows >= known:
            cursor.execute(f"ANALYZE {qn(table)} ({qn(column)})")
            written[table] = 0


# --- writing ------------------------------------------------------------------------------


def create_with_history(model: type[models.Model], objs: Sequence[models.Model], *, user=None,
                        path: str = ChangePath.COMMAND, date=None,
                        owner_version: int | str = 1) -> dict[int, int]:
    """Insert ``objs`` (unsaved, already validated) and one "+" history row for each.

    The objects receive their primary keys in place; foreign keys to objects saved just
    before (a parent created in an earlier call) are filled in by Django. The history
    rows are copied from the inserted rows by the database, attributed to ``user`` and
    ``path``, all at ``date`` (default: now): they are one change of the register. The
    rows of parts of a versioned record carry ``owner_version`` (a new record's: 1; the
    name of a foreign key: the version its target holds, see :func:`copy_to_history`).
    Returns object id -> history id, which :func:`link_with_history` attaches the
    links to.
    """
    if not objs:
        return {}
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    _wrote(model._meta.db_table, len(objs))
    history = get_history_manager_for_model(model).model
    if len(objs) >= ANALYZE_FROM:
        _analyze_on_commit(model._meta.db_table, history._meta.db_table)
    if objs[0].pk is None:
        raise NotSupportedError("Bulk writes need a database that returns the ids of inserted "
                                "rows (PostgreSQL, SQLite 3.35 or later).")
    return copy_to_history(model, [obj.pk for obj in objs], "+", user=user, path=path,
                           date=date, owner_version=owner_version)


def copy_to_history(model: type[models.Model], ids: Sequence[int], history_type: str, *,
                    user=None, path: str = ChangePath.COMMAND, date=None,
                    owner_version: int | str = 1) -> dict[int, int]:
    """One history row of type ``history_type`` ("+", "~" or "-") for each object of
    ``ids``, copied by the database from the object's row as it stands, attributed to
    ``user`` and ``path`` at ``date`` (default: now). Many-to-many links are not copied
    (:func:`record_links` does). ``owner_version`` (rows of a part of a versioned record):
    a number, or the name of the part's foreign key to its owner, whose ``version``
    column the row then carries (each part its own owner's). Returns object id -> history
    id.

    The rows are read a chunk of ids at a time, each chunk also bounded by its least and
    greatest id, with the table's statistics taken first if it outgrew them
    (:func:`_planned`): what a chunk reads is its own rows, however large the table.
    """
    if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return {}
    history = get_history_manager_for_model(model).model
    tracked = {f.attname: f for f in history.tracked_fields}
    given = {"history_date": date or timezone.now(), "history_change_reason": None,
             "history_type": history_type, "history_user_id": getattr(user, "pk", None),
             "history_path": str(path)}
    qn = connection.ops.quote_name
    columns, values, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(qn(field.column))
        if field.attname in tracked:
            values.append("t." + qn(tracked[field.attname].column))
        elif field.attname == "owner_version" and isinstance(owner_version, str):
            owner = model._meta.get_field(owner_version)
            values.append(
                f"(SELECT o.{qn(owner.related_model._meta.get_field('version').column)} "
                f"FROM {qn(owner.related_model._meta.db_table)} o "
                f"WHERE o.{qn(owner.target_field.column)} = t.{qn(owner.column)})")
        elif field.attname in given or field.attname == "owner_version":
            values.append(_typed_parameter(field))
            value = given.get(field.attname, owner_version)
            params.append(field.get_db_prep_save(value, connection))
        else:
            raise NotSupportedError(f"{history.__name__}.{field.name} is not filled by bulk writes.")
    pk = qn(model._meta.pk.column)
    sql = (f"INSERT INTO {qn(history._meta.db_table)} ({', '.join(columns)}) "
           f"SELECT {', '.join(values)} FROM {qn(model._meta.db_table)} t "
           f"WHERE t.{pk} BETWEEN %s AND %s AND t.{pk} IN ({{ids}}) "
           f"ORDER BY t.{pk} RETURNING {qn(history._meta.get_field(model._meta.pk.attname).column)}, "
           f"{qn(history._meta.pk.column)}")
    _planned(model._meta.db_table, model._meta.pk.column)
    history_ids = {}
    ids = sorted(ids)  # each chunk's bounds as close as they can be
    size = _chunk_size(len(params) + 2)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), size):
            chunk = ids[start:start + size]
            cursor.execute(sql.format(ids=", ".join(["%s"] * len(chunk))),
                           [*params, chunk[0], chunk[-1], *chunk])
            history_ids.update(cursor.fetchall())
    return history_ids


def delete_with_history(model: type[models.Model], ids: Sequence[int], **history) -> None:
    """Delete the objects ``ids`` with one "-" history row each (``history``: as for
    :func:`copy_to_history`), as simple-history records a deletion: the row holds the
    object's fields, and no links (they are gone when the row is written). The links of
    the objects, both ways, go with them; any other row that refers to them is refused by
    the database.
    """
    if not ids:
        return
    copy_to_history(model, ids, "-", **history)
    fields = [*model._meta.many_to_many,
              *(rel.field for rel in model._meta.related_objects if rel.many_to_many)]
    for field in fields:
        through = field.remote_field.through
        column = (field.m2m_field_name() if field.model is model
                  else field.m2m_reverse_field_name())
        for start in range(0, len(ids), _chunk_size()):
            through._default_manager.filter(
                **{f"{column}__in": ids[start:start + _chunk_size()]}).delete()
    # Django's delete() would send a signal per object, and simple-history would write a
    # second row for each: the rows were recorded above, so the table is emptied directly.
    qn = connection.ops.quote_name
    sql = f"DELETE FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.pk.column)} IN ({{ids}})"
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _chunk_size()):
            chunk = list(ids[start:start + _chunk_size()])
            cursor.execute(sql.format(ids=", ".join(["%s"] * len(chunk))), chunk)


def _chunk_size(other_params: int = 0, per_item: int = 1) -> int:
    """How many items a query can list next to ``other_params`` parameters."""
    limit = connection.features.max_query_params or BATCH * per_item + other_params
    return max(1, min(BATCH, (limit - other_params) // per_item))


def _typed_parameter(field: models.Field) -> str:
    """A parameter in a SELECT list: PostgreSQL needs its type, SQLite takes it as it is."""
    if connection.vendor == "postgresql":
        return f"CAST(%s AS {field.cast_db_type(connection)})"
    return "%s"


def link_with_history(model: type[models.Model], field_name: str, links: Mapping[int, Iterable[int]],
                      history_ids: Mapping[int, int]) -> None:
    """Set a many-to-many field of objects just created (object id -> target ids) and
    record the links in their "+" history rows (``history_ids``, from
    :func:`create_with_history`), as simple-history records the links of one object.
    """
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    rows = [through(**{source: obj_id, target: target_id})
            for obj_id, targets in links.items() for target_id in targets]
    if not rows:
        return
    through.objects.bulk_create(rows, batch_size=BATCH)
    _wrote(through._meta.db_table, len(rows))
    if len(rows) >= ANALYZE_FROM:
        m2m_history = HistoricalRecords.m2m_models.get(field)
        _analyze_on_commit(through._meta.db_table,
                           *([m2m_history._meta.db_table] if m2m_history else []))
    record_links(model, field_name, {owner: history_ids[owner] for owner in links
                                     if owner in history_ids})


def record_links(model: type[models.Model], field_name: str, history_ids: Mapping[int, int]) -> None:
    """Copy the current links of a many-to-many field of objects into their history rows
    (object id -> history id), as simple-history records the links with each version.

    The links are read a chunk of objects at a time, each object paired with its history
    row, by the link's owner column bounded by the chunk's least and greatest id, as
    :func:`copy_to_history` reads its rows."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    m2m_history = HistoricalRecords.m2m_models.get(field)
    if m2m_history is None or not history_ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    # The links, copied by the database next to the history row of their owner.
    qn = connection.ops.quote_name
    names = ("id", source, target)
    copied = [qn(m2m_history._meta.get_field(n).column) for n in names]
    columns = [qn(through._meta.get_field(n).column) for n in names]
    sql = (f"WITH w (owner, history) AS (VALUES {{pairs}}) "
           f"INSERT INTO {qn(m2m_history._meta.db_table)} "
           f"({', '.join(copied)}, {qn(m2m_history._meta.get_field('history').column)}) "
           f"SELECT {', '.join('t.' + c for c in columns)}, w.history "
           f"FROM {qn(through._meta.db_table)} t INNER JOIN w ON w.owner = t.{columns[1]} "
           f"WHERE t.{columns[1]} BETWEEN %s AND %s ORDER BY t.{columns[0]}")
    _planned(through._meta.db_table, through._meta.get_field(source).column)
    pairs = sorted(history_ids.items())
    size = _chunk_size(2, per_item=2)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), size):
            chunk = pairs[start:start + size]
            cursor.execute(sql.format(pairs=", ".join(["(%s, %s)"] * len(chunk))),
                           [*(value for pair in chunk for value in pair),
                            chunk[0][0], chunk[-1][0]])


# --- validating ---------------------------------------------------------------------------


def clean_new(instance: models.Model) -> ValidationError | None:
    """What ``full_clean()`` says of an unsaved instance, without a query per instance.

    Fields, validators and ``clean()`` run as usual. Foreign keys assigned as objects are
    not looked up again (they were just read, or are created first in the same write; the
    database constraint still guards them). Check constraints are evaluated in Python
    (the database is asked only for a condition this cannot evaluate); uniqueness is left
    to :func:`unique_problems`, which checks many instances in one query.
    """
    opts = instance._meta
    related = [
        f.name for f in opts.concrete_fields
        if f.is_relation and f.is_cached(instance) and getattr(instance, f.name) is not None
    ]
    errors: dict = {}
    try:
        instance.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for constraint in opts.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        if _names(constraint.condition) & set(errors):
            continue  # as full_clean(): a field already in error is not checked again
        try:
            holds = _holds(constraint.condition, instance) is not False
        except _Unsupported:
            try:
                constraint.validate(type(instance), instance, exclude=set(errors))
                holds = True
            except ValidationError:
                holds = False
        if not holds:
            errors.setdefault(NON_FIELD_ERRORS, []).append(ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code))
    return ValidationError(errors) if errors else None


def unique_problems(instances: Iterable[models.Model]) -> list[tuple[models.Model, ValidationError]]:
    """Unsaved instances that would break a uniqueness rule: repeated among themselves or
    already in the database (one query per rule and batch)."""
    by_model = defaultdict(list)
    for obj in instances:
        by_model[type(obj)].append(obj)
    problems = []
    for model, objs in by_model.items():
        for fields, error in _unique_rules(model):
            first: dict[tuple, models.Model] = {}
            for obj in objs:
                key = tuple(_key(obj, f) for f in fields)
                if None in key:
                    continue  # NULLs never clash
                if key in first:
                    problems.append((obj, error(obj)))
                else:
                    first[key] = obj
            saved = [(k, o) for k, o in first.items() if not any(isinstance(v, _New) for v in k)]
            names = [f.attname for f in fields]
            size = _chunk_size(per_item=len(names))
            for start in range(0, len(saved), size):
                chunk = saved[start:start + size]
                filters = {f"{name}__in": {k[i] for k, _ in chunk} for i, name in enumerate(names)}
                existing = set(model._default_manager.filter(**filters).order_by().values_list(*names))
                if len(names) == 1:
                    existing = {(v,) for v in existing}
                problems += [(o, error(o)) for k, o in chunk if k in existing]
    return problems


class _New(tuple):
    """A foreign key to an object not saved yet, told apart by the object's identity."""


def _key(obj: models.Model, field: models.Field):
    if field.is_relation and field.is_cached(obj):
        target = getattr(obj, field.name)
        if target is None:
            return None
        return _New(("new", id(target))) if target.pk is None else target.pk
    return getattr(obj, field.attname)


def _unique_rules(model: type[models.Model]):
    """(fields, error for an instance) for each uniqueness rule of ``model``."""
    opts = model._meta
    rules = []
    for field in opts.local_concrete_fields:
        if field.unique and not field.primary_key:
            rules.append(((field,), lambda o, f=field: ValidationError(
                {f.name: [o.unique_error_message(model, (f.name,))]})))
    groups = [tuple(group) for group in opts.unique_together]
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            if constraint.condition is not None or constraint.expressions or not constraint.fields:
                raise NotSupportedError(f"{model.__name__}: {constraint.name} is not checked in bulk.")
            groups.append(tuple(constraint.fields))
    for names in groups:
        fields = tuple(opts.get_field(n) for n in names)
        key = names[0] if len(names) == 1 else NON_FIELD_ERRORS
        rules.append((fields, lambda o, n=names, k=key: ValidationError(
            {k: [o.unique_error_message(model, n)]})))
    return rules


class _Unsupported(Exception):
    """A condition :func:`_holds` cannot evaluate; the database is asked instead."""


_UNSAVED = object()
_COMPARE = {"exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt,
            "lte": operator.le}


def _names(condition: Q) -> set[str]:
    """The fields a condition reads."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _names(child)
        else:
            names.add(child[0].split("__")[0])
            if isinstance(child[1], F):
                names.add(child[1].name)
    return names


def _value(instance: models.Model, name: str):
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        raise _Unsupported(name) from None
    if not getattr(field, "concrete", False):
        raise _Unsupported(name)
    if field.is_relation and field.is_cached(instance):
        target = getattr(instance, field.name)
        if target is None:
            return None
        return _UNSAVED if target.pk is None else target.pk
    return getattr(instance, field.attname)


def _holds(condition: Q, instance: models.Model) -> bool | None:
    """A check constraint's condition on one instance, in SQL's three-valued logic
    (None: unknown, which a check constraint accepts)."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, instance))
            continue
        path, expected = child
        name, _, lookup = path.partition("__")
        lookup = lookup or "exact"
        current = _value(instance, name)
        if lookup == "isnull":
            results.append((current is None) == bool(expected))
            continue
        if isinstance(expected, F):
            expected = _value(instance, expected.name)
        elif hasattr(expected, "resolve_expression"):
            raise _Unsupported(path)
        if current is _UNSAVED or expected is _UNSAVED:
            raise _Unsupported(path)
        if lookup == "exact" and expected is None:
            results.append(current is None)
        elif current is None or expected is None:
            results.append(None)
        elif lookup == "in":
            results.append(current in expected)
        elif lookup in _COMPARE:
            results.append(_COMPARE[lookup](current, expected))
        else:
            raise _Unsupported(path)
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise _Unsupported(condition.connector)
    if condition.negated and result is not None:
        result = not result
    return result
