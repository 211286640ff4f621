"""How complete each record is, Article 30 item by item, and each organisation's register.

A controller record is scored on the seven items of Art 30(1), (a) to (g); a processor
record on the four of Art 30(2), (a) to (d). Each item is complete, partial or missing,
with what is missing in words; an activity's score is the share of its items that are
complete (0-100). An organisation's completeness is the mean score of its current
activities and, per item, the share of the activities it applies to where it is complete.
docs/completeness.md gives the exact definition.

What the findings engine already says about an item is not said again here: the rules
mapped to an item (``Item.codes``) are run and their messages are the item's gaps, so a
rule changed or added for an item changes both. Only what the engine does not check (the
organisation's own contact details, its DPO and representative, the contact details of
joint controllers and controllers served) is checked here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from entities.models import ContactRole

from .findings import RULES_BY_CODE, Finding, activity_findings
from .findings.base import _  # messages translated once per language, as the rules' are
from .models import ActivityStatus, ProcessingActivity
from .register import read_activity
from .register.reader import read_in_chunks
from .register.records import Activity, Controller, ThirdParty


class Status(models.TextChoices):
    COMPLETE = "complete", gettext_lazy("complete")
    PARTIAL = "partial", gettext_lazy("partial")
    MISSING = "missing", gettext_lazy("missing")


class Record(models.TextChoices):
    CONTROLLER = "controller", gettext_lazy("controller record, Art 30(1)")
    PROCESSOR = "processor", gettext_lazy("processor record, Art 30(2)")


# --- what the engine does not check: the parties' identity and contact details ---------------

def _controller_gaps(controller: Controller | None, what: str) -> tuple[list[str], bool]:
    """The gaps of the organisation's own identity block (``what``: controller or
    processor), and whether nothing but its name is recorded."""
    if controller is None:
        return [str(_("The organisation keeping the record is not known."))], True
    gaps = []
    if not controller.has_contact_details:
        gaps.append(str(_("No contact details for the %(what)s %(name)s: record its address, "
                          "email or telephone.") % {"what": what, "name": controller.name}))
    role = next((r for r in (ContactRole.DPO, ContactRole.PRIVACY_CONTACT)
                 if controller.has_contact(r)), None)
    if role is None:
        gaps.append(str(_("No data protection officer (or, where none is appointed, privacy "
                          "contact) is recorded for %(name)s.") % {"name": controller.name}))
    elif not controller.reachable(role):
        gaps.append(str(_("The %(role)s of %(name)s has no contact details: record an email, "
                          "telephone or address.") % {"role": ContactRole(role).label,
                                                      "name": controller.name}))
    if (controller.needs_representative
            and not controller.has_contact(ContactRole.REPRESENTATIVE)):
        gaps.append(str(_("%(name)s is established outside the territory of its law: name its "
                          "Art 27 representative.") % {"name": controller.name}))
    bare = not controller.has_contact_details and not controller.contact_roles
    return gaps, bare


def _parties_gaps(parties: Iterable[ThirdParty], role: str) -> list[str]:
    return [str(_("%(name)s (%(role)s) has no contact details: record its address, email or "
                  "telephone.") % {"name": p.name, "role": role})
            for p in parties if not p.has_contact_details]


def _controller_identity(activity: Activity) -> tuple[list[str], bool]:
    gaps, bare = _controller_gaps(activity.controller, _("controller"))
    return gaps + _parties_gaps(activity.joint_controllers, _("joint controller")), bare


def _processor_identity(activity: Activity) -> tuple[list[str], bool]:
    gaps, _bare = _controller_gaps(activity.controller, _("processor"))
    return gaps + _parties_gaps(activity.controllers_served, _("controller served")), False


# --- the items -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One item of Art 30(1) or 30(2).

    ``codes``: the findings rules that speak for the item (each finding is a gap).
    ``empty_codes``: the rules that say the item is empty; the item is missing when all of
    them are raised. ``identity``: the checks the engine does not make (gaps, and whether
    the item holds nothing but a name)."""

    key: str
    record: str
    article: str
    title: str  # lazily translated
    codes: tuple[str, ...] = ()
    empty_codes: tuple[str, ...] = ()
    identity: Callable[[Activity], tuple[list[str], bool]] | None = None
    #: Missing when every transfer recorded is raised by this rule (a finding per transfer).
    each_transfer_code: str = ""


#: Rules that say a transfer lacks what Art 30(1)(e) asks: the third country identified, and
#: the safeguards (or, for an Art 49 derogation, their documentation).
_TRANSFER_CODES = ("CH5-MECHANISM", "CH5-MECHANISM-REGIME", "CH5-MECHANISM-DESTINATION",
                   "CH5-TRANSFER-MISSING", "A49-SAFEGUARDS", "CH5-TIA-UNNAMED",
                   "CH5-DPF-CERTIFIED")

CONTROLLER_ITEMS: tuple[Item, ...] = (
    Item("1a", Record.CONTROLLER, "Art 30(1)(a)",
         gettext_lazy("Name and contact details of the controller, joint controllers, "
                      "representative and DPO"),
         codes=("A26-JOINT",), identity=_controller_identity),
    Item("1b", Record.CONTROLLER, "Art 30(1)(b)", gettext_lazy("Purposes of the processing"),
         codes=("A30-PURPOSES",), empty_codes=("A30-PURPOSES",)),
    Item("1c", Record.CONTROLLER, "Art 30(1)(c)",
         gettext_lazy("Categories of data subjects and of personal data"),
         codes=("A30-SUBJECTS", "A30-DATA"), empty_codes=("A30-SUBJECTS", "A30-DATA")),
    Item("1d", Record.CONTROLLER, "Art 30(1)(d)",
         gettext_lazy("Categories of recipients (or none)"),
         codes=("A30-RECIPIENTS",), empty_codes=("A30-RECIPIENTS",)),
    Item("1e", Record.CONTROLLER, "Art 30(1)(e)",
         gettext_lazy("Transfers to third countries and their safeguards"),
         codes=_TRANSFER_CODES, each_transfer_code="CH5-MECHANISM"),
    Item("1f", Record.CONTROLLER, "Art 30(1)(f)",
         gettext_lazy("Time limits for erasure (retention)"),
         codes=("A30-RETENTION",), empty_codes=("A30-RETENTION",)),
    Item("1g", Record.CONTROLLER, "Art 30(1)(g)",
         gettext_lazy("Technical and organisational security measures"),
         codes=("A30-SECURITY",), empty_codes=("A30-SECURITY",)),
)

PROCESSOR_ITEMS: tuple[Item, ...] = (
    Item("2a", Record.PROCESSOR, "Art 30(2)(a)",
         gettext_lazy("Name and contact details of the processor, each controller served, "
                      "representative and DPO"),
         codes=("A30-CONTROLLERS", "A30-CONTROLLER-CONTACTS"), empty_codes=("A30-CONTROLLERS",),
         identity=_processor_identity),
    Item("2b", Record.PROCESSOR, "Art 30(2)(b)",
         gettext_lazy("Categories of processing carried out for each controller"),
         codes=("A30-PURPOSES",), empty_codes=("A30-PURPOSES",)),
    Item("2c", Record.PROCESSOR, "Art 30(2)(c)",
         gettext_lazy("Transfers to third countries and their safeguards"),
         codes=_TRANSFER_CODES, each_transfer_code="CH5-MECHANISM"),
    Item("2d", Record.PROCESSOR, "Art 30(2)(d)",
         gettext_lazy("Technical and organisational security measures"),
         codes=("A30-SECURITY",), empty_codes=("A30-SECURITY",)),
)

ITEMS: tuple[Item, ...] = CONTROLLER_ITEMS + PROCESSOR_ITEMS
_CONTROLLER_CODES = frozenset(code for item in CONTROLLER_ITEMS for code in item.codes)
_PROCESSOR_CODES = frozenset(code for item in PROCESSOR_ITEMS for code in item.codes)
ITEMS_BY_KEY = {item.key: item for item in ITEMS}

#: Rules of the engine that are not about an Art 30 item (the lawful basis, special data,
#: Art 28 contracts, DPIAs, upkeep): they do not count towards completeness. Every rule is
#: either mapped to an item or listed here (a test holds it).
OUTSIDE_ARTICLE_30 = frozenset({
    "A6-BASIS", "A6-LI-INTEREST", "A6-LI-LIA", "A7-CONSENT-RECORD", "A6-3-CITATION",
    "A9-CONDITION", "A10-CONDITION", "A28-CONTRACT", "A35-DPIA", "REVIEW-OVERDUE",
    "DRAFT-STALE", "A35-SCREENING", "A22-SAFEGUARDS", "A8-CHILD-CONSENT", "A14-SOURCE",
    "A13-NOTICE", "A26-ARRANGEMENT", "PECR-CONSENT", "SCH1-CONDITION", "SCH1-POLICY",
    "A6-EA-CONDITION", "A6-PUBLIC-AUTHORITY", "CH5-TIA",
})


#: The items' titles, translated once per language.
_TITLES: dict[str | None, dict[str, str]] = {}


def item_titles() -> dict[str, str]:
    """Each item's title in the active language, by key."""
    language = translation.get_language()
    titles = _TITLES.get(language)
    if titles is None:
        titles = _TITLES[language] = {item.key: str(item.title) for item in ITEMS}
    return titles


# --- scores ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemScore:
    item: Item
    status: str
    missing: tuple[str, ...] = ()

    def get_status_display(self) -> str:
        return str(Status(self.status).label)

    def as_dict(self, titles: dict[str, str] | None = None) -> dict:
        title = titles[self.item.key] if titles else str(self.item.title)
        return {"item": self.item.key, "article": self.item.article, "title": title,
                "status": self.status, "missing": list(self.missing)}


@dataclass(frozen=True)
class ActivityCompleteness:
    record: str
    items: tuple[ItemScore, ...]

    def get_record_display(self) -> str:
        return str(Record(self.record).label)

    @property
    def score(self) -> int:
        """The share of the items that are complete, 0 to 100."""
        complete = sum(1 for i in self.items if i.status == Status.COMPLETE)
        return round(100 * complete / len(self.items))

    def item(self, key: str) -> ItemScore:
        return next(i for i in self.items if i.item.key == key)

    def as_dict(self) -> dict:
        titles = item_titles()
        return {"record": self.record, "score": self.score,
                "items": [i.as_dict(titles) for i in self.items]}


def _score_item(item: Item, activity: Activity, raised: dict[str, list[str]]) -> ItemScore:
    gaps = [message for code in item.codes for message in raised.get(code, [])]
    empty = bool(item.empty_codes) and all(code in raised for code in item.empty_codes)
    if item.each_transfer_code and activity.transfers:
        empty = len(raised.get(item.each_transfer_code, [])) >= len(activity.transfers)
    if item.identity is not None:
        more, bare = item.identity(activity)
        gaps += more
        empty = empty or bare
    if empty:
        return ItemScore(item, Status.MISSING, tuple(gaps))
    return ItemScore(item, Status.PARTIAL if gaps else Status.COMPLETE, tuple(gaps))


def _raised(activity: Activity, codes: Iterable[str], today: datetime.date) -> dict[str, list[str]]:
    raised: dict[str, list[str]] = {}
    for code in codes:
        messages = [str(found[1]) for found in RULES_BY_CODE[code].check(activity, today)]
        if messages:
            raised[code] = messages
    return raised


def activity_completeness(activity: Activity | ProcessingActivity, *,
                          today: datetime.date | None = None,
                          findings: Iterable[Finding] | None = None) -> ActivityCompleteness:
    """The completeness of one activity (a record, or a saved activity read as it is
    stored), item by item; ``findings``, its findings when already found (the rules are
    then not run again). A retired activity is scored too: it shows what it held."""
    if not isinstance(activity, Activity):
        record = read_activity(activity.pk)
        if record is None:
            raise ProcessingActivity.DoesNotExist(f"No activity {activity.pk}.")
        activity = record
    items = PROCESSOR_ITEMS if activity.is_processor_record else CONTROLLER_ITEMS
    codes = _CONTROLLER_CODES if items is CONTROLLER_ITEMS else _PROCESSOR_CODES
    if findings is not None and activity.status != ActivityStatus.RETIRED:
        raised: dict[str, list[str]] = {}
        for finding in findings:
            if finding.code in codes:
                raised.setdefault(finding.code, []).append(finding.message)
    else:  # a retired activity has no findings: its rules are run for it
        raised = _raised(activity, codes, today or timezone.localdate())
    record = Record.PROCESSOR if activity.is_processor_record else Record.CONTROLLER
    return ActivityCompleteness(record, tuple(_score_item(i, activity, raised) for i in items))


# --- roll-up per organisation -------------------------------------------------------------------

@dataclass
class ItemShare:
    """How one item stands across an organisation's records it applies to."""

    item: Item
    complete: int = 0
    partial: int = 0
    missing: int = 0

    @property
    def records(self) -> int:
        return self.complete + self.partial + self.missing

    @property
    def share_complete(self) -> float | None:
        """Per cent of the records where the item is complete (None: no record it applies to)."""
        return round(100 * self.complete / self.records, 1) if self.records else None

    def as_dict(self) -> dict:
        return {"item": self.item.key, "article": self.item.article,
                "title": str(self.item.title), "records": self.records,
                "complete": self.complete, "partial": self.partial, "missing": self.missing,
                "share_complete": self.share_complete}


@dataclass
class OrganisationCompleteness:
    organisation_id: int
    name: str
    scores: list[int] = field(default_factory=list)
    items: dict[str, ItemShare] = field(
        default_factory=lambda: {item.key: ItemShare(item) for item in ITEMS})

    @property
    def activities(self) -> int:
        return len(self.scores)

    @property
    def score(self) -> float | None:
        """The mean score of its current activities (None: it has none)."""
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None

    @property
    def complete_activities(self) -> int:
        return sum(1 for s in self.scores if s == 100)

    def add(self, completeness: ActivityCompleteness) -> None:
        self.scores.append(completeness.score)
        for scored in completeness.items:
            share = self.items[scored.item.key]
            setattr(share, scored.status, getattr(share, scored.status) + 1)

    def as_dict(self) -> dict:
        return {"organisation": self.organisation_id, "name": self.name,
                "activities": self.activities, "complete_activities": self.complete_activities,
                "score": self.score, "items": [share.as_dict() for share in self.items.values()]}


@dataclass
class RegisterCompleteness:
    """Completeness of each current activity of a register, by id, and per organisation
    (in name order)."""

    activities: dict[int, ActivityCompleteness]
    organisations: list[OrganisationCompleteness]
    #: The findings of the same activities, read in the same pass (most severe first).
    findings: dict[int, list[Finding]] = field(default_factory=dict)

    def organisation(self, pk: int) -> OrganisationCompleteness | None:
        return next((o for o in self.organisations if o.organisation_id == pk), None)


def register_completeness(activities: models.QuerySet | None = None, *,
                          today: datetime.date | None = None,
                          chunk_size: int = 500) -> RegisterCompleteness:
    """The completeness of the current (not retired) activities of a queryset (default: the
    whole register), rolled up per organisation, with their findings (one reading serves
    both). Read a chunk of activities at a time: a fixed number of queries per chunk,
    whatever the number of organisations."""
    if activities is None:
        activities = ProcessingActivity.objects.all()
    today = today or timezone.localdate()
    ids = list(activities.exclude(status=ActivityStatus.RETIRED).order_by()
               .values_list("pk", flat=True))
    scored: dict[int, ActivityCompleteness] = {}
    findings: dict[int, list[Finding]] = {}
    by_org: dict[int, OrganisationCompleteness] = {}
    for record in read_in_chunks(sorted(ids), chunk_size):
        found = findings[record.id] = activity_findings(record, today=today)
        completeness = scored[record.id] = activity_completeness(record, today=today,
                                                                 findings=found)
        organisation = by_org.get(record.organisation_id)
        if organisation is None:
            organisation = by_org[record.organisation_id] = OrganisationCompleteness(
                record.organisation_id, record.organisation)
        organisation.add(completeness)
    return RegisterCompleteness(
        activities=scored,
        organisations=sorted(by_org.values(), key=lambda o: (o.name, o.organisation_id)),
        findings=findings)


def organisations_by_item(register: RegisterCompleteness) -> list[ItemShare]:
    """Per item, its counts summed over the organisations of ``register``."""
    shares = []
    for item in ITEMS:
        share = ItemShare(item)
        for organisation in register.organisations:
            own = organisation.items[item.key]
            share.complete += own.complete
            share.partial += own.partial
            share.missing += own.missing
        shares.append(share)
    return shares
