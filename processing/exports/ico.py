"""The ICO documentation layout: the controller template and the processor record.

Sheet 1 follows the ICO's controller documentation template: the contact block
(controller, Data Protection Officer, representative) then one row per activity in
which the organisation is controller or joint controller, under the template's 30
headings. Sheet 2 is the processor record of Art 30(2). A register of several
organisations gets one pair of sheets per organisation.
"""

from __future__ import annotations

from collections.abc import Iterator

from processing.register.records import Activity, Contact, Organisation, Register

from .cells import Sheet, lines, render_xlsx, sheet_title, yes_no

#: Two leading columns that name each row, so an auditor can say which activity a row is.
ICO_LEADING = ("Reference", "Processing activity")
#: The ICO template's 30 headings, exact and in order, after the leading columns.
ICO_HEADINGS = (
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 condition for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "The source of the personal data (if applicable)",
    "Link to record of consent",
    "Location of personal data",
    "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress",
    "Link to Data Protection Impact Assessment",
    "Has a personal data breach occurred?",
    "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 Condition for processing",
    "GDPR Article 6 lawful basis for processing",
    "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the policy document?",
    "Reasons for not adhering to policy document (if applicable)",
)

PROCESSOR_HEADINGS = (
    "Activity",
    "Name and contact details of controller",
    "Categories of processing",
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)",
    "General description of technical and organisational security measures (if possible)",
)

#: Rows above the header row of both sheets: title, blank, block header, the organisation,
#: its DPO, its Art 27 representative, its legal representative, its group, its registration
#: with the ICO (or its supervisory authority), blank.
CONTACT_BLOCK_HEADINGS = ("", "Name", "Address", "Email", "Telephone")
HEADER_ROW = 11

# Individual rights in the order the ICO lists them.
INFORMED = "Right to be informed"
ACCESS = "Right of access"
RECTIFICATION = "Right to rectification"
ERASURE = "Right to erasure"
RESTRICTION = "Right to restrict processing"
PORTABILITY = "Right to data portability"
OBJECT = "Right to object"
WITHDRAW = "Right to withdraw consent"
AUTOMATED = "Rights in relation to automated decision making and profiling"
RIGHTS_ORDER = (INFORMED, ACCESS, RECTIFICATION, ERASURE, RESTRICTION, PORTABILITY, OBJECT,
                WITHDRAW, AUTOMATED)

_ALWAYS = (INFORMED, ACCESS, RECTIFICATION, RESTRICTION)
#: The ICO's table of rights by lawful basis (kind of the basis -> rights on top of the
#: rights that apply whatever the basis). Legal obligation: no erasure, portability or
#: objection; public task: objection but no erasure or portability; consent: erasure,
#: portability and withdrawal instead of objection.
RIGHTS_BY_BASIS = {
    "consent": (ERASURE, PORTABILITY, WITHDRAW),
    "contract": (ERASURE, PORTABILITY),
    "legal_obligation": (),
    "vital_interests": (ERASURE,),
    "public_task": (OBJECT,),
    "legitimate_interests": (ERASURE, OBJECT),
    "recognised_legitimate_interests": (ERASURE, OBJECT),
}


#: Art 21(2)-(3): whatever the basis, people may object to direct marketing, and the
#: objection must be obeyed (no balancing, no compelling grounds).
MARKETING_OBJECTION = "Absolute right to object to direct marketing (Art 21(2)-(3))"


class Words:
    """What the rows of a layout repeat, worked out once per export in the language of the
    export: the names and labels of reference terms (an export reads each term once,
    shared by every activity), the kinds of third party, transfer mechanisms with their
    SCC module; and, for one organisation at a time, its third parties' details."""

    def __init__(self):
        self._names: dict[int, tuple[object, str]] = {}
        self._labels: dict[int, tuple[object, str]] = {}
        self._choices: dict[tuple[str, str], str] = {}
        self._parties: dict[int, tuple[object, str]] = {}

    def name(self, term) -> str:
        """``term.local_name``."""
        known = self._names.get(id(term))
        if known is None or known[0] is not term:
            known = self._names[id(term)] = (term, term.local_name)
        return known[1]

    def label(self, term) -> str:
        """``term.label``: the article (as cited in the language) and the name."""
        known = self._labels.get(id(term))
        if known is None or known[0] is not term:
            known = self._labels[id(term)] = (term, term.label)
        return known[1]

    def kind(self, party) -> str:
        """``party.kind_label``."""
        key = ("kind", party.kind)
        if key not in self._choices:
            self._choices[key] = party.kind_label
        return self._choices[key]

    def mechanism(self, transfer) -> str:
        """:func:`mechanism_label` of a transfer."""
        key = ("mechanism", f"{transfer.mechanism.id if transfer.mechanism else ''}"
                            f"|{transfer.scc_module}")
        if key not in self._choices:
            self._choices[key] = mechanism_label(transfer)
        return self._choices[key]

    def details(self, party, describe) -> str:
        """``describe(party)``, a third party's details, kept for one organisation."""
        known = self._parties.get(id(party))
        if known is None or known[0] is not party:
            known = self._parties[id(party)] = (party, describe(party))
        return known[1]

    def next_organisation(self) -> None:
        """Let the details of the previous organisation's third parties go."""
        self._parties.clear()


def rights_by_basis(activity: Activity, words: Words | None = None
                    ) -> list[tuple[str, list[str]]]:
    """The individual rights that follow from each lawful basis of the activity, in the
    ICO's table, one (basis label, rights) pair per basis: an activity relying on consent
    for one purpose and legitimate interests for another gives portability under the first
    and objection under the second, never both for the same processing."""
    found = []
    for use in activity.lawful_bases:
        rights = set(_ALWAYS) | set(RIGHTS_BY_BASIS.get(use.basis.kind, ()))
        if activity.automated_decision_making:
            rights.add(AUTOMATED)
        found.append((_scoped_label(use, words), [r for r in RIGHTS_ORDER if r in rights]))
    return found


def _scoped_label(use, words: Words | None = None) -> str:
    """The basis's label with the purposes and data it is limited to, if any."""
    label = words.label(use.basis) if words else use.basis.label
    scope = [*(p.description for p in use.purposes), *(c.name for c in use.data_categories)]
    return f"{label} (for: {'; '.join(scope)})" if scope else label


def rights_available(activity: Activity, words: Words | None = None) -> list[str]:
    """The individual rights of the activity in words, one line per lawful basis ("Art
    6(1)(b) – Contract: Right to be informed, ..."), then the absolute right to object to
    direct marketing when the activity does direct marketing."""
    lines = [f"{label}: {', '.join(rights)}"
             for label, rights in rights_by_basis(activity, words)]
    if activity.does_direct_marketing:
        lines.append(MARKETING_OBJECTION)
    return lines


def _basis_lines(activity: Activity, words: Words) -> list[str]:
    result = []
    for use in activity.lawful_bases:
        text = _scoped_label(use, words)
        if use.recognised_interest:
            text += f" ({use.recognised_interest_label})"
        if use.citation:
            text += f" [{use.citation}]"
        if use.notes:
            text += f" – {use.notes}"
        result.append(text)
    return result


def _recipient_categories(activity: Activity) -> list[str]:
    if activity.recipients_none and not activity.recipients:
        return ["None"]
    seen = []
    for r in activity.recipients:
        name = r.category_name or (r.third_party.kind_label if r.third_party else "")
        label = f"{name}: {r.third_party.name}" if r.third_party and name else (name or r.name)
        # What this recipient receives and why, when the register says.
        details = [*(c.name for c in r.data_categories), r.purpose]
        if any(details):
            label += " (" + "; ".join(d for d in details if d) + ")"
        if label and label not in seen:
            seen.append(label)
    return seen


def _transfer_lines(activity: Activity, words: Words) -> tuple[list[str], list[str]]:
    destinations, safeguards = [], []
    for t in activity.transfers:
        text = t.destination_label
        if t.third_party:
            text += f" ({t.third_party.name})"
        destinations.append(text)
        if t.mechanism or t.safeguards or t.safeguard_document_link or t.tia_link:
            safeguards.append(f"{t.destination_label}: " + " – ".join(
                transfer_safeguards(t, words)))
    return destinations, safeguards


def mechanism_label(t) -> str:
    """A transfer's mechanism with its SCC module: "Art 46(2)(c) – EU SCCs (Module 2: ...)"."""
    mechanism = t.mechanism.label if t.mechanism else ""
    if t.scc_module_label:
        return f"{mechanism} ({t.scc_module_label})" if mechanism else t.scc_module_label
    return mechanism


def transfer_safeguards(t, words: Words | None = None) -> list[str]:
    """What covers a transfer, in words: the mechanism (with the SCC module), the
    safeguards, the links to their documents and to the TIA."""
    mechanism = words.mechanism(t) if words else mechanism_label(t)
    return [p for p in (mechanism, t.safeguards, t.safeguard_document_link,
                        f"TIA: {t.tia_link}" if t.tia_link else "") if p]


def _retention_lines(activity: Activity) -> list[str]:
    return [f"{rule.data_category.name}: {rule.describe_in_full()}" if rule.data_category
            else rule.describe_in_full() for rule in activity.retention_rules]


def _dpia_progress(value: str) -> str:
    return {"not_started": "Not started", "in_progress": "In progress",
            "completed": "Completed"}.get(value, "")


def controller_row(activity: Activity, words: Words | None = None) -> list[str]:
    """One row of the controller sheet, in the order of ICO_LEADING and ICO_HEADINGS."""
    words = words or Words()
    destinations, safeguards = _transfer_lines(activity, words)
    bases = _basis_lines(activity, words)
    li = [u for u in activity.lawful_bases if u.basis.kind in ("legitimate_interests",
                                                                "recognised_legitimate_interests")]
    contracts = [
        f"{r.third_party.name}: {r.third_party.contract_link}" if r.third_party.contract_link
        else f"{r.third_party.name}: no contract recorded"
        for r in activity.recipients
        if r.third_party and r.third_party.kind in ("processor", "sub_processor")
    ]
    adm = ""
    if activity.automated_decision_making:
        adm = "Yes" + (", with legal or similarly significant effects (Art 22)"
                       if activity.automated_decision_legal_effect else "") + (
            f": {activity.automated_decision_description}"
            if activity.automated_decision_description else "") + (
            f"\nSafeguards (Art 22(3)): {activity.automated_decision_safeguards}"
            if activity.automated_decision_safeguards else "")
    elif activity.lawful_bases or activity.purposes:
        adm = "No"
    return [
        activity.reference,
        activity.name,
        activity.business_function,
        lines(p.description for p in activity.purposes),
        lines([*(t.details() for t in activity.joint_controllers),
               f"Arrangement (Art 26): {activity.joint_arrangement_link}"
               if activity.joint_arrangement_link else ""]),
        lines(s.name for s in activity.data_subjects),
        lines(c.name for c in activity.data_categories),
        lines(_recipient_categories(activity)),
        lines(contracts),
        lines(destinations),
        lines(safeguards),
        lines(_retention_lines(activity)),
        lines([*(m.name for m in activity.security_measures), activity.security_description]),
        lines(bases),
        lines(words.label(c) for c in activity.special_category_conditions),
        lines(u.legitimate_interest for u in li),
        lines(u.lia_link for u in li),
        lines(rights_available(activity, words)),
        adm,
        lines(["Obtained from others (Art 14)" if activity.data_from_other_sources else "",
               activity.source_of_data]),
        lines([*(x for u in activity.lawful_bases for x in (u.consent_record_link,
                                                           u.consent_description)),
               f"Children (Art 8): {activity.children_consent}" if activity.children_consent
               else ""]),
        activity.data_location,
        {"yes": "Yes", "no": "No"}.get(activity.dpia_required, ""),
        _dpia_progress(activity.dpia_status),
        activity.dpia_link,
        yes_no(activity.breach_occurred),
        activity.breach_link,
        lines([*(words.label(c) for c in activity.schedule1_conditions),
               f"Appropriate policy document: {activity.policy_document_link}"
               if activity.policy_document_link else ""]),
        lines(bases) if activity.schedule1_conditions else "",
        activity.retention_policy_link,
        yes_no(activity.retention_adhered),
        activity.retention_non_adherence_reason,
    ]


def processor_row(activity: Activity, words: Words | None = None) -> list[str]:
    destinations, safeguards = _transfer_lines(activity, words or Words())
    categories = [activity.name, activity.description, *(p.description for p in activity.purposes)]
    return [
        f"{activity.reference} {activity.name}",
        lines(t.details() for t in activity.controllers_served),
        lines(categories),
        lines(destinations),
        lines(safeguards),
        lines([*(m.name for m in activity.security_measures), activity.security_description]),
    ]


def _contact_row(label: str, contact: Contact | None) -> list[str]:
    if contact is None:
        return [label, "", "", "", ""]
    return [label, contact.name, contact.address, contact.email, contact.phone]


def registration_label(org: Organisation) -> str:
    """The ICO's data protection fee register for a UK organisation; else its authority's."""
    if org.jurisdiction == "uk":
        return "ICO registration number"
    return "Registration number with the supervisory authority"


def contact_block(sheet: Sheet, org: Organisation, title: str, first_label: str) -> None:
    sheet.row([f"{title}: {org.name}"], "title")
    sheet.blank()
    sheet.row(CONTACT_BLOCK_HEADINGS, "header")
    address = lines([org.address, org.country.name if org.country else "",
                     f"Trading address: {org.trading_address}" if org.trading_address else ""])
    sheet.row([first_label, org.name, address, org.email, org.phone], "label")
    sheet.row(_contact_row("Data Protection Officer", org.dpo), "label")
    sheet.row(_contact_row("Representative (Art 27)", org.representative), "label")
    sheet.row(_contact_row("Legal representative", org.legal_representative), "label")
    sheet.row(["Group (parent company)", org.parent], "label")
    sheet.row([registration_label(org), org.authority_registration_ref], "label")
    sheet.blank()


def ico_sheets(register: Register) -> Iterator[Sheet]:
    """The sheets in order; their rows are produced as each sheet is written."""
    taken: set[str] = set()
    count = len(register.organisations)
    words = Words()
    for org in register.organisations:
        prefix = f"{org.name[:20]} " if count > 1 else ""
        controller = Sheet(sheet_title(f"{prefix}Controller", taken))
        contact_block(controller, org, "Controller documentation", "Controller")
        controller.table((*ICO_LEADING, *ICO_HEADINGS), (controller_row(a, words)
                                                         for a in org.activities
                                                         if not a.is_processor_record))
        processor = Sheet(sheet_title(f"{prefix}Processor", taken))
        contact_block(processor, org, "Processor documentation (Art 30(2))", "Processor")
        processor.table(PROCESSOR_HEADINGS, (processor_row(a, words) for a in org.activities
                                             if a.is_processor_record))
        yield controller
        yield processor
    if not count:
        empty = Sheet("Controller")
        empty.table((*ICO_LEADING, *ICO_HEADINGS), [])
        yield empty


def render_ico(register: Register) -> bytes:
    return render_xlsx(ico_sheets(register))
