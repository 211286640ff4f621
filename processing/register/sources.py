"""Where the register's rows come from: the current tables, or django-simple-history as
the register stood at a moment (:class:`Source`), and :func:`among`, the filter by which
a batch of activities' parts and links are selected through their indexes.
"""

from __future__ import annotations

import datetime

from django.db import connection, models
from django.db.models import F, Max, OuterRef, Q, Subquery, Value
from django.db.models.lookups import Lookup
from simple_history.models import HistoricalRecords


class Source:
    """The current tables (``cutoff`` None), or the history before ``cutoff``."""

    def __init__(self, cutoff: datetime.datetime | None = None):
        self.cutoff = cutoff

    @property
    def historical(self) -> bool:
        return self.cutoff is not None

    def objects(self, model: type[models.Model]) -> models.QuerySet:
        """Every object of ``model`` in this source: rows of the model, or its historical
        rows that were the last before the cutoff, deleted objects left out."""
        if self.cutoff is None:
            return model._default_manager.all()
        historical = model.history.model
        # Correlated with each row (its object's last version before the cutoff), not the
        # last versions of the whole history: whatever a caller selects (an organisation's
        # activities, their parts) the database finds through its indexes and checks one
        # object's versions for each, so a batch reads its own history rows only.
        latest = (historical.objects.filter(id=OuterRef("id"), history_date__lt=self.cutoff)
                  .order_by().values("id").annotate(last=Max("history_id")).values("last"))
        return (historical.objects.filter(history_date__lt=self.cutoff,
                                           history_id=Subquery(latest))
                .exclude(history_type="-"))

    def owner_key(self, selection: models.QuerySet | list[int]) -> models.QuerySet | list[int]:
        """What the many-to-many rows of the objects of ``selection`` refer to; a list is
        those keys already (the versions read, by their history ids)."""
        if isinstance(selection, list):
            return selection
        return selection.values("history_id" if self.historical else "id")

    def links(self, model: type[models.Model], name: str, owners: models.QuerySet | list[int],
              tag: str | None = None) -> models.QuerySet:
        """(``tag`` or ``name``, owner id, target id) of the many-to-many field ``name`` of
        ``owners`` (a queryset of this source, or the keys :meth:`owner_key` answers)."""
        m2m = model._meta.get_field(name)
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        if self.historical:
            rows = HistoricalRecords.m2m_models[m2m].objects.filter(
                among("history_id", self.owner_key(owners)))
        else:
            rows = m2m.remote_field.through.objects.filter(
                among(f"{source}_id", self.owner_key(owners)))
        return rows.order_by().values_list(Value(tag or name), f"{source}_id", f"{target}_id")


class _AnyOfArray(Lookup):
    """``column = ANY(ARRAY(subquery))`` (PostgreSQL), used as an expression of a filter."""

    lookup_name = "any_of_array"  # not registered: used only through :func:`among`

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)  # "(SELECT ...)"
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


class _AnyOfList(Lookup):
    """``column = ANY(%s)`` (PostgreSQL), the keys given as one array: a query of 500 keys
    has one parameter rather than 500, which psycopg need not find and quote one by one
    (a tenth of the time of a re-import that reads the register 500 activities at a time)."""

    lookup_name = "any_of_list"  # not registered: used only through :func:`among`
    prepare_rhs = False  # the list as it is, not a key

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def among(column: str, subquery: models.QuerySet | list[int]) -> Q:
    """``column`` among the values of ``subquery`` (one column; or a list of keys, as such:
    one array parameter on PostgreSQL, ``IN`` elsewhere).

    On PostgreSQL as ``column = ANY(ARRAY(subquery))``: the subquery is run first and each
    of its values looked up through the index of ``column``. As ``column IN (subquery)``, the
    planner, unable to tell how few of a large table's rows a batch of activities selects
    (a few organisations' out of the register's), joins the whole table, once per batch:
    a register read in batches then costs the database the square of its size (a CSV
    export of 100,000 activities spent 21 s in its queries, of 10,000 activities 1 s)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": subquery})
    if isinstance(subquery, list):
        return Q(_AnyOfList(F(column), subquery))
    return Q(_AnyOfArray(F(column), models.Subquery(subquery.order_by())))
