"""The compliance findings engine: one set of rules over the register.

The admin shows the findings on each activity, the API returns them with each activity
and the reports count them. A finding has a stable ``code`` (integrations may key on
it), a severity, the field to fix and a message that tells the DPO what to do.
Rules read the register's records (``processing.register``), never the database: one
activity is read in a fixed number of queries, and ``register_findings`` reads a whole
register in the same number per chunk of activities.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entities.models import PROCESSOR_KINDS, Adequacy
from entities.models.country import CHAPTER_V_REGIMES

from .models import (
    ActivityRole,
    ActivityStatus,
    DpiaStatus,
    LawfulBasisKind,
    ProcessingActivity,
    TransferMechanismKind,
)
from .models.reference import serves
from .register import read_activity
from .register.reader import read_in_chunks
from .register.records import Activity


class Severity(models.TextChoices):
    ERROR = "error", _("error")
    WARNING = "warning", _("warning")
    INFO = "info", _("info")


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    field: str = ""
    article: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    article: str
    title: str
    check: Callable[[Activity, datetime.date], Iterable[tuple[str, str]]]


RULES: list[Rule] = []


def rule(code: str, severity: str, article: str, title: str):
    """Register a rule. The function yields (field, message) pairs, one per finding."""

    def register(func):
        RULES.append(Rule(code, severity, article, title, func))
        return func

    return register


def _is_controller(activity: Activity) -> bool:
    return activity.is_controller_record


def _categories(activity):
    return activity.data_categories


def _bases(activity):
    return activity.lawful_bases


# --- Article 30 items -----------------------------------------------------------------

@rule("A30-PURPOSES", Severity.ERROR, "Art 30(1)(b) / 30(2)(b)", "Purposes recorded")
def _purposes(activity, today):
    if not activity.purposes:
        yield "purposes", _("No purpose is recorded: state why the data is processed "
                            "(for a processor, the categories of processing).")


@rule("A30-SUBJECTS", Severity.ERROR, "Art 30(1)(c)", "Data subjects recorded")
def _subjects(activity, today):
    if _is_controller(activity) and not activity.data_subjects:
        yield "data_subjects", _("No category of data subjects: say whose data this is.")


@rule("A30-DATA", Severity.ERROR, "Art 30(1)(c)", "Personal data recorded")
def _data(activity, today):
    if _is_controller(activity) and not _categories(activity):
        yield "data_categories", _("No category of personal data: list what data is processed.")


@rule("A30-RECIPIENTS", Severity.ERROR, "Art 30(1)(d)", "Recipients recorded")
def _recipients(activity, today):
    if (_is_controller(activity) and not activity.recipients_none
            and not activity.recipients):
        yield "recipients", _("No recipient is recorded: add who receives the data, "
                              "or tick 'no recipients'.")


@rule("A30-RETENTION", Severity.ERROR, "Art 30(1)(f)", "Retention recorded")
def _retention(activity, today):
    if _is_controller(activity) and not activity.retention_rules:
        yield "retention_rules", _("No retention rule: record how long the data is kept "
                                   "(a period such as P7Y, or the criteria).")


@rule("A30-SECURITY", Severity.ERROR, "Art 30(1)(g) / 30(2)(d)", "Security measures recorded")
def _security(activity, today):
    if not activity.security_measures and not activity.security_description.strip():
        yield "security_measures", _("No security measure: describe the technical and "
                                     "organisational measures that protect the data.")


@rule("A30-CONTROLLERS", Severity.ERROR, "Art 30(2)(a)", "Controllers served recorded")
def _controllers_served(activity, today):
    if activity.is_processor_record and not activity.controllers_served:
        yield "controllers_served", _("This is a processor record: name each controller "
                                      "on whose behalf the data is processed.")


@rule("A30-CONTROLLER-CONTACTS", Severity.WARNING, "Art 30(2)(a)",
      "DPO and representative of each controller served")
def _controller_contacts(activity, today):
    if not activity.is_processor_record:
        return
    for party in activity.controllers_served:
        if not (party.dpo_contact.strip() or party.representative_contact.strip()):
            yield "controllers_served", _(
                "%(name)s is a controller served with neither its DPO nor its Art 27 "
                "representative recorded: record their names and contact details on its "
                "third-party record (or that it has none)."
            ) % {"name": party.name}


@rule("A26-JOINT", Severity.ERROR, "Art 26 / 30(1)(a)", "Joint controllers named")
def _joint(activity, today):
    if activity.role == ActivityRole.JOINT_CONTROLLER and not activity.joint_controllers:
        yield "joint_controllers", _("The organisation is a joint controller: name the other "
                                     "controller(s) and their contact details.")


# --- Lawful basis -----------------------------------------------------------------------

@rule("A6-BASIS", Severity.ERROR, "Art 6(1)", "Lawful basis recorded")
def _basis(activity, today):
    if _is_controller(activity) and not _bases(activity):
        yield "lawful_bases", _("No lawful basis: record the Art 6(1) basis relied on.")


@rule("A6-LI-INTEREST", Severity.ERROR, "Art 6(1)(f)", "Legitimate interest stated")
def _li_interest(activity, today):
    for basis in _bases(activity):
        if basis.basis.kind == LawfulBasisKind.LEGITIMATE_INTERESTS and not (
            basis.legitimate_interest.strip()
        ):
            yield "lawful_bases", _("Legitimate interests is relied on without saying which "
                                    "interest is pursued.")


@rule("A6-LI-LIA", Severity.WARNING, "Art 6(1)(f)", "Legitimate interests assessment")
def _li_lia(activity, today):
    for basis in _bases(activity):
        if basis.basis.kind == LawfulBasisKind.LEGITIMATE_INTERESTS and not basis.lia_link:
            yield "lawful_bases", _("Legitimate interests is relied on with no link to the "
                                    "legitimate interests assessment (LIA).")


@rule("A7-CONSENT-RECORD", Severity.WARNING, "Art 7(1)", "Consent record")
def _consent(activity, today):
    for basis in _bases(activity):
        if (basis.basis.kind == LawfulBasisKind.CONSENT and not basis.consent_record_link
                and not basis.consent_description.strip()):
            yield "lawful_bases", _("Consent is relied on with no record of consent (a link, or "
                                    "how it is recorded): you must be able to show who "
                                    "consented.")


@rule("A6-3-CITATION", Severity.ERROR, "Art 6(3)", "Legal provision cited")
def _citation(activity, today):
    for basis in _bases(activity):
        if basis.basis.kind in (LawfulBasisKind.LEGAL_OBLIGATION, LawfulBasisKind.PUBLIC_TASK) \
                and not basis.citation.strip():
            yield "lawful_bases", _("%(basis)s is relied on without citing the law that sets "
                                    "it.") % {"basis": basis.basis.name}


# --- Special and criminal data ------------------------------------------------------------

@rule("A9-CONDITION", Severity.ERROR, "Art 9(2)", "Art 9 condition for special category data")
def _art9(activity, today):
    special = [c.name for c in _categories(activity) if c.special_category]
    if _is_controller(activity) and special and not activity.special_category_conditions:
        yield "special_category_conditions", _(
            "Special category data (%(names)s) is processed without an Art 9(2) condition."
        ) % {"names": ", ".join(special)}


@rule("A10-CONDITION", Severity.ERROR, "Art 10 / DPA 2018 Sch. 1 Pt 3",
      "Basis for criminal offence data")
def _art10(activity, today):
    criminal = [c.name for c in _categories(activity) if c.criminal_offence]
    covered = any(c.covers_criminal for c in activity.schedule1_conditions)
    if _is_controller(activity) and criminal and not covered:
        yield "schedule1_conditions", _(
            "Criminal offence data (%(names)s) is processed without an Art 10 / Schedule 1 "
            "condition."
        ) % {"names": ", ".join(criminal)}


@rule("SCH1-CONDITION", Severity.ERROR, "DPA 2018 s10, Sch. 1 Pts 1-2",
      "Sch. 1 condition for Art 9 in the UK")
def _schedule1(activity, today):
    if not _is_controller(activity) or activity.jurisdiction != "uk":
        return
    for condition in activity.special_category_conditions:
        part = condition.uk_schedule1_part
        if part and not any(c.part == part and c.covers_special
                            for c in activity.schedule1_conditions):
            yield "schedule1_conditions", _(
                "%(condition)s needs a DPA 2018 Schedule 1 Part %(part)s condition in the UK: "
                "record the condition relied on.") % {"condition": condition.label, "part": part}


@rule("SCH1-POLICY", Severity.ERROR, "DPA 2018 Sch. 1 Pt 4", "Appropriate policy document")
def _policy_document(activity, today):
    needing = [c.article for c in activity.schedule1_conditions if c.needs_policy_document]
    if needing and not activity.policy_document_link:
        yield "policy_document_link", _(
            "No appropriate policy document is linked, but the Schedule 1 conditions relied on "
            "need one (%(conditions)s; DPA 2018 Sch. 1 Part 4): link it.") % {
            "conditions": ", ".join(needing)}


@rule("A6-EA-CONDITION", Severity.ERROR, "UK GDPR Art 6(1)(ea), Annex 1",
      "Recognised legitimate interest named")
def _recognised_interest(activity, today):
    for basis in _bases(activity):
        if (basis.basis.kind == LawfulBasisKind.RECOGNISED_LEGITIMATE_INTERESTS
                and not basis.recognised_interest):
            yield "lawful_bases", _("A recognised legitimate interest is relied on without "
                                    "the UK GDPR Annex 1 condition: record which one.")


@rule("A6-PUBLIC-AUTHORITY", Severity.WARNING, "Art 6(1) second subparagraph",
      "Legitimate interests of a public authority")
def _public_authority(activity, today):
    if not activity.public_authority:
        return
    for basis in _bases(activity):
        if basis.basis.kind in (LawfulBasisKind.LEGITIMATE_INTERESTS,
                                LawfulBasisKind.RECOGNISED_LEGITIMATE_INTERESTS):
            yield "lawful_bases", _(
                "The organisation is a public authority: %(basis)s is not available for the "
                "performance of its tasks; rely on public task (Art 6(1)(e)) unless the "
                "processing is outside them.") % {"basis": basis.basis.label}


# --- Transfers and processors -----------------------------------------------------------------

def _chapter_v(activity) -> bool:
    """True when the organisation exports under the EU GDPR or the UK GDPR: under another
    regime no Chapter V rule of either is checked."""
    return activity.jurisdiction in CHAPTER_V_REGIMES


def _regime(jurisdiction: str) -> str:
    return str(_("UK law") if jurisdiction == "uk" else _("EU law"))


#: What an exporter under each regime relies on instead of another regime's instrument,
#: by kind of mechanism.
_INSTEAD = {
    "uk": {
        TransferMechanismKind.ADEQUACY: _("UK adequacy regulations"),
        TransferMechanismKind.DPF: _("the UK Extension to the DPF (UK-US data bridge)"),
        TransferMechanismKind.SCC: _("the UK Addendum to the EU SCCs, or the IDTA"),
    },
    "eu": {
        TransferMechanismKind.ADEQUACY: _("an EU adequacy decision"),
        TransferMechanismKind.DPF: _("the EU-US Data Privacy Framework"),
        TransferMechanismKind.IDTA: _("the EU standard contractual clauses"),
        TransferMechanismKind.UK_ADDENDUM: _("the EU standard contractual clauses"),
    },
}


@rule("CH5-MECHANISM", Severity.ERROR, "Art 44-46", "Transfer mechanism")
def _transfer_mechanism(activity, today):
    if not _chapter_v(activity):
        return
    jurisdiction = activity.jurisdiction
    for transfer in activity.transfers:
        if transfer.mechanism is not None:
            continue
        if not transfer.adequate_for(jurisdiction):
            destination = transfer.destination_label
            yield "transfers", _("The transfer to %(destination)s has no transfer mechanism: "
                                 "record the safeguard (SCCs, IDTA, DPF...) or the Art 49 "
                                 "derogation relied on.") % {"destination": destination}


@rule("CH5-MECHANISM-REGIME", Severity.ERROR, "Art 44; UK GDPR Art 44",
      "Mechanism of the exporter's law")
def _mechanism_regime(activity, today):
    if not _chapter_v(activity):
        return
    jurisdiction = activity.jurisdiction
    for transfer in activity.transfers:
        mechanism = transfer.mechanism
        if mechanism is None or serves(mechanism.jurisdiction, jurisdiction):
            continue
        instead = _INSTEAD[jurisdiction].get(mechanism.kind)
        yield "transfers", _(
            "The transfer to %(destination)s relies on %(mechanism)s, an instrument of "
            "%(theirs)s, but the organisation exports under %(ours)s: record %(instead)s."
        ) % {"destination": transfer.destination_label, "mechanism": mechanism.name,
             "theirs": _regime(mechanism.jurisdiction), "ours": _regime(jurisdiction),
             "instead": instead or _("a mechanism of %(ours)s") % {"ours": _regime(jurisdiction)}}


@rule("CH5-MECHANISM-DESTINATION", Severity.ERROR, "Art 45(1)",
      "Adequacy of the destination")
def _mechanism_destination(activity, today):
    if not _chapter_v(activity):
        return
    jurisdiction = activity.jurisdiction
    for transfer in activity.transfers:
        mechanism = transfer.mechanism
        if mechanism is None or not serves(mechanism.jurisdiction, jurisdiction):
            continue  # no mechanism, or one of another law: other rules say so
        adequacy = transfer.adequacy_for(jurisdiction)
        if mechanism.kind == TransferMechanismKind.ADEQUACY and adequacy == Adequacy.NONE:
            yield "transfers", _(
                "The transfer to %(destination)s relies on %(mechanism)s, but %(destination)s "
                "has no adequacy under %(ours)s: record the Art 46 safeguard (SCCs, IDTA...) "
                "or the Art 49 derogation relied on."
            ) % {"destination": transfer.destination_label, "mechanism": mechanism.name,
                 "ours": _regime(jurisdiction)}
        elif (mechanism.kind == TransferMechanismKind.DPF and transfer.country is not None
              and transfer.country.code != "US"):
            yield "transfers", _(
                "The transfer to %(destination)s relies on %(mechanism)s, which covers "
                "certified organisations in the United States only: record the mechanism that "
                "covers %(destination)s."
            ) % {"destination": transfer.destination_label, "mechanism": mechanism.name}


@rule("CH5-TRANSFER-MISSING", Severity.ERROR, "Art 30(1)(e); Art 44",
      "Transfer to a recipient abroad recorded")
def _transfer_missing(activity, today):
    if not _chapter_v(activity):
        return
    jurisdiction = activity.jurisdiction
    importers = {t.third_party.id for t in activity.transfers if t.third_party is not None}
    # A transfer that names no importer covers the recipients of its country.
    countries = {t.country.id for t in activity.transfers
                 if t.third_party is None and t.country is not None}
    seen = set()
    for recipient in activity.recipients:
        party = recipient.third_party
        if party is None or party.country is None or party.id in seen:
            continue
        seen.add(party.id)
        if (party.country.adequate_for(jurisdiction) or party.id in importers
                or party.country.id in countries):
            continue
        yield "transfers", _(
            "%(name)s receives the data in %(country)s, which is not adequate under %(ours)s, "
            "but no transfer to it is recorded: record the transfer and its mechanism."
        ) % {"name": party.name, "country": party.country.name, "ours": _regime(jurisdiction)}


@rule("CH5-TIA", Severity.WARNING, "Art 46(1)", "Transfer impact assessment")
def _tia(activity, today):
    if not _chapter_v(activity):
        return
    for transfer in activity.transfers:
        mechanism = transfer.mechanism
        if (mechanism is not None and mechanism.kind in _ASSESSED and transfer.destination_named
                and not transfer.tia_link):
            yield "transfers", _(
                "The transfer to %(destination)s relies on %(mechanism)s with no transfer impact "
                "assessment: assess the law and practice of the destination and link the TIA."
            ) % {"destination": transfer.destination_label, "mechanism": mechanism.name}


#: Mechanisms that hold only where the exporter has assessed the destination's law and
#: practice (Schrems II, C-311/18; the ICO's transfer risk assessment).
_ASSESSED = (TransferMechanismKind.SCC, TransferMechanismKind.IDTA,
             TransferMechanismKind.UK_ADDENDUM)


@rule("CH5-TIA-UNNAMED", Severity.WARNING, "Art 46(1)", "Unnamed destinations assessed")
def _unnamed_destinations(activity, today):
    if not _chapter_v(activity):
        return
    for transfer in activity.transfers:
        if not transfer.destination_named and not transfer.tia_link:
            mechanism = transfer.mechanism.name if transfer.mechanism else _("no mechanism")
            yield "transfers", _("A transfer under %(mechanism)s names no destination country: "
                                 "assess where the data goes (transfer impact assessment) and "
                                 "link the TIA, or name the countries.") % {"mechanism": mechanism}


@rule("A49-SAFEGUARDS", Severity.ERROR, "Art 49(1) / 30(1)(e)", "Derogation documented")
def _derogation(activity, today):
    if not _chapter_v(activity):
        return
    for transfer in activity.transfers:
        mechanism = transfer.mechanism
        if (mechanism is not None and mechanism.kind == TransferMechanismKind.DEROGATION
                and mechanism.requires_documented_safeguards
                and not (transfer.safeguards.strip() or transfer.safeguard_document_link)):
            yield "transfers", _("The transfer relies on %(mechanism)s without documented "
                                 "safeguards: record the assessment and the safeguards.") % {
                "mechanism": mechanism.article}


@rule("CH5-DPF-CERTIFIED", Severity.WARNING, "Art 45(3)", "Importer DPF-certified")
def _dpf(activity, today):
    if not _chapter_v(activity):
        return
    for transfer in activity.transfers:
        mechanism, importer = transfer.mechanism, transfer.third_party
        if (mechanism is not None and mechanism.kind == TransferMechanismKind.DPF
                and importer is not None and not importer.dpf_certified):
            yield "transfers", _("%(importer)s is relied on as DPF-certified but its record "
                                 "does not say so: check the DPF list.") % {"importer": importer}


@rule("A28-CONTRACT", Severity.ERROR, "Art 28(3)", "Processor contract")
def _processor_contract(activity, today):
    for recipient in activity.recipients:
        party = recipient.third_party
        if party is not None and party.kind in PROCESSOR_KINDS and not party.contract_link:
            yield "recipients", _("%(name)s is a processor with no link to its Art 28 "
                                  "contract.") % {"name": party.name}


# --- Risk -----------------------------------------------------------------------------------

def _sensitive_kinds(activity: Activity) -> list[str]:
    """What makes the data sensitive or highly personal (EDPB criterion 4)."""
    categories = _categories(activity)
    kinds = []
    if any(c.special_category for c in categories):
        kinds.append(str(_("special category data")))
    if any(c.criminal_offence for c in categories):
        kinds.append(str(_("criminal offence data")))
    if any(c.biometric for c in categories):
        kinds.append(str(_("biometric or genetic data")))
    if any(c.tracking for c in categories):
        kinds.append(str(_("location or behaviour tracking")))
    return kinds


def dpia_criteria(activity: Activity | ProcessingActivity) -> list[str]:
    """The EDPB's nine DPIA screening criteria (WP248 rev.01) the activity meets, in the
    guidelines' order, each named with what meets it. The register says most of them
    already (its data categories, subjects and decisions); the activity's screening flags
    say the rest. A decision with legal or similar effect is an evaluation as well (Art
    35(3)(a)), so it meets two criteria on its own."""
    activity = _record(activity)
    criteria = []
    if (activity.evaluation_or_scoring or activity.automated_decision_making
            or activity.automated_decision_legal_effect):
        criteria.append(str(_("evaluation or scoring")))
    if activity.automated_decision_legal_effect:
        criteria.append(str(_("automated decisions with legal or similar effect")))
    if activity.systematic_monitoring:
        criteria.append(str(_("systematic monitoring")))
    sensitive = _sensitive_kinds(activity)
    if sensitive:
        criteria.append(", ".join(sensitive))
    if activity.large_scale:
        criteria.append(str(_("large scale")))
    if activity.matching_datasets:
        criteria.append(str(_("matching or combining datasets")))
    if activity.involves_vulnerable:
        criteria.append(str(_("children's data")) if activity.involves_children
                        else str(_("vulnerable data subjects")))
    if activity.innovative_technology:
        criteria.append(str(_("innovative technology")))
    if activity.prevents_exercise_of_right:
        criteria.append(str(_("preventing the exercise of a right or the use of a service")))
    return criteria


def _ico_list(activity: Activity) -> list[str]:
    """Processing on the ICO's list (Art 35(4)) that needs a DPIA on its own, for a UK
    organisation: matching data from several sources, and children's data used for
    profiling, automated decisions or marketing. (Its other entries, innovative
    technology, biometrics, tracking, need another criterion, as the EDPB's do.)"""
    if activity.jurisdiction != "uk":
        return []
    found = []
    if activity.matching_datasets:
        found.append(str(_("ICO list: data matching")))
    if activity.involves_children and (
            activity.evaluation_or_scoring or activity.automated_decision_making
            or activity.automated_decision_legal_effect or activity.does_direct_marketing):
        found.append(str(_("ICO list: children targeted for profiling or marketing")))
    return found


def dpia_triggers(activity: Activity | ProcessingActivity) -> list[str]:
    """Why a DPIA is expected for the activity (Art 35(1), (3) and (4)): two or more of the
    EDPB's screening criteria, or an entry of the ICO's list that needs no other. Empty
    when none is expected: one criterion alone is a matter of screening
    (``dpia_criteria``)."""
    activity = _record(activity)
    criteria = dpia_criteria(activity)
    ico = _ico_list(activity)
    if len(criteria) >= 2 or ico:
        return criteria + ico
    return []


def _dpia_recorded(activity: Activity) -> bool:
    return bool(activity.dpia_link) or activity.dpia_status in (
        DpiaStatus.IN_PROGRESS, DpiaStatus.COMPLETED)


@rule("A35-DPIA", Severity.ERROR, "Art 35", "DPIA where required")
def _dpia(activity, today):
    triggers = dpia_triggers(activity)
    if _is_controller(activity) and triggers and not _dpia_recorded(activity):
        yield "dpia_status", _("A DPIA is expected (%(why)s) but none is recorded: start one "
                               "and link it.") % {"why": ", ".join(triggers)}


@rule("A35-SCREENING", Severity.INFO, "Art 35(1)", "DPIA screening recorded")
def _dpia_screening(activity, today):
    criteria = dpia_criteria(activity)
    if (_is_controller(activity) and len(criteria) == 1 and not dpia_triggers(activity)
            and not activity.dpia_required and not _dpia_recorded(activity)):
        yield "dpia_required", _("One DPIA screening criterion is met (%(why)s): a DPIA is "
                                 "expected when two are; record whether one is required.") % {
            "why": criteria[0]}


@rule("A22-SAFEGUARDS", Severity.ERROR, "Art 22(3)", "Safeguards for automated decisions")
def _art22(activity, today):
    if (_is_controller(activity) and activity.automated_decision_legal_effect
            and not activity.automated_decision_safeguards.strip()):
        yield "automated_decision_safeguards", _(
            "Decisions with legal or similarly significant effect are made by automated "
            "means: describe how people obtain human intervention, give their view and "
            "contest the decision.")


@rule("A8-CHILD-CONSENT", Severity.ERROR, "Art 8(1)-(2)", "Children's consent")
def _art8(activity, today):
    consent = any(b.basis.kind == LawfulBasisKind.CONSENT for b in _bases(activity))
    if (_is_controller(activity) and consent and activity.involves_children
            and not activity.children_consent.strip()):
        yield "children_consent", _(
            "Children's data is processed on consent: record how age is checked and how "
            "consent is given or authorised by the holder of parental responsibility.")


# --- Transparency, joint control, marketing ---------------------------------------------------

@rule("A14-SOURCE", Severity.WARNING, "Art 14(2)(f)", "Source of data not from the person")
def _art14(activity, today):
    if (_is_controller(activity) and activity.data_from_other_sources
            and not activity.source_of_data.strip()):
        yield "source_of_data", _("Some data is obtained from others: say where it comes "
                                  "from (people must be told the source).")


@rule("A13-NOTICE", Severity.WARNING, "Art 13, 14", "Privacy notice")
def _notice(activity, today):
    if _is_controller(activity) and not activity.privacy_notice_link:
        yield "privacy_notice_link", _("No link to the privacy notice: link the notice that "
                                       "tells people about this processing.")


@rule("A26-ARRANGEMENT", Severity.WARNING, "Art 26(1)-(2)", "Joint controller arrangement")
def _arrangement(activity, today):
    if activity.role == ActivityRole.JOINT_CONTROLLER and not activity.joint_arrangement_link:
        yield "joint_arrangement_link", _(
            "The organisation is a joint controller with no link to the arrangement that sets "
            "each controller's duties: link it.")


@rule("PECR-CONSENT", Severity.ERROR, "PECR reg 22 / ePrivacy Art 13", "Consent to e-marketing")
def _pecr(activity, today):
    consent = any(b.basis.kind == LawfulBasisKind.CONSENT for b in _bases(activity))
    if activity.electronic_marketing and not consent and not activity.soft_opt_in:
        yield "electronic_marketing", _(
            "Electronic direct marketing needs the recipient's consent: rely on consent, or "
            "record that the soft opt-in applies (existing customers, similar products, a "
            "chance to refuse each time).")


# --- Upkeep ---------------------------------------------------------------------------------

@rule("REVIEW-OVERDUE", Severity.WARNING, "Art 5(2), 24(1)", "Review date")
def _review(activity, today):
    if activity.next_review_on and activity.next_review_on < today:
        yield "next_review_on", _("The review was due on %(date)s: review the record and "
                                  "approve it again.") % {"date": activity.next_review_on}


@rule("DRAFT-STALE", Severity.INFO, "Art 30(1)", "Draft left open")
def _draft(activity, today):
    days = settings.ROPA_DRAFT_STALE_DAYS
    # A draft since its creation, or since it went back to draft.
    since = activity.status_changed_at or activity.created_at
    if activity.status == ActivityStatus.DRAFT and since and (
        today - timezone.localdate(since)
    ).days > days:
        yield "status", _("The record has been a draft for more than %(days)s days: complete "
                          "it and submit it for review.") % {"days": days}


RULES_BY_CODE = {r.code: r for r in RULES}


def _findings(activity: Activity, today: datetime.date) -> list[Finding]:
    """The findings of one activity record, most severe first. A retired activity has none."""
    if activity.status == ActivityStatus.RETIRED:
        return []
    findings = [
        Finding(code=r.code, severity=r.severity, message=str(message), field=field,
                article=r.article)
        for r in RULES
        for field, message in r.check(activity, today)
    ]
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return findings


def _record(activity: Activity | ProcessingActivity) -> Activity:
    if isinstance(activity, Activity):
        return activity
    record = read_activity(activity.pk)
    if record is None:
        raise ProcessingActivity.DoesNotExist(f"No activity {activity.pk}.")
    return record


def activity_findings(activity: Activity | ProcessingActivity, *,
                      today: datetime.date | None = None) -> list[Finding]:
    """The findings of one activity (a record, or a saved activity, read as it is stored),
    most severe first. A retired activity has none."""
    return _findings(_record(activity), today or timezone.localdate())


def register_findings(activities: models.QuerySet | None = None, *,
                      today: datetime.date | None = None,
                      chunk_size: int = 500) -> dict[int, list[Finding]]:
    """Findings of every activity of a queryset (default: the whole register), by id, in
    the order of the queryset. The activities are read a chunk at a time."""
    if activities is None:
        activities = ProcessingActivity.objects.all()
    today = today or timezone.localdate()
    rows = list(activities.values_list("pk", "status"))
    order = [pk for pk, _status in rows]
    found = {pk: [] for pk, status in rows if status == ActivityStatus.RETIRED}
    current = [pk for pk, status in rows if status != ActivityStatus.RETIRED]
    for record in read_in_chunks(current, chunk_size):
        found[record.id] = _findings(record, today)
    return {pk: found[pk] for pk in order if pk in found}  # unless deleted meanwhile


# --- stored summaries -----------------------------------------------------------------------

#: Activities with at least one finding, as a filter over their stored summaries.
HAS_FINDINGS = (models.Q(finding_summary__errors__gt=0) | models.Q(finding_summary__warnings__gt=0)
                | models.Q(finding_summary__notes__gt=0))
#: The summary's count of each severity.
SEVERITY_COUNTS = {Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "notes"}


def refresh_summaries(activities: models.QuerySet, *, today: datetime.date | None = None,
                      chunk_size: int = 500) -> int:
    """Run the rules over ``activities`` and store each one's summary (counts by severity
    and codes, for its current version and ``today``); answers how many were stored."""
    from .models import FindingSummary

    today = today or timezone.localdate()
    rows = list(activities.order_by().values_list("pk", "status", "version"))
    summaries = [FindingSummary(activity_id=pk, version=version, checked_on=today)
                 for pk, status, version in rows if status == ActivityStatus.RETIRED]
    current = [pk for pk, status, _version in rows if status != ActivityStatus.RETIRED]
    for record in read_in_chunks(current, chunk_size):
        found = _findings(record, today)
        summary = FindingSummary(activity_id=record.id, version=record.version, checked_on=today,
                                 codes=sorted({f.code for f in found}))
        for finding in found:
            name = SEVERITY_COUNTS[finding.severity]
            setattr(summary, name, getattr(summary, name) + 1)
        summaries.append(summary)
    for start in range(0, len(summaries), chunk_size):
        FindingSummary.objects.bulk_create(
            summaries[start:start + chunk_size], update_conflicts=True, unique_fields=["activity"],
            update_fields=["version", "checked_on", "errors", "warnings", "notes", "codes"])
    return len(summaries)


def with_fresh_summaries(activities: models.QuerySet, *, today: datetime.date | None = None
                         ) -> models.QuerySet:
    """``activities``, once the stored summary of each holds for its current version and
    today (those that do not are made again): filter it by ``finding_summary__...`` then."""
    today = today or timezone.localdate()
    stale = activities.exclude(finding_summary__checked_on=today,
                               finding_summary__version=models.F("version"))
    refresh_summaries(stale, today=today)
    return activities


def forget_summaries(*, organisation_id: int | None = None) -> None:
    """Drop the stored summaries that a change outside the activities may have made wrong
    (a third party's contract, an organisation's jurisdiction, the reference data): of one
    organisation's activities, or all. They are made again when next read."""
    from .models import FindingSummary

    summaries = FindingSummary.objects.all()
    if organisation_id is not None:
        summaries = summaries.filter(activity__organisation_id=organisation_id)
    summaries.delete()
