"""A whole register read a batch of organisations at a time (:func:`read_register`), and
the snapshot its batches are read in (:func:`one_snapshot`)."""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone

from entities import models as entities
from processing import models as processing
from ropa.collector import settled

from . import records as r
from .reader import Reading, Terms, _columns, _rows, _source
from .sources import Source

#: Activities a whole register's reading holds at a time: the organisations are read in
#: batches of about this many activities (an organisation is never split), so that an
#: export of any size holds one batch of records.
BATCH_ACTIVITIES = 2_000


class OrganisationBatches:
    """The organisations of a register (:func:`read_register`), in name order, each whole:
    contacts, third parties and activities with everything they hold.

    Iterating reads them a batch at a time (consecutive organisations whose activities add
    up to about ``batch_activities``) and lets the previous batch go, so the records held
    are one batch's whatever the size of the register; each batch costs the fixed queries of
    a reading, the reference terms are read once. A second iteration reads again. ``len()``
    and :meth:`outline` read no activity's parts. Once a batch has been gone through, the
    garbage collector is settled (:func:`ropa.collector.settled`): what the layout keeps
    of it is not walked again by the collector's later passes.

    ``progress(done, total)``, when given, is told the total first, then the activities
    handed out so far once each batch has been gone through (the layout asked for the
    organisation after it): once per batch, nothing per row."""

    def __init__(self, source: Source, rows: list[dict], selection: models.QuerySet,
                 names: dict[int, str], counts: dict[int, int],
                 batch_activities: int = BATCH_ACTIVITIES,
                 progress: Callable[[int, int], object] | None = None):
        self.source, self.rows, self.selection = source, rows, selection
        self.names, self.counts, self.batch_activities = names, counts, batch_activities
        self.progress = progress
        self._terms: Terms | None = None

    @property
    def activity_count(self) -> int:
        """The activities of the register, counted without reading them."""
        return sum(self.counts.get(row["id"], 0) for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def terms(self) -> Terms:
        if self._terms is None:
            self._terms = Terms()
        return self._terms

    def batches(self) -> Iterator[list[dict]]:
        """The organisations' rows, a batch at a time."""
        batch, size = [], 0
        for row in self.rows:
            count = self.counts.get(row["id"], 0)
            if batch and size + count > self.batch_activities:
                yield batch
                batch, size = [], 0
            batch.append(row)
            size += count
        if batch:
            yield batch

    def __iter__(self) -> Iterator[r.Organisation]:
        progress, done = self.progress, 0
        if progress is not None:
            total = self.activity_count
            progress(done, total)
        for batch in self.batches():
            yield from self.read(batch)
            settled()
            if progress is not None:
                done += sum(self.counts.get(row["id"], 0) for row in batch)
                progress(done, total)

    def read(self, rows: list[dict]) -> list[r.Organisation]:
        """The organisations of ``rows``, read whole."""
        ids = [row["id"] for row in rows]
        reading = Reading(self.source, self.terms)
        countries = reading.terms["country"]
        selection = self.selection.filter(organisation_id__in=ids)
        activities = reading.activities(selection.order_by("reference", "id"),
                                        third_parties_of=ids, scope=selection)
        contacts = defaultdict(list)
        for row in _rows(self.source.objects(entities.Contact).filter(organisation_id__in=ids),
                         _columns(entities.Contact)):
            contacts[row["organisation_id"]].append(r.Contact(
                role=row["role"], name=row["name"], email=row["email"], phone=row["phone"],
                address=row["address"]))
        # Names as the register stood: an organisation renamed since keeps its old name here.
        names = self.names
        for party in reading.third_parties.values():
            if party.group_organisation_id:
                party.group_organisation = names.get(party.group_organisation_id,
                                                     party.group_organisation)
        activities_of = defaultdict(list)
        for activity in activities.values():
            activity.organisation = names.get(activity.organisation_id, activity.organisation)
            if activity.controller is not None:
                activity.controller.name = activity.organisation
            activities_of[activity.organisation_id].append(activity)
        third_parties_of = defaultdict(list)
        for party in sorted(reading.third_parties.values(), key=lambda t: (t.name, t.id)):
            third_parties_of[party.organisation_id].append(party)
        return [
            r.Organisation(
                id=row["id"], name=row["name"], trading_name=row["trading_name"],
                registration_number=row["registration_number"],
                authority_registration_ref=row["authority_registration_ref"],
                vat_number=row["vat_number"], address=row["address"],
                country=countries.get(row["country_id"]), website=row["website"],
                email=row["email"], phone=row["phone"], parent=names.get(row["parent_id"], ""),
                jurisdiction=row["jurisdiction"], trading_address=row["trading_address"],
                public_authority=bool(row["public_authority"]),
                contacts=sorted(contacts[row["id"]], key=lambda c: (c.role, c.name, c.email)),
                third_parties=third_parties_of[row["id"]],
                activities=activities_of[row["id"]],
            )
            for row in rows
        ]

    def outline(self) -> list[r.OrganisationOutline]:
        """Each organisation with its activities' ids, references, names and statuses, in
        the order of the iteration: one query, the activities' parts unread."""
        outlines = {row["id"]: r.OrganisationOutline(id=row["id"], name=row["name"])
                    for row in self.rows}
        values = ("id", "reference", "name", "status", "organisation_id")
        for pk, reference, name, status, organisation_id in (
                self.selection.order_by("reference", "id").values_list(*values)):
            outline = outlines.get(organisation_id)
            if outline is not None:
                outline.activities.append(r.ActivityOutline(
                    id=pk, reference=reference, name=name, status=status))
        return list(outlines.values())


@contextlib.contextmanager
def one_snapshot() -> Iterator[None]:
    """Every query inside reads the database as it stood at the first: on PostgreSQL a
    read-only transaction at REPEATABLE READ, so that a register read a batch at a time
    while others write is still the register of one moment. Inside a transaction already,
    that transaction decides."""
    if connection.vendor != "postgresql" or not transaction.get_autocommit():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def read_register(*, organisation_ids: Iterable[int] | None = None, status: str | None = None,
                  as_of: datetime.date | datetime.datetime | None = None,
                  include_retired: bool = True,
                  batch_activities: int = BATCH_ACTIVITIES,
                  progress: Callable[[int, int], object] | None = None) -> r.Register:
    """The register of the given organisations (all when None), current or as of a day
    (its end) or a moment: organisations with their contacts, third parties and
    activities, read a batch of organisations at a time as they are iterated
    (:class:`OrganisationBatches`). ``status`` keeps only activities with that status;
    without it, retired activities are left out unless ``include_retired``.
    ``progress(done, total)`` is told the activities gone through after each batch."""
    source = _source(as_of)
    organisations = source.objects(entities.Organisation)
    names = dict(organisations.values_list("id", "name"))
    if organisation_ids is not None:
        organisation_ids = list(organisation_ids)
        organisations = organisations.filter(id__in=organisation_ids)
    org_rows = {row["id"]: row for row in _rows(organisations, _columns(entities.Organisation))}

    selection = source.objects(processing.ProcessingActivity)
    if organisation_ids is not None:
        selection = selection.filter(organisation_id__in=organisation_ids)
    if status:
        selection = selection.filter(status=status)
    elif not include_retired:
        selection = selection.exclude(status=processing.ActivityStatus.RETIRED)
    counts = dict(selection.order_by().values("organisation_id").annotate(n=Count("id"))
                  .values_list("organisation_id", "n"))
    # An organisation whose history starts after its activities' (loaded without history)
    # is shown as it stands now, rather than its activities left out.
    missing = set(counts) - set(org_rows)
    if missing:
        current = entities.Organisation.objects.filter(id__in=missing)
        org_rows.update((row["id"], row) for row in _rows(current, _columns(entities.Organisation)))
        names.update((pk, row["name"]) for pk, row in org_rows.items() if pk not in names)
    rows = sorted(org_rows.values(), key=lambda row: (row["name"], row["id"]))
    return r.Register(
        organisations=OrganisationBatches(source, rows, selection, names, counts,
                                          batch_activities, progress),
        generated_at=timezone.now(),
        as_of=as_of,
    )
