"""The findings rules as a table: for each rule, the records that raise it and those that do
not, at each boundary, with the exact findings expected.

A case is a code, a spec of the record (built by ``build``) and the messages of the findings
of that code, in order; no message means the rule stays quiet. The tests in
``test_findings_rules.py`` read this table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from entities.models import RecipientCategory, ThirdParty
from processing.models import (
    ActivityRole,
    ProcessingActivity,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from tests.factories import (
    ActivityFactory,
    LawfulBasisUseFactory,
    OrganisationFactory,
    PurposeFactory,
    RecipientFactory,
    RetentionRuleFactory,
    ThirdPartyFactory,
    TransferFactory,
    basis,
    country,
    data_category,
    mechanism,
    subject_category,
)

#: The date the rules are run on: in British Summer Time, so that a local date differs from
#: the UTC date in the last hour of each day.
TODAY = datetime.date(2026, 7, 15)
DAY = datetime.timedelta(days=1)

ROLES = list(ActivityRole.values)
CONTROLLER_ROLES = {ActivityRole.CONTROLLER, ActivityRole.JOINT_CONTROLLER}
PROCESSOR_ROLES = {ActivityRole.PROCESSOR, ActivityRole.SUB_PROCESSOR}

#: What docs/findings.md promises for each rule: severity, article, the field the admin
#: links to, and the roles of the organisation for which the rule applies. Art 9, Art 10 and
#: Art 35 are duties of the controller, and the processor record of Art 30(2) holds no
#: condition and no DPIA: those rules concern the controller roles.
RULE_TABLE = {
    "A30-PURPOSES": ("error", "Art 30(1)(b) / 30(2)(b)", "purposes", set(ROLES)),
    "A30-SUBJECTS": ("error", "Art 30(1)(c)", "data_subjects", CONTROLLER_ROLES),
    "A30-DATA": ("error", "Art 30(1)(c)", "data_categories", CONTROLLER_ROLES),
    "A30-RECIPIENTS": ("error", "Art 30(1)(d)", "recipients", CONTROLLER_ROLES),
    "A30-RETENTION": ("error", "Art 30(1)(f)", "retention_rules", CONTROLLER_ROLES),
    "A30-SECURITY": ("error", "Art 30(1)(g) / 30(2)(d)", "security_measures", set(ROLES)),
    "A30-CONTROLLERS": ("error", "Art 30(2)(a)", "controllers_served", PROCESSOR_ROLES),
    "A30-CONTROLLER-CONTACTS": ("warning", "Art 30(2)(a)", "controllers_served", PROCESSOR_ROLES),
    "A26-JOINT": ("error", "Art 26 / 30(1)(a)", "joint_controllers", {ActivityRole.JOINT_CONTROLLER}),
    "A6-BASIS": ("error", "Art 6(1)", "lawful_bases", CONTROLLER_ROLES),
    "A6-LI-INTEREST": ("error", "Art 6(1)(f)", "lawful_bases", set(ROLES)),
    "A6-LI-LIA": ("warning", "Art 6(1)(f)", "lawful_bases", set(ROLES)),
    "A7-CONSENT-RECORD": ("warning", "Art 7(1)", "lawful_bases", set(ROLES)),
    "A6-3-CITATION": ("error", "Art 6(3)", "lawful_bases", set(ROLES)),
    "A9-CONDITION": ("error", "Art 9(2)", "special_category_conditions", CONTROLLER_ROLES),
    "A10-CONDITION": ("error", "Art 10 / DPA 2018 Sch. 1 Pt 3", "schedule1_conditions", CONTROLLER_ROLES),
    "CH5-MECHANISM": ("error", "Art 44-46", "transfers", set(ROLES)),
    "CH5-MECHANISM-REGIME": ("error", "Art 44; UK GDPR Art 44", "transfers", set(ROLES)),
    "CH5-MECHANISM-DESTINATION": ("error", "Art 45(1)", "transfers", set(ROLES)),
    "CH5-TRANSFER-MISSING": ("error", "Art 30(1)(e); Art 44", "transfers", set(ROLES)),
    "CH5-TIA": ("warning", "Art 46(1)", "transfers", set(ROLES)),
    "A49-SAFEGUARDS": ("error", "Art 49(1) / 30(1)(e)", "transfers", set(ROLES)),
    "CH5-TIA-UNNAMED": ("warning", "Art 46(1)", "transfers", set(ROLES)),
    "CH5-DPF-CERTIFIED": ("warning", "Art 45(3)", "transfers", set(ROLES)),
    "A28-CONTRACT": ("error", "Art 28(3)", "recipients", set(ROLES)),
    "A35-DPIA": ("error", "Art 35", "dpia_status", CONTROLLER_ROLES),
    "A35-SCREENING": ("info", "Art 35(1)", "dpia_required", CONTROLLER_ROLES),
    "A22-SAFEGUARDS": ("error", "Art 22(3)", "automated_decision_safeguards", CONTROLLER_ROLES),
    "A8-CHILD-CONSENT": ("error", "Art 8(1)-(2)", "children_consent", CONTROLLER_ROLES),
    "A14-SOURCE": ("warning", "Art 14(2)(f)", "source_of_data", CONTROLLER_ROLES),
    "A13-NOTICE": ("warning", "Art 13, 14", "privacy_notice_link", CONTROLLER_ROLES),
    "A26-ARRANGEMENT": ("warning", "Art 26(1)-(2)", "joint_arrangement_link",
                        {ActivityRole.JOINT_CONTROLLER}),
    "PECR-CONSENT": ("error", "PECR reg 22 / ePrivacy Art 13", "electronic_marketing", set(ROLES)),
    "SCH1-CONDITION": ("error", "DPA 2018 s10, Sch. 1 Pts 1-2", "schedule1_conditions",
                       CONTROLLER_ROLES),
    "SCH1-POLICY": ("error", "DPA 2018 Sch. 1 Pt 4", "policy_document_link", set(ROLES)),
    "A6-EA-CONDITION": ("error", "UK GDPR Art 6(1)(ea), Annex 1", "lawful_bases", set(ROLES)),
    "A6-PUBLIC-AUTHORITY": ("warning", "Art 6(1) second subparagraph", "lawful_bases", set(ROLES)),
    "REVIEW-OVERDUE": ("warning", "Art 5(2), 24(1)", "next_review_on", set(ROLES)),
    "DRAFT-STALE": ("info", "Art 30(1)", "status", set(ROLES)),
}


# --- Building a record from a spec ------------------------------------------------------------

#: Reference terms the shipped data lacks, made by the cases that need them.
SPECIAL_ONLY_SCH1 = "TEST-S1-SPECIAL-ONLY"
UNDOCUMENTED_DEROGATION = "TEST-A49-NO-SAFEGUARDS"


def _schedule1(code: str) -> Schedule1Condition:
    if code == SPECIAL_ONLY_SCH1:
        return Schedule1Condition.objects.get_or_create(code=code, defaults={
            "name": "A condition for special category data only", "article": "Sch. 1 test",
            "part": "2", "applies_to": "special"})[0]
    return Schedule1Condition.objects.get(code=code)


def _mechanism(code: str | None) -> TransferMechanism | None:
    if code == UNDOCUMENTED_DEROGATION:
        return TransferMechanism.objects.get_or_create(code=code, defaults={
            "name": "A derogation with nothing to document", "article": "Art 49 test",
            "kind": "derogation", "requires_documented_safeguards": False})[0]
    return None if code is None else mechanism(code)


def _utc(date: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=datetime.UTC)


def build(spec: dict) -> ProcessingActivity:
    """A record of a fresh organisation as ``spec`` describes it; any key not listed below is
    a field of the activity. Related rows: ``purposes`` (a count), ``subjects``,
    ``categories``, ``art9``, ``sch1`` (codes), ``measures`` (a count), ``joint`` and
    ``served`` (counts of third parties), ``bases``, ``recipients``, ``retention``,
    ``transfers`` (dicts of their fields, with codes and names for the references). ``served``
    may also list the fields of each controller served; a recipient's ``country`` is a code,
    and a transfer's ``importer`` the fields of a new third party or the name of a recipient's."""
    spec = dict(spec)
    organisation = OrganisationFactory(jurisdiction=spec.pop("jurisdiction", "uk"),
                                       public_authority=spec.pop("public_authority", False))
    purposes, measures = spec.pop("purposes", 0), spec.pop("measures", 0)
    subjects, categories = spec.pop("subjects", ()), spec.pop("categories", ())
    art9, sch1 = spec.pop("art9", ()), spec.pop("sch1", ())
    joint, served = spec.pop("joint", 0), spec.pop("served", 0)
    bases, recipients = spec.pop("bases", ()), spec.pop("recipients", ())
    retention, transfers = spec.pop("retention", ()), spec.pop("transfers", ())
    created_at = spec.pop("created_at", None)
    spec.setdefault("status", "active")
    activity = ActivityFactory(organisation=organisation, **spec)

    for _ in range(purposes):
        PurposeFactory(activity=activity)
    # Only the lists the case fills are written: a few queries per case.
    if subjects:
        activity.data_subjects.set([subject_category(code) for code in subjects])
    for code in categories:  # one at a time: the links are made in the order listed, not by name
        activity.data_categories.add(data_category(code))
    if art9:
        activity.special_category_conditions.set(SpecialCategoryCondition.objects.filter(code__in=art9))
    if sch1:
        activity.schedule1_conditions.set([_schedule1(code) for code in sch1])
    if measures:
        activity.security_measures.set(SecurityMeasure.objects.order_by("code")[:measures])
    if joint:
        activity.joint_controllers.set([ThirdPartyFactory(organisation=organisation, kind="joint_controller")
                                        for _ in range(joint)])
    if served:
        fields = [{}] * served if isinstance(served, int) else served
        activity.controllers_served.set([ThirdPartyFactory(organisation=organisation, kind="controller",
                                                           **party) for party in fields])
    for use in bases:
        use = dict(use)
        limited_to = use.pop("limited_to", ())
        made = LawfulBasisUseFactory(activity=activity, basis=basis(use.pop("basis")), **use)
        if limited_to:
            made.data_categories.set([data_category(code) for code in limited_to])
    for recipient in recipients:
        if recipient == "category":
            RecipientFactory(activity=activity, third_party=None,
                             category=RecipientCategory.objects.order_by("code").first())
        else:
            recipient = dict(recipient)
            if recipient.get("country"):
                recipient["country"] = country(recipient["country"])
            RecipientFactory(activity=activity, third_party=ThirdPartyFactory(
                organisation=organisation, **recipient))
    for rule in retention:
        rule = dict(rule)
        code = rule.pop("category", None)
        RetentionRuleFactory(activity=activity, data_category=data_category(code) if code else None, **rule)
    for transfer in transfers:
        transfer = dict(transfer)
        importer = transfer.pop("importer", None)
        code = transfer.pop("country", None)
        if isinstance(importer, str):
            importer = ThirdParty.objects.get(organisation=organisation, name=importer)
        elif importer:
            importer = ThirdPartyFactory(organisation=organisation, **importer)
        TransferFactory(
            activity=activity, country=country(code) if code else None,
            mechanism=_mechanism(transfer.pop("mechanism", None)), third_party=importer,
            **transfer)
    if created_at is not None:
        ProcessingActivity.objects.filter(pk=activity.pk).update(created_at=created_at)
    return activity


# --- The table ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    code: str
    name: str
    spec: dict
    messages: tuple[str, ...]
    settings: dict = field(default_factory=dict)

    @property
    def raised(self) -> bool:
        return bool(self.messages)

    @property
    def id(self) -> str:
        return f"{self.code}:{self.name}:{'raised' if self.raised else 'quiet'}"


CASES: list[Case] = []


def cases(code: str, *rows) -> None:
    """Rows of (name, spec, messages) for the rule ``code``; the first row that raises is
    the rule's breaking case (the role and status matrices vary it)."""
    for row in rows:
        name, spec, messages = row[:3]
        settings = row[3] if len(row) > 3 else {}
        CASES.append(Case(code, name, spec, tuple(messages), settings))


def breaking(code: str) -> Case:
    return next(c for c in CASES if c.code == code and c.raised and not c.settings)


NO_PURPOSE = ("No purpose is recorded: state why the data is processed (for a processor, the "
              "categories of processing).")
NO_SUBJECTS = "No category of data subjects: say whose data this is."
NO_DATA = "No category of personal data: list what data is processed."
NO_RECIPIENTS = "No recipient is recorded: add who receives the data, or tick 'no recipients'."
NO_RETENTION = ("No retention rule: record how long the data is kept (a period such as P7Y, or the "
                "criteria).")
NO_SECURITY = ("No security measure: describe the technical and organisational measures that "
               "protect the data.")
NO_CONTROLLERS = ("This is a processor record: name each controller on whose behalf the data is "
                  "processed.")
NO_JOINT = ("The organisation is a joint controller: name the other controller(s) and their "
            "contact details.")
NO_BASIS = "No lawful basis: record the Art 6(1) basis relied on."
NO_INTEREST = "Legitimate interests is relied on without saying which interest is pursued."
NO_LIA = ("Legitimate interests is relied on with no link to the legitimate interests assessment "
          "(LIA).")
NO_CONSENT = ("Consent is relied on with no record of consent (a link, or how it is recorded): "
              "you must be able to "
              "show who consented.")


def no_citation(name):
    return f"{name} is relied on without citing the law that sets it."


def no_art9(names):
    return f"Special category data ({names}) is processed without an Art 9(2) condition."


def no_art10(names):
    return (f"Criminal offence data ({names}) is processed without an Art 10 / Schedule 1 "
            "condition.")


def no_mechanism(destination):
    return (f"The transfer to {destination} has no transfer mechanism: record the safeguard "
            "(SCCs, IDTA, DPF...) or the Art 49 derogation relied on.")


MECHANISM_NAMES = {
    "EU-US-DPF": "EU-US Data Privacy Framework certification",
    "UK-US-DATA-BRIDGE": "UK Extension to the EU-US DPF (UK-US data bridge)",
    "UK-IDTA": "UK International Data Transfer Agreement (IDTA)",
    "UK-ADDENDUM": "UK International Data Transfer Addendum to the EU SCCs",
    "A45-3": "EU adequacy decision",
    "UK-A45A": "UK adequacy regulations (transfers approved by regulations)",
    "EU-SCC-2021": "EU Standard Contractual Clauses (2021)",
    "A46-2-d": "Standard data protection clauses adopted by a supervisory authority",
}
LAW = {"eu": "EU law", "uk": "UK law"}


def wrong_regime(destination, code, theirs, ours, instead):
    return (f"The transfer to {destination} relies on {MECHANISM_NAMES[code]}, an instrument of "
            f"{LAW[theirs]}, but the organisation exports under {LAW[ours]}: record {instead}.")


def not_adequate(destination, code, ours):
    return (f"The transfer to {destination} relies on {MECHANISM_NAMES[code]}, but {destination} "
            f"has no adequacy under {LAW[ours]}: record the Art 46 safeguard (SCCs, IDTA...) or "
            "the Art 49 derogation relied on.")


def not_us(destination, code):
    return (f"The transfer to {destination} relies on {MECHANISM_NAMES[code]}, which covers "
            f"certified organisations in the United States only: record the mechanism that covers "
            f"{destination}.")


def transfer_missing(name, country_name, ours):
    return (f"{name} receives the data in {country_name}, which is not adequate under {LAW[ours]}, "
            "but no transfer to it is recorded: record the transfer and its mechanism.")


def no_tia(destination, code):
    return (f"The transfer to {destination} relies on {MECHANISM_NAMES[code]} with no transfer "
            "impact assessment: assess the law and practice of the destination and link the TIA.")


def no_controller_contacts(name):
    return (f"{name} is a controller served with neither its DPO nor its Art 27 representative "
            "recorded: record their names and contact details on its third-party record (or that "
            "it has none).")


def unnamed(code):
    mechanism = {"EU-SCC-2021": "EU Standard Contractual Clauses (2021)",
                 "UK-IDTA": "UK International Data Transfer Agreement (IDTA)"}[code]
    return (f"A transfer under {mechanism} names no destination country: assess where the data "
            "goes (transfer impact assessment) and link the TIA, or name the countries.")


def no_safeguards(article):
    return (f"The transfer relies on {article} without documented safeguards: record the "
            "assessment and the safeguards.")


def not_dpf(importer):
    return (f"{importer} is relied on as DPF-certified but its record does not say so: check the "
            "DPF list.")


def no_contract(name):
    return f"{name} is a processor with no link to its Art 28 contract."


def no_dpia(why):
    return f"A DPIA is expected ({why}) but none is recorded: start one and link it."


def review_due(date):
    return f"The review was due on {date.isoformat()}: review the record and approve it again."


def stale_draft(days):
    return (f"The record has been a draft for more than {days} days: complete it and submit it "
            "for review.")


BLANKS = [("empty", ""), ("spaces", "   "), ("newline-and-tab", "\n\t ")]
LI, RLI, CONSENT, CONTRACT = "A6-1-f", "UK-A6-1-ea", "A6-1-a", "A6-1-b"
LEGAL, VITAL, PUBLIC = "A6-1-c", "A6-1-d", "A6-1-e"
LIA_LINK, CONSENT_LINK = "https://example.com/lia", "https://example.com/consents"
HEALTH, GENETIC, CRIMINAL, CONTACT = "health", "genetic", "criminal-offences", "contact"

# --- Article 30 items ---------------------------------------------------------------------------

cases(
    "A30-PURPOSES",
    ("no-purpose", {}, [NO_PURPOSE]),
    ("one-purpose", {"purposes": 1}, []),
    ("two-purposes", {"purposes": 2}, []),
)
cases(
    "A30-SUBJECTS",
    ("no-subject", {}, [NO_SUBJECTS]),
    ("one-subject", {"subjects": ["customers"]}, []),
)
cases(
    "A30-DATA",
    ("no-category", {}, [NO_DATA]),
    ("categories-only-on-a-lawful-basis", {"bases": [{"basis": CONTRACT, "limited_to": [CONTACT]}]},
     [NO_DATA]),
    ("one-category", {"categories": [CONTACT]}, []),
    ("special-category-only", {"categories": [HEALTH]}, []),
)
cases(
    "A30-RECIPIENTS",
    ("none-and-not-ticked", {}, [NO_RECIPIENTS]),
    ("no-recipients-ticked", {"recipients_none": True}, []),
    ("named-third-party", {"recipients": [{"kind": "controller"}]}, []),
    ("category-only", {"recipients": ["category"]}, []),
)
cases(
    "A30-RETENTION",
    ("no-rule", {}, [NO_RETENTION]),
    ("period", {"retention": [{"period": "P7Y"}]}, []),
    ("criteria-only", {"retention": [{"period": "", "trigger": "", "criteria": "Until closed."}]}, []),
    ("rule-for-one-category", {"categories": [CONTACT],
                               "retention": [{"period": "P1Y", "category": CONTACT}]}, []),
)
cases(
    "A30-SECURITY",
    *[(f"no-measure-description-{name}", {"security_description": text}, [NO_SECURITY])
      for name, text in BLANKS],
    ("no-measure-description-text", {"security_description": "Access limited to HR."}, []),
    ("no-measure-description-padded-text", {"security_description": "  Encrypted.  "}, []),
    ("one-measure-no-description", {"measures": 1}, []),
)
cases(
    "A30-CONTROLLERS",
    ("processor-serving-none", {"role": "processor"}, [NO_CONTROLLERS]),
    ("sub-processor-serving-none", {"role": "sub_processor"}, [NO_CONTROLLERS]),
    ("processor-naming-only-joint-controllers", {"role": "processor", "joint": 1}, [NO_CONTROLLERS]),
    ("processor-serving-one", {"role": "processor", "served": 1}, []),
    ("sub-processor-serving-two", {"role": "sub_processor", "served": 2}, []),
)
cases(
    "A26-JOINT",
    ("joint-naming-none", {"role": "joint_controller"}, [NO_JOINT]),
    ("joint-naming-only-controllers-served", {"role": "joint_controller", "served": 1}, [NO_JOINT]),
    ("joint-naming-one", {"role": "joint_controller", "joint": 1}, []),
    ("controller-naming-none", {"role": "controller"}, []),
)

# --- Lawful basis --------------------------------------------------------------------------------

cases(
    "A6-BASIS",
    ("no-basis", {}, [NO_BASIS]),
    ("one-basis", {"bases": [{"basis": CONTRACT}]}, []),
)
cases(
    "A6-LI-INTEREST",
    *[(f"li-interest-{name}", {"bases": [{"basis": LI, "legitimate_interest": text,
                                          "lia_link": LIA_LINK}]}, [NO_INTEREST])
      for name, text in BLANKS],
    ("li-interest-stated", {"bases": [{"basis": LI, "legitimate_interest": "Fraud prevention"}]}, []),
    ("recognised-li-no-interest", {"bases": [{"basis": RLI, "legitimate_interest": ""}]}, []),
    ("contract-no-interest", {"bases": [{"basis": CONTRACT, "legitimate_interest": ""}]}, []),
)
cases(
    "A6-LI-LIA",
    ("li-no-lia", {"bases": [{"basis": LI, "legitimate_interest": "Fraud prevention"}]}, [NO_LIA]),
    ("li-no-lia-no-interest", {"bases": [{"basis": LI}]}, [NO_LIA]),
    ("li-with-lia", {"bases": [{"basis": LI, "lia_link": LIA_LINK}]}, []),
    ("recognised-li-no-lia", {"bases": [{"basis": RLI}]}, []),
    ("consent-no-lia", {"bases": [{"basis": CONSENT, "consent_record_link": CONSENT_LINK}]}, []),
)
cases(
    "A7-CONSENT-RECORD",
    ("consent-no-record", {"bases": [{"basis": CONSENT}]}, [NO_CONSENT]),
    ("consent-with-record", {"bases": [{"basis": CONSENT, "consent_record_link": CONSENT_LINK}]}, []),
    ("consent-recorded-in-words",
     {"bases": [{"basis": CONSENT, "consent_description": "Ticked box at sign-up, logged in the CRM."}]},
     []),
    *[(f"consent-description-{name}", {"bases": [{"basis": CONSENT, "consent_description": text}]},
       [NO_CONSENT]) for name, text in BLANKS],
    ("li-no-record", {"bases": [{"basis": LI}]}, []),
    ("contract-no-record", {"bases": [{"basis": CONTRACT}]}, []),
)
cases(
    "A6-3-CITATION",
    *[(f"legal-obligation-citation-{name}", {"bases": [{"basis": LEGAL, "citation": text}]},
       [no_citation("Legal obligation")]) for name, text in BLANKS],
    ("public-task-no-citation", {"bases": [{"basis": PUBLIC}]}, [no_citation("Public task")]),
    ("both-no-citation", {"bases": [{"basis": PUBLIC}, {"basis": LEGAL}]},
     [no_citation("Legal obligation"), no_citation("Public task")]),
    ("legal-obligation-cited", {"bases": [{"basis": LEGAL, "citation": "Companies Act 2006 s386"}]}, []),
    ("public-task-cited", {"bases": [{"basis": PUBLIC, "citation": "Education Act 1996"}]}, []),
    ("contract-no-citation", {"bases": [{"basis": CONTRACT}]}, []),
    ("vital-interests-no-citation", {"bases": [{"basis": VITAL}]}, []),
    ("li-no-citation", {"bases": [{"basis": LI}]}, []),
)

# --- Special and criminal data --------------------------------------------------------------------

cases(
    "A9-CONDITION",
    ("health-no-condition", {"categories": [HEALTH]}, [no_art9("Health data")]),
    ("two-special-no-condition", {"categories": [HEALTH, GENETIC, CONTACT]},
     [no_art9("Genetic data, Health data")]),
    ("health-with-only-a-schedule1-condition", {"categories": [HEALTH], "sch1": ["DPA2018-S1-P1-2"]},
     [no_art9("Health data")]),
    ("health-with-condition", {"categories": [HEALTH], "art9": ["A9-2-h"]}, []),
    ("no-special-data", {"categories": [CONTACT]}, []),
    ("criminal-data-only", {"categories": [CRIMINAL]}, []),
)
cases(
    "A10-CONDITION",
    ("criminal-no-condition", {"categories": [CRIMINAL]}, [no_art10("Criminal convictions and offences")]),
    ("criminal-with-special-only-condition", {"categories": [CRIMINAL], "sch1": [SPECIAL_ONLY_SCH1]},
     [no_art10("Criminal convictions and offences")]),
    ("criminal-with-only-an-art9-condition", {"categories": [CRIMINAL], "art9": ["A9-2-f"]},
     [no_art10("Criminal convictions and offences")]),
    ("criminal-with-criminal-condition", {"categories": [CRIMINAL], "sch1": ["DPA2018-S1-P3-33"]}, []),
    ("criminal-with-condition-for-both", {"categories": [CRIMINAL], "sch1": ["DPA2018-S1-P2-10"]}, []),
    ("criminal-with-special-only-and-criminal-conditions",
     {"categories": [CRIMINAL], "sch1": [SPECIAL_ONLY_SCH1, "A10-official-authority"]}, []),
    ("special-data-no-condition", {"categories": [HEALTH]}, []),
    ("no-criminal-data", {"categories": [CONTACT]}, []),
)

# --- Transfers and processors ---------------------------------------------------------------------

cases(
    "CH5-MECHANISM",
    ("uk-to-india-no-mechanism", {"transfers": [{"country": "IN"}]}, [no_mechanism("India")]),
    ("uk-to-partly-adequate-us-no-mechanism", {"transfers": [{"country": "US"}]},
     [no_mechanism("United States")]),
    ("eu-to-gibraltar-no-mechanism", {"jurisdiction": "eu", "transfers": [{"country": "GI"}]},
     [no_mechanism("Gibraltar")]),
    ("international-organisation-no-mechanism",
     {"transfers": [{"country": None, "international_organisation": "World Bank"}]},
     [no_mechanism("World Bank")]),
    ("two-transfers-no-mechanism", {"transfers": [{"country": "IN"}, {"country": "CN"}]},
     [no_mechanism("India"), no_mechanism("China")]),
    ("uk-to-india-with-mechanism", {"transfers": [{"country": "IN", "mechanism": "UK-IDTA"}]}, []),
    ("international-organisation-with-mechanism",
     {"transfers": [{"country": None, "international_organisation": "World Bank",
                     "mechanism": "A46-2-f"}]}, []),
    ("uk-to-gibraltar", {"transfers": [{"country": "GI"}]}, []),
    ("uk-to-switzerland", {"transfers": [{"country": "CH"}]}, []),
    ("uk-to-uk", {"transfers": [{"country": "GB"}]}, []),
    ("uk-to-eea-norway", {"transfers": [{"country": "NO"}]}, []),
    ("eu-to-eea-norway", {"jurisdiction": "eu", "transfers": [{"country": "NO"}]}, []),
    ("other-regime-to-india-no-mechanism", {"jurisdiction": "other", "transfers": [{"country": "IN"}]},
     []),
    ("eu-to-european-patent-organisation", {"jurisdiction": "eu", "transfers": [
        {"country": None, "international_organisation": "European Patent Organisation"}]}, []),
    ("eu-to-epo-by-its-code", {"jurisdiction": "eu", "transfers": [
        {"country": None, "international_organisation": " epo "}]}, []),
    ("uk-to-european-patent-organisation-no-uk-adequacy", {"transfers": [
        {"country": None, "international_organisation": "European Patent Organisation"}]},
     [no_mechanism("European Patent Organisation")]),
    ("eu-to-uk", {"jurisdiction": "eu", "transfers": [{"country": "GB"}]}, []),
)
cases(
    "CH5-TIA-UNNAMED",
    ("scc-to-unnamed-processors", {"transfers": [{"country": None, "mechanism": "EU-SCC-2021",
                                                  "scc_module": 2}]},
     [unnamed("EU-SCC-2021")]),
    ("two-unnamed-transfers", {"transfers": [{"country": None, "mechanism": "EU-SCC-2021"},
                                             {"country": None, "mechanism": "UK-IDTA"}]},
     [unnamed("EU-SCC-2021"), unnamed("UK-IDTA")]),
    ("unnamed-with-tia", {"transfers": [{"country": None, "mechanism": "EU-SCC-2021",
                                         "tia_link": "https://example.com/tia.pdf"}]}, []),
    ("named-country", {"transfers": [{"country": "IN", "mechanism": "EU-SCC-2021"}]}, []),
    ("named-organisation", {"transfers": [{"country": None, "international_organisation": "WHO",
                                           "mechanism": "A46-2-f"}]}, []),
    ("other-regime-unnamed", {"jurisdiction": "other",
                              "transfers": [{"country": None, "mechanism": "EU-SCC-2021"}]}, []),
)
cases(
    "A49-SAFEGUARDS",
    *[(f"derogation-safeguards-{name}", {"transfers": [{"country": "IN", "mechanism": "A49-1-a",
                                                       "safeguards": text}]},
       [no_safeguards("Art 49(1)(a)")]) for name, text in BLANKS],
    ("two-derogations-undocumented",
     {"transfers": [{"country": "IN", "mechanism": "A49-1-b"}, {"country": "IN", "mechanism": "A49-1-c"}]},
     [no_safeguards("Art 49(1)(b)"), no_safeguards("Art 49(1)(c)")]),
    ("derogation-safeguards-text", {"transfers": [{"country": "IN", "mechanism": "A49-1-a",
                                                   "safeguards": "Explicit consent after warning."}]}, []),
    ("derogation-document-link-only",
     {"transfers": [{"country": "IN", "mechanism": "A49-1-a",
                     "safeguard_document_link": "https://example.com/a49.pdf"}]}, []),
    ("derogation-needing-no-documents", {"transfers": [{"country": "IN",
                                                       "mechanism": UNDOCUMENTED_DEROGATION}]}, []),
    ("scc-no-safeguards", {"transfers": [{"country": "IN", "mechanism": "EU-SCC-2021"}]}, []),
    ("no-mechanism", {"transfers": [{"country": "IN"}]}, []),
    ("other-regime-derogation-undocumented",
     {"jurisdiction": "other", "transfers": [{"country": "IN", "mechanism": "A49-1-a"}]}, []),
)
UNCERTIFIED = {"name": "Acme Inc", "kind": "processor", "dpf_certified": False}
cases(
    "CH5-DPF-CERTIFIED",
    ("eu-us-dpf-importer-not-certified",
     {"transfers": [{"country": "US", "mechanism": "EU-US-DPF", "importer": UNCERTIFIED}]},
     [not_dpf("Acme Inc")]),
    ("uk-us-bridge-importer-not-certified",
     {"transfers": [{"country": "US", "mechanism": "UK-US-DATA-BRIDGE", "importer": UNCERTIFIED}]},
     [not_dpf("Acme Inc")]),
    ("dpf-importer-certified",
     {"transfers": [{"country": "US", "mechanism": "EU-US-DPF",
                     "importer": UNCERTIFIED | {"dpf_certified": True}}]}, []),
    ("dpf-no-importer", {"transfers": [{"country": "US", "mechanism": "EU-US-DPF"}]}, []),
    ("other-regime-importer-not-certified",
     {"jurisdiction": "other", "transfers": [{"country": "US", "mechanism": "EU-US-DPF",
                                              "importer": UNCERTIFIED}]}, []),
    ("scc-importer-not-certified",
     {"transfers": [{"country": "US", "mechanism": "EU-SCC-2021", "importer": UNCERTIFIED}]}, []),
)
US_PROCESSOR = {"name": "Helpdesk Inc", "country": "US"}
cases(
    "CH5-MECHANISM-REGIME",
    ("uk-exporter-eu-us-dpf", {"transfers": [{"country": "US", "mechanism": "EU-US-DPF"}]},
     [wrong_regime("United States", "EU-US-DPF", "eu", "uk",
                   "the UK Extension to the DPF (UK-US data bridge)")]),
    ("eu-exporter-uk-idta", {"jurisdiction": "eu", "transfers": [{"country": "IN", "mechanism": "UK-IDTA"}]},
     [wrong_regime("India", "UK-IDTA", "uk", "eu", "the EU standard contractual clauses")]),
    ("eu-exporter-uk-addendum",
     {"jurisdiction": "eu", "transfers": [{"country": "IN", "mechanism": "UK-ADDENDUM"}]},
     [wrong_regime("India", "UK-ADDENDUM", "uk", "eu", "the EU standard contractual clauses")]),
    ("eu-exporter-uk-us-data-bridge",
     {"jurisdiction": "eu", "transfers": [{"country": "US", "mechanism": "UK-US-DATA-BRIDGE"}]},
     [wrong_regime("United States", "UK-US-DATA-BRIDGE", "uk", "eu",
                   "the EU-US Data Privacy Framework")]),
    ("uk-exporter-eu-adequacy", {"transfers": [{"country": "JP", "mechanism": "A45-3"}]},
     [wrong_regime("Japan", "A45-3", "eu", "uk", "UK adequacy regulations")]),
    ("uk-exporter-eu-sccs-alone", {"transfers": [{"country": "IN", "mechanism": "EU-SCC-2021"}]},
     [wrong_regime("India", "EU-SCC-2021", "eu", "uk", "the UK Addendum to the EU SCCs, or the IDTA")]),
    ("uk-exporter-sa-clauses", {"transfers": [{"country": "IN", "mechanism": "A46-2-d"}]},
     [wrong_regime("India", "A46-2-d", "eu", "uk", "the UK Addendum to the EU SCCs, or the IDTA")]),
    ("uk-exporter-uk-us-data-bridge", {"transfers": [{"country": "US", "mechanism": "UK-US-DATA-BRIDGE"}]},
     []),
    ("eu-exporter-eu-us-dpf",
     {"jurisdiction": "eu", "transfers": [{"country": "US", "mechanism": "EU-US-DPF"}]}, []),
    ("uk-exporter-uk-idta", {"transfers": [{"country": "IN", "mechanism": "UK-IDTA"}]}, []),
    ("eu-exporter-eu-sccs",
     {"jurisdiction": "eu", "transfers": [{"country": "IN", "mechanism": "EU-SCC-2021"}]}, []),
    ("either-exporter-bcr", {"jurisdiction": "eu", "transfers": [{"country": "IN", "mechanism": "BCR"}]}, []),
    ("uk-exporter-derogation", {"transfers": [{"country": "IN", "mechanism": "A49-1-a"}]}, []),
    ("other-regime-eu-us-dpf",
     {"jurisdiction": "other", "transfers": [{"country": "US", "mechanism": "EU-US-DPF"}]}, []),
)
cases(
    "CH5-MECHANISM-DESTINATION",
    ("eu-adequacy-to-india", {"jurisdiction": "eu", "transfers": [{"country": "IN", "mechanism": "A45-3"}]},
     [not_adequate("India", "A45-3", "eu")]),
    ("uk-adequacy-to-brazil", {"transfers": [{"country": "BR", "mechanism": "UK-A45A"}]},
     [not_adequate("Brazil", "UK-A45A", "uk")]),
    ("eu-dpf-to-india", {"jurisdiction": "eu", "transfers": [{"country": "IN", "mechanism": "EU-US-DPF"}]},
     [not_us("India", "EU-US-DPF")]),
    ("uk-adequacy-to-epo", {"transfers": [{"country": None, "mechanism": "UK-A45A",
                                           "international_organisation": "EPO"}]},
     [not_adequate("EPO", "UK-A45A", "uk")]),
    ("eu-adequacy-to-brazil", {"jurisdiction": "eu", "transfers": [{"country": "BR", "mechanism": "A45-3"}]},
     []),
    ("eu-adequacy-to-partly-adequate-japan",
     {"jurisdiction": "eu", "transfers": [{"country": "JP", "mechanism": "A45-3"}]}, []),
    ("uk-adequacy-to-korea", {"transfers": [{"country": "KR", "mechanism": "UK-A45A"}]}, []),
    ("eu-adequacy-to-epo", {"jurisdiction": "eu", "transfers": [
        {"country": None, "mechanism": "A45-3", "international_organisation": "EPO"}]}, []),
    ("eu-adequacy-to-unlisted-organisation", {"jurisdiction": "eu", "transfers": [
        {"country": None, "mechanism": "A45-3", "international_organisation": "World Bank"}]}, []),
    ("eu-dpf-to-us", {"jurisdiction": "eu", "transfers": [{"country": "US", "mechanism": "EU-US-DPF"}]}, []),
    ("uk-adequacy-of-another-law-to-india", {"transfers": [{"country": "IN", "mechanism": "A45-3"}]}, []),
    ("other-regime-eu-adequacy-to-india",
     {"jurisdiction": "other", "transfers": [{"country": "IN", "mechanism": "A45-3"}]}, []),
)
cases(
    "CH5-TRANSFER-MISSING",
    ("us-processor-no-transfer", {"recipients": [US_PROCESSOR]},
     [transfer_missing("Helpdesk Inc", "United States", "uk")]),
    ("eu-exporter-us-processor-no-transfer", {"jurisdiction": "eu", "recipients": [US_PROCESSOR]},
     [transfer_missing("Helpdesk Inc", "United States", "eu")]),
    ("uk-exporter-brazilian-processor", {"recipients": [{"name": "Nuvem Ltda", "country": "BR"}]},
     [transfer_missing("Nuvem Ltda", "Brazil", "uk")]),
    ("transfer-to-another-importer", {
        "recipients": [US_PROCESSOR],
        "transfers": [{"country": "US", "mechanism": "UK-IDTA", "importer": {"name": "Other Inc"}}]},
     [transfer_missing("Helpdesk Inc", "United States", "uk")]),
    ("us-processor-with-transfer", {
        "recipients": [US_PROCESSOR],
        "transfers": [{"country": "US", "mechanism": "UK-IDTA", "importer": "Helpdesk Inc"}]}, []),
    ("us-processor-transfer-to-its-country-no-importer", {
        "recipients": [US_PROCESSOR], "transfers": [{"country": "US", "mechanism": "UK-IDTA"}]}, []),
    ("eu-exporter-brazilian-processor", {"jurisdiction": "eu",
                                         "recipients": [{"name": "Nuvem Ltda", "country": "BR"}]}, []),
    ("uk-processor", {"recipients": [{"name": "Hosting Ltd", "country": "GB"}]}, []),
    ("eu-exporter-irish-processor", {"jurisdiction": "eu",
                                     "recipients": [{"name": "Cloud Ltd", "country": "IE"}]}, []),
    ("recipient-without-country", {"recipients": [{"name": "Somewhere Ltd", "country": None}]}, []),
    ("category-only", {"recipients": ["category"]}, []),
    ("other-regime-us-processor", {"jurisdiction": "other", "recipients": [US_PROCESSOR]}, []),
)
cases(
    "CH5-TIA",
    ("idta-without-tia", {"transfers": [{"country": "IN", "mechanism": "UK-IDTA"}]},
     [no_tia("India", "UK-IDTA")]),
    ("uk-addendum-without-tia", {"transfers": [{"country": "US", "mechanism": "UK-ADDENDUM"}]},
     [no_tia("United States", "UK-ADDENDUM")]),
    ("eu-sccs-without-tia",
     {"jurisdiction": "eu", "transfers": [{"country": "IN", "mechanism": "EU-SCC-2021"}]},
     [no_tia("India", "EU-SCC-2021")]),
    ("idta-with-tia", {"transfers": [{"country": "IN", "mechanism": "UK-IDTA",
                                      "tia_link": "https://example.com/tia.pdf"}]}, []),
    ("bridge-needs-no-tia", {"transfers": [{"country": "US", "mechanism": "UK-US-DATA-BRIDGE"}]}, []),
    ("derogation-needs-no-tia", {"transfers": [{"country": "IN", "mechanism": "A49-1-b",
                                                "safeguards": "Occasional."}]}, []),
    ("unnamed-destination-left-to-its-own-rule", {"transfers": [{"country": None, "mechanism": "UK-IDTA"}]},
     []),
    ("other-regime-idta", {"jurisdiction": "other", "transfers": [{"country": "IN", "mechanism": "UK-IDTA"}]},
     []),
)
cases(
    "A30-CONTROLLER-CONTACTS",
    ("controller-served-without-dpo-or-representative",
     {"role": "processor", "served": [{"name": "Client Ltd"}]}, [no_controller_contacts("Client Ltd")]),
    ("blank-contacts", {"role": "processor", "served": [{"name": "Client Ltd", "dpo_contact": "  ",
                                                         "representative_contact": "\n"}]},
     [no_controller_contacts("Client Ltd")]),
    ("one-of-two-without", {"role": "processor", "served": [
        {"name": "Client Ltd", "dpo_contact": "Jo Bloggs, dpo@client.example"}, {"name": "Beta GmbH"}]},
     [no_controller_contacts("Beta GmbH")]),
    ("controller-served-with-dpo", {"role": "processor", "served": [
        {"name": "Client Ltd", "dpo_contact": "Jo Bloggs, dpo@client.example"}]}, []),
    ("controller-served-with-representative", {"role": "processor", "served": [
        {"name": "Client Inc", "representative_contact": "Rep Ltd, London"}]}, []),
    ("no-controller-served", {"role": "processor"}, []),
)
cases(
    "A28-CONTRACT",
    ("processor-no-contract", {"recipients": [{"name": "Payroll Co", "contract_link": ""}]},
     [no_contract("Payroll Co")]),
    ("sub-processor-no-contract",
     {"recipients": [{"name": "Hosting Co", "kind": "sub_processor", "contract_link": ""}]},
     [no_contract("Hosting Co")]),
    ("two-processors-no-contract", {"recipients": [{"name": "Zeta Ltd", "contract_link": ""},
                                                   {"name": "Alpha Ltd", "contract_link": ""}]},
     [no_contract("Zeta Ltd"), no_contract("Alpha Ltd")]),
    ("processor-with-contract", {"recipients": [{"name": "Payroll Co"}]}, []),
    *[(f"{kind}-no-contract", {"recipients": [{"kind": kind, "contract_link": ""}]}, [])
      for kind in ("controller", "joint_controller", "group_company", "public_authority", "adviser")],
    ("category-only-recipient", {"recipients": ["category"]}, []),
)

# --- Risk and upkeep ------------------------------------------------------------------------------

ALL_TRIGGERS = ("evaluation or scoring, automated decisions with legal or similar effect, "
                "systematic monitoring, special category data, criminal offence data")
CHILDREN_ICO = "ICO list: children targeted for profiling or marketing"
TWO = {"systematic_monitoring": True, "large_scale": True}
cases(
    "A35-DPIA",
    ("special-data-at-large-scale", {"categories": [HEALTH], "large_scale": True},
     [no_dpia("special category data, large scale")]),
    ("criminal-data-of-vulnerable-people", {"categories": [CRIMINAL], "vulnerable_subjects": True},
     [no_dpia("criminal offence data, vulnerable data subjects")]),
    ("automated-decisions-with-legal-effect", {"automated_decision_legal_effect": True},
     [no_dpia("evaluation or scoring, automated decisions with legal or similar effect")]),
    ("systematic-monitoring-at-large-scale", TWO, [no_dpia("systematic monitoring, large scale")]),
    ("every-trigger", {"categories": [HEALTH, CRIMINAL], "automated_decision_legal_effect": True,
                       "systematic_monitoring": True}, [no_dpia(ALL_TRIGGERS)]),
    ("biometrics-with-innovative-technology",
     {"categories": ["biometric"], "innovative_technology": True},
     [no_dpia("special category data, biometric or genetic data, innovative technology")]),
    ("location-tracking-with-scoring", {"categories": ["location"], "evaluation_or_scoring": True},
     [no_dpia("evaluation or scoring, location or behaviour tracking")]),
    ("health-data-of-employees", {"subjects": ["employees"], "categories": [HEALTH]},
     [no_dpia("special category data, vulnerable data subjects")]),
    ("children-profiled", {"subjects": ["children"], "automated_decision_making": True},
     [no_dpia(f"evaluation or scoring, children's data, {CHILDREN_ICO}")]),
    ("refused-service-on-scoring", {"evaluation_or_scoring": True,
                                    "prevents_exercise_of_right": True},
     [no_dpia("evaluation or scoring, preventing the exercise of a right or the use of a "
              "service")]),
    ("uk-data-matching-alone", {"matching_datasets": True},
     [no_dpia("matching or combining datasets, ICO list: data matching")]),
    ("uk-marketing-to-children", {"children": True, "direct_marketing": True},
     [no_dpia(f"children's data, {CHILDREN_ICO}")]),
    ("eu-data-matching-alone", {"matching_datasets": True, "jurisdiction": "eu"}, []),
    ("eu-marketing-to-children", {"children": True, "direct_marketing": True,
                                  "jurisdiction": "eu"}, []),
    ("trigger-dpia-not-started", TWO | {"dpia_status": "not_started"},
     [no_dpia("systematic monitoring, large scale")]),
    ("trigger-dpia-in-progress", TWO | {"dpia_status": "in_progress"}, []),
    ("trigger-dpia-completed", TWO | {"dpia_status": "completed"}, []),
    ("trigger-dpia-linked", TWO | {"dpia_link": "https://example.com/dpia"}, []),
    ("special-data-alone", {"categories": [HEALTH]}, []),
    ("criminal-data-alone", {"categories": [CRIMINAL]}, []),
    ("systematic-monitoring-alone", {"systematic_monitoring": True}, []),
    ("biometrics-alone", {"categories": ["biometric"]}, []),
    ("children-alone", {"subjects": ["children"]}, []),
    ("automated-decisions-without-legal-effect", {"automated_decision_making": True}, []),
    ("no-trigger", {"categories": [CONTACT]}, []),
)


def one_criterion(why):
    return (f"One DPIA screening criterion is met ({why}): a DPIA is expected when two are; "
            "record whether one is required.")


cases(
    "A35-SCREENING",
    ("large-scale-alone", {"large_scale": True}, [one_criterion("large scale")]),
    ("special-data-alone", {"categories": [HEALTH]}, [one_criterion("special category data")]),
    ("children-alone", {"subjects": ["children"]}, [one_criterion("children's data")]),
    ("eu-data-matching-alone", {"matching_datasets": True, "jurisdiction": "eu"},
     [one_criterion("matching or combining datasets")]),
    ("screened-not-required", {"large_scale": True, "dpia_required": "no"}, []),
    ("screened-required", {"large_scale": True, "dpia_required": "yes"}, []),
    ("dpia-completed", {"large_scale": True, "dpia_status": "completed"}, []),
    ("two-criteria", TWO, []),
    ("uk-data-matching-alone", {"matching_datasets": True}, []),
    ("no-criterion", {"categories": [CONTACT]}, []),
)
NO_SAFEGUARDS_22 = ("Decisions with legal or similarly significant effect are made by automated "
                    "means: describe how people obtain human intervention, give their view and "
                    "contest the decision.")
cases(
    "A22-SAFEGUARDS",
    ("legal-effect-no-safeguards", {"automated_decision_legal_effect": True}, [NO_SAFEGUARDS_22]),
    *[(f"legal-effect-safeguards-{name}", {"automated_decision_legal_effect": True,
                                           "automated_decision_safeguards": text},
       [NO_SAFEGUARDS_22]) for name, text in BLANKS],
    ("legal-effect-with-safeguards", {"automated_decision_legal_effect": True,
                                      "automated_decision_safeguards": "Review by an officer."}, []),
    ("automated-without-legal-effect", {"automated_decision_making": True}, []),
)
NO_CHILD_CONSENT = ("Children's data is processed on consent: record how age is checked and how "
                    "consent is given or authorised by the holder of parental responsibility.")
cases(
    "A8-CHILD-CONSENT",
    ("children-flag-on-consent", {"children": True, "bases": [{"basis": CONSENT}]},
     [NO_CHILD_CONSENT]),
    ("children-subjects-on-consent", {"subjects": ["children"], "bases": [{"basis": CONSENT}]},
     [NO_CHILD_CONSENT]),
    ("children-on-consent-blank", {"children": True, "children_consent": "  ",
                                   "bases": [{"basis": CONSENT}]}, [NO_CHILD_CONSENT]),
    ("children-on-consent-recorded", {"children": True, "bases": [{"basis": CONSENT}],
                                      "children_consent": "Age declared; parent confirms by email."},
     []),
    ("children-on-contract", {"children": True, "bases": [{"basis": CONTRACT}]}, []),
    ("adults-on-consent", {"subjects": ["customers"], "bases": [{"basis": CONSENT}]}, []),
)
NO_SOURCE = ("Some data is obtained from others: say where it comes from (people must be told the "
             "source).")
cases(
    "A14-SOURCE",
    *[(f"from-others-source-{name}", {"data_from_other_sources": True, "source_of_data": text},
       [NO_SOURCE]) for name, text in BLANKS],
    ("from-others-source-named", {"data_from_other_sources": True,
                                  "source_of_data": "Credit reference agencies"}, []),
    ("from-the-person", {"source_of_data": ""}, []),
)
NO_NOTICE = ("No link to the privacy notice: link the notice that tells people about this "
             "processing.")
cases(
    "A13-NOTICE",
    ("no-notice", {"privacy_notice_link": ""}, [NO_NOTICE]),
    ("notice-linked", {"privacy_notice_link": "https://example.com/notice"}, []),
)
NO_ARRANGEMENT = ("The organisation is a joint controller with no link to the arrangement that "
                  "sets each controller's duties: link it.")
cases(
    "A26-ARRANGEMENT",
    ("joint-no-arrangement", {"role": "joint_controller", "joint": 1}, [NO_ARRANGEMENT]),
    ("joint-with-arrangement", {"role": "joint_controller", "joint": 1,
                                "joint_arrangement_link": "https://example.com/art26"}, []),
    ("sole-controller", {"role": "controller"}, []),
)
NO_PECR = ("Electronic direct marketing needs the recipient's consent: rely on consent, or record "
           "that the soft opt-in applies (existing customers, similar products, a chance to "
           "refuse each time).")
cases(
    "PECR-CONSENT",
    ("email-marketing-no-basis", {"electronic_marketing": True}, [NO_PECR]),
    ("email-marketing-on-legitimate-interests",
     {"electronic_marketing": True, "bases": [{"basis": LI, "legitimate_interest": "Sales"}]},
     [NO_PECR]),
    ("email-marketing-on-consent", {"electronic_marketing": True, "bases": [{"basis": CONSENT}]},
     []),
    ("email-marketing-soft-opt-in", {"electronic_marketing": True, "soft_opt_in": True}, []),
    ("postal-marketing", {"direct_marketing": True}, []),
)


def needs_sch1(condition, part):
    return (f"{condition} needs a DPA 2018 Schedule 1 Part {part} condition in the UK: record the "
            "condition relied on.")


EMPLOYMENT_9 = "Art 9(2)(b) – Employment, social security and social protection law"
SPI_9 = "Art 9(2)(g) – Substantial public interest"
cases(
    "SCH1-CONDITION",
    ("uk-employment-no-sch1", {"categories": [HEALTH], "art9": ["A9-2-b"]},
     [needs_sch1(EMPLOYMENT_9, 1)]),
    ("uk-public-interest-with-part-1", {"art9": ["A9-2-g"], "sch1": ["DPA2018-S1-P1-1"]},
     [needs_sch1(SPI_9, 2)]),
    ("uk-two-conditions", {"art9": ["A9-2-b", "A9-2-g"]},
     [needs_sch1(EMPLOYMENT_9, 1), needs_sch1(SPI_9, 2)]),
    ("uk-employment-with-para-1", {"art9": ["A9-2-b"], "sch1": ["DPA2018-S1-P1-1"]}, []),
    ("uk-public-interest-with-part-2", {"art9": ["A9-2-g"], "sch1": ["DPA2018-S1-P2-10"]}, []),
    ("uk-explicit-consent", {"art9": ["A9-2-a"]}, []),
    ("eu-employment", {"art9": ["A9-2-b"], "jurisdiction": "eu"}, []),
)


def no_policy(conditions):
    return ("No appropriate policy document is linked, but the Schedule 1 conditions relied on "
            f"need one ({conditions}; DPA 2018 Sch. 1 Part 4): link it.")


cases(
    "SCH1-POLICY",
    ("employment-no-policy", {"sch1": ["DPA2018-S1-P1-1"]},
     [no_policy("DPA 2018 Sch. 1 Pt 1 para 1")]),
    ("two-needing-no-policy", {"sch1": ["DPA2018-S1-P2-10", "DPA2018-S1-P1-1"]},
     [no_policy("DPA 2018 Sch. 1 Pt 1 para 1, DPA 2018 Sch. 1 Pt 2 para 10")]),
    ("employment-with-policy", {"sch1": ["DPA2018-S1-P1-1"],
                                "policy_document_link": "https://example.com/apd"}, []),
    ("health-care-needs-none", {"sch1": ["DPA2018-S1-P1-2"]}, []),
    ("legal-claims-needs-none", {"sch1": ["DPA2018-S1-P3-33"]}, []),
)
NO_ANNEX1 = ("A recognised legitimate interest is relied on without the UK GDPR Annex 1 "
             "condition: record which one.")
cases(
    "A6-EA-CONDITION",
    ("recognised-no-condition", {"bases": [{"basis": RLI}]}, [NO_ANNEX1]),
    ("recognised-crime", {"bases": [{"basis": RLI, "recognised_interest": "crime"}]}, []),
    ("legitimate-interests", {"bases": [{"basis": LI, "legitimate_interest": "Fraud"}]}, []),
)


def public_authority(label):
    return (f"The organisation is a public authority: {label} is not available for the "
            "performance of its tasks; rely on public task (Art 6(1)(e)) unless the processing "
            "is outside them.")


cases(
    "A6-PUBLIC-AUTHORITY",
    ("authority-on-recognised", {"public_authority": True, "bases": [
        {"basis": RLI, "recognised_interest": "crime"}]},
     [public_authority("UK GDPR Art 6(1)(ea) – Recognised legitimate interest")]),
    ("authority-on-legitimate-interests", {"public_authority": True, "bases": [
        {"basis": LI, "legitimate_interest": "Fraud"}]},
     [public_authority("Art 6(1)(f) – Legitimate interests")]),
    ("authority-on-public-task", {"public_authority": True, "bases": [
        {"basis": PUBLIC, "citation": "Local Government Act 1972"}]}, []),
    ("company-on-recognised", {"bases": [{"basis": RLI, "recognised_interest": "crime"}]}, []),
)
cases(
    "REVIEW-OVERDUE",
    ("due-yesterday", {"next_review_on": TODAY - DAY}, [review_due(TODAY - DAY)]),
    ("due-a-year-ago", {"next_review_on": TODAY - 365 * DAY}, [review_due(TODAY - 365 * DAY)]),
    ("due-today", {"next_review_on": TODAY}, []),
    ("due-tomorrow", {"next_review_on": TODAY + DAY}, []),
    ("no-review-date", {"next_review_on": None}, []),
)
cases(
    "DRAFT-STALE",
    ("draft-31-days", {"status": "draft", "created_at": _utc(TODAY - 31 * DAY, 12)}, [stale_draft(30)]),
    ("draft-31-days-by-local-date", {"status": "draft", "created_at": _utc(TODAY - 32 * DAY, 23, 30)},
     [stale_draft(30)]),
    ("draft-30-days", {"status": "draft", "created_at": _utc(TODAY - 30 * DAY, 12)}, []),
    ("draft-30-days-by-local-date", {"status": "draft", "created_at": _utc(TODAY - 31 * DAY, 23, 30)}, []),
    ("returned-to-draft-yesterday", {"status": "draft", "created_at": _utc(TODAY - 400 * DAY, 12),
                                     "status_changed_at": _utc(TODAY - DAY, 12)}, []),
    ("returned-to-draft-31-days-ago", {"status": "draft", "created_at": _utc(TODAY - 400 * DAY, 12),
                                       "status_changed_at": _utc(TODAY - 31 * DAY, 12)}, [stale_draft(30)]),
    ("draft-29-days", {"status": "draft", "created_at": _utc(TODAY - 29 * DAY, 12)}, []),
    ("in-review-a-year", {"status": "in_review", "created_at": _utc(TODAY - 365 * DAY, 12)}, []),
    ("active-a-year", {"status": "active", "created_at": _utc(TODAY - 365 * DAY, 12)}, []),
    ("draft-8-days-limit-7", {"status": "draft", "created_at": _utc(TODAY - 8 * DAY, 12)}, [stale_draft(7)],
     {"ROPA_DRAFT_STALE_DAYS": 7}),
    ("draft-7-days-limit-7", {"status": "draft", "created_at": _utc(TODAY - 7 * DAY, 12)}, [],
     {"ROPA_DRAFT_STALE_DAYS": 7}),
    ("draft-31-days-limit-60", {"status": "draft", "created_at": _utc(TODAY - 31 * DAY, 12)}, [],
     {"ROPA_DRAFT_STALE_DAYS": 60}),
)
