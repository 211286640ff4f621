"""What a record shows in the PDF: each row's label and how its value is written.

What a record shows is written once, in the lists of :class:`Row` below
(``ORGANISATION_ROWS``, ``ACTIVITY_ROWS``): a field added to the records is one line
there. Labels of choices are looked up once per document (:func:`document_labels`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import timezone, translation

from entities.models.organisation import ContactRole, Jurisdiction
from entities.models.third_party import ThirdPartyKind
from processing.models import ActivityRole, ActivityStatus, DpiaRequired, DpiaStatus
from processing.models.retention import DeletionMethod
from processing.register.records import (
    Activity,
    LawfulBasisUse,
    Organisation,
    Recipient,
    RetentionRule,
    ThirdParty,
    Transfer,
)
from processing.register.wording import choice_labels, one_language

from ..ico import mechanism_label, rights_available

NOT_RECORDED = "Not recorded"



@dataclass(frozen=True)
class Row:
    """One line of a record's table: its label and how its value is written.

    ``value`` answers the text shown (lines separated by newlines). A row whose value is
    empty is left out, unless ``always``: those are the items Art 30 asks for, shown as
    "Not recorded" so that a gap is seen at sign-off."""

    label: str
    value: Callable[[object], str]
    always: bool = False


#: What the document being made looks up once (its language, its time zone) rather than
#: once per value.
_DOCUMENT_LABELS: ContextVar[dict | None] = ContextVar("pdf_labels", default=None)


def _of_document(key: str, look_up):
    """``look_up()``, asked once per document (outside a document, every time)."""
    labels = _DOCUMENT_LABELS.get()
    if labels is None:
        return look_up()
    if key not in labels:
        labels[key] = look_up()
    return labels[key]


def _language() -> str | None:
    return _of_document("language", translation.get_language)


def label(choices, value: str) -> str:
    """The label of a choice in the document's language (the value itself if unknown)."""
    return choice_labels(choices, _language()).get(value, value)


def _join(values: Iterable) -> str:
    return "\n".join(str(v) for v in values if v not in (None, ""))


def parts(*pairs: tuple[str, object]) -> str:
    """"Label: value" for each pair with a value, one per line."""
    return "\n".join(f"{label}: {value}" for label, value in pairs if value not in (None, ""))


def _timezone() -> datetime.tzinfo:
    return _of_document("timezone", timezone.get_current_timezone)


def _date(value: datetime.date | datetime.datetime | None) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, _timezone()) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if value else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _inline(values: Iterable) -> str:
    """Short values (taxonomy terms) on one line, wrapped as a paragraph."""
    return "; ".join(str(v) for v in values if v not in (None, ""))


def _inline_parts(*pairs: tuple[str, object]) -> str:
    return "; ".join(f"{label} {value}" for label, value in pairs if value not in (None, ""))


def _data_categories(activity: Activity) -> str:
    def name(term):
        flags = [flag for flag, on in (("special category, Art 9", term.special_category),
                                       ("criminal offence data, Art 10", term.criminal_offence))
                 if on]
        return f"{term.name} ({'; '.join(flags)})" if flags else term.name
    return _inline(name(t) for t in activity.data_categories)


def _lawful_basis(use: LawfulBasisUse) -> str:
    return _join([use.basis.label, parts(
        ("Legitimate interest pursued", use.legitimate_interest),
        ("Legitimate interests assessment", use.lia_link),
        ("Legal provision", use.citation),
        ("Consent record", use.consent_record_link),
        ("How consent is recorded", use.consent_description),
        ("Recognised legitimate interest", use.recognised_interest_label),
        ("Limited to purposes", "; ".join(f"{p.number}. {p.description}" for p in use.purposes)),
        ("Limited to data", "; ".join(c.name for c in use.data_categories)),
        ("Notes", use.notes),
    )])


def _party(party: ThirdParty) -> str:
    """A third party's name, what it is, and how to reach it."""
    return _join([party.name, party_details(party)])


def party_details(party: ThirdParty) -> str:
    return _join(["; ".join(x for x in (label(ThirdPartyKind, party.kind),
                                        party.category.name if party.category else "",
                                        party.service) if x), parts(
        ("Address", party.address.replace("\n", ", ")),
        ("Country", party.country.name if party.country else ""),
        ("Email", party.email), ("Phone", party.phone), ("Website", party.website),
        ("Group company", party.group_organisation),
        ("Contract", party.contract_link),
        ("EU-US Data Privacy Framework certified", "Yes" if party.dpf_certified else ""),
        ("DPO", party.dpo_contact.replace("\n", ", ")),
        ("Representative (Art 27)", party.representative_contact.replace("\n", ", ")),
        ("Notes", party.notes),
    )])


def _recipient(recipient: Recipient) -> str:
    party = recipient.third_party
    if party is None:
        head = f"{recipient.category_name} (recipient category)"
    else:
        what = "; ".join(x for x in (label(ThirdPartyKind, party.kind), recipient.category_name,
                                     party.country.name if party.country else "") if x)
        head = f"{party.name} ({what})" if what else party.name
    return _join([head, parts(
        ("Data", "; ".join(c.name for c in recipient.data_categories)),
        ("Purpose", recipient.purpose),
        ("Contract", party.contract_link if party else ""),
    )])


def _recipients(activity: Activity) -> str:
    if not activity.recipients:
        return "None" if activity.recipients_none else ""
    return "\n".join(_recipient(r) for r in activity.recipients)


def _transfer(transfer: Transfer) -> str:
    return _join([transfer.destination or "Destination not named", parts(
        ("Importer", transfer.third_party.name if transfer.third_party else ""),
        ("Mechanism", mechanism_label(transfer) or "none recorded"),
        ("Safeguards", transfer.safeguards),
        ("Safeguard documents", transfer.safeguard_document_link),
        ("Transfer impact assessment", transfer.tia_link),
    )])


def _retention(rule: RetentionRule) -> str:
    # Registers repeat their retention rules: each wording is made once per export.
    return _retention_text(tuple(getattr(rule, f.name) for f in _RETENTION_FIELDS),
                           _language())


_RETENTION_FIELDS = [f for f in dataclasses.fields(RetentionRule) if f.name != "id"]


@functools.lru_cache(maxsize=4096)
def _retention_text(values: tuple, language: str | None) -> str:
    rule = RetentionRule(id=0, **{f.name: v for f, v in zip(_RETENTION_FIELDS, values,
                                                              strict=True)})
    text = rule.describe()
    if rule.period and rule.criteria and rule.criteria not in text:
        text = f"{text}; {rule.criteria}"
    if rule.data_category:
        text = f"{rule.data_category.name}: {text}"
    return _join([text, parts(("Deletion", label(DeletionMethod, rule.deletion_method)
                                if rule.deletion_method else ""))])


def _automated(activity: Activity) -> str:
    if not activity.automated_decision_making:
        return "No" if not activity.automated_decision_description else \
            activity.automated_decision_description
    return _join(["Yes" + (", with legal or similarly significant effect"
                           if activity.automated_decision_legal_effect else ""),
                  activity.automated_decision_description,
                  parts(("Safeguards (Art 22(3))", activity.automated_decision_safeguards))])


def _screening(activity: Activity) -> list[tuple[str, bool]]:
    """The DPIA screening criteria the activity's own flags say."""
    return [("large scale", activity.large_scale),
            ("evaluation or scoring", activity.evaluation_or_scoring),
            ("matching datasets", activity.matching_datasets),
            ("vulnerable data subjects", activity.vulnerable_subjects),
            ("children's data", activity.children),
            ("innovative technology", activity.innovative_technology),
            ("prevents a right or service", activity.prevents_exercise_of_right)]


def _dpia(activity: Activity) -> str:
    return parts(("Required", label(DpiaRequired, activity.dpia_required)
                   if activity.dpia_required else ""),
                  ("Progress", label(DpiaStatus, activity.dpia_status)
                   if activity.dpia_status else ""),
                  ("Link", activity.dpia_link))


def _retention_policy(activity: Activity) -> str:
    return parts(("Policy document", activity.retention_policy_link),
                  ("Retained and erased as the policy says", _yes_no(activity.retention_adhered)),
                  ("Reasons for not adhering", activity.retention_non_adherence_reason))


#: The organisation's details, in the order they are shown; its contacts follow, one row
#: each, labelled with their role.
ORGANISATION_ROWS: list[Row] = [
    Row("Legal name", lambda o: o.name, always=True),
    Row("Trading name", lambda o: o.trading_name),
    Row("Parent group", lambda o: o.parent),
    Row("Registration number", lambda o: o.registration_number),
    Row("Supervisory authority registration", lambda o: o.authority_registration_ref),
    Row("VAT number", lambda o: o.vat_number),
    Row("Address", lambda o: o.address, always=True),
    Row("Trading address", lambda o: o.trading_address),
    Row("Country", lambda o: o.country.name if o.country else ""),
    Row("Data protection law", lambda o: label(Jurisdiction, o.jurisdiction)),
    Row("Public authority", lambda o: "Yes" if o.public_authority else ""),
    Row("Website", lambda o: o.website),
    Row("Email", lambda o: o.email),
    Row("Phone", lambda o: o.phone),
]

#: Everything an activity's record holds, in the order of Art 30(1) and (2), then the
#: ICO template's other columns and the record's own history.
ACTIVITY_ROWS: list[Row] = [
    Row("Role of the organisation", lambda a: label(ActivityRole, a.role), always=True),
    Row("Business function", lambda a: a.business_function),
    Row("Owner", lambda a: _inline([a.owner, a.owner_email])),
    Row("Joint controllers", lambda a: "\n".join(_party(t) for t in a.joint_controllers)),
    Row("Controllers served (processor record)",
        lambda a: "\n".join(_party(t) for t in a.controllers_served)),
    Row("Description", lambda a: a.description),
    Row("Purposes", lambda a: _join(f"{p.number}. {p.description}" for p in a.purposes),
        always=True),
    Row("Lawful bases", lambda a: "\n".join(_lawful_basis(u) for u in a.lawful_bases),
        always=True),
    Row("Art 9 conditions", lambda a: _inline(c.label for c in a.special_category_conditions)),
    Row("DPA 2018 Sch. 1 / Art 10 conditions",
        lambda a: _inline(c.label for c in a.schedule1_conditions)),
    Row("Data subjects", lambda a: _inline(s.name for s in a.data_subjects), always=True),
    Row("Personal data", _data_categories, always=True),
    Row("Source of the data", lambda a: _join([
        "Obtained from others (Art 14)" if a.data_from_other_sources else "", a.source_of_data])),
    Row("Privacy notice", lambda a: a.privacy_notice_link),
    Row("Joint controller arrangement", lambda a: a.joint_arrangement_link),
    Row("Appropriate policy document", lambda a: a.policy_document_link),
    Row("Children's consent (Art 8)", lambda a: a.children_consent),
    Row("Direct marketing", lambda a: _inline_parts(
        ("direct marketing", "Yes" if a.direct_marketing else ""),
        ("electronic marketing", "Yes" if a.electronic_marketing else ""),
        ("soft opt-in", "Yes" if a.soft_opt_in else ""))),
    Row("Recipients", _recipients, always=True),
    Row("International transfers", lambda a: "\n".join(_transfer(t) for t in a.transfers)),
    Row("Retention", lambda a: "\n".join(_retention(r) for r in a.retention_rules),
        always=True),
    Row("Retention policy", _retention_policy),
    Row("Security measures", lambda a: _join([_inline(m.name for m in a.security_measures),
                                              a.security_description]), always=True),
    Row("Rights available", lambda a: _inline(rights_available(a))),
    Row("Automated decision-making, including profiling", _automated),
    Row("Systematic monitoring", lambda a: "Yes" if a.systematic_monitoring else ""),
    Row("DPIA screening", lambda a: _inline_parts(
        *((label, "Yes") for label, on in _screening(a) if on))),
    Row("Location of the data", lambda a: a.data_location),
    Row("Data protection impact assessment", _dpia),
    Row("Personal data breach", lambda a: parts(
        ("Occurred", "Yes" if a.breach_occurred else ""), ("Record", a.breach_link))),
    Row("Review", lambda a: _inline_parts(("last reviewed", _date(a.last_reviewed_on)),
                                          ("next review", _date(a.next_review_on)))),
    Row("Status", lambda a: _inline([label(ActivityStatus, a.status),
                                     _inline_parts(("since", _date(a.status_changed_at)))]),
        always=True),
    Row("Version", lambda a: _inline([a.version, _inline_parts(
        ("created", _date(a.created_at)), ("last changed", _date(a.updated_at)))])),
]


def table_rows(rows: Sequence[Row], record) -> list[tuple[str, str]]:
    """(label, text) of each row ``record`` shows."""
    shown = []
    for row in rows:
        value = row.value(record)
        if value or row.always:
            shown.append((row.label, value or NOT_RECORDED))
    return shown


def contact_rows(organisation: Organisation) -> list[tuple[str, str]]:
    return [(label(ContactRole, c.role), c.details()) for c in organisation.contacts]


@contextlib.contextmanager
def document_labels() -> Iterator[None]:
    """Inside, the document's language (for the labels of choices), the language of the
    register's names (:func:`~processing.register.wording.one_language`) and the time zone
    of its dates are looked up once rather than once per value: the document is made in
    one language and one time zone."""
    token = _DOCUMENT_LABELS.set({})
    try:
        with one_language():
            yield
    finally:
        _DOCUMENT_LABELS.reset(token)
