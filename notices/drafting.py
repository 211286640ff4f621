"""The privacy notice drafted from the register: what Art 13 and 14 say people are told,
taken from the organisation's ACTIVE activities only (a draft, a record in review or a
retired activity is not what the organisation does today).

The notice is a plain structure (:class:`Notice`, one :class:`NoticeSection` per activity)
that templates word: every value is already in words, on one line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from entities.models.organisation import ContactRole, Jurisdiction
from processing.exports.ico import MARKETING_OBJECTION, mechanism_label, rights_by_basis
from processing.models import ActivityStatus, LawfulBasisKind
from processing.register import cutoff, read_register
from processing.register import records as r

#: The UK supervisory authority, as its own notices give it.
ICO = ("the Information Commissioner's Office (ICO), Wycliffe House, Water Lane, Wilmslow, "
       "Cheshire SK9 5AF; telephone 0303 123 1113; https://ico.org.uk/make-a-complaint/")
LOCAL_AUTHORITY = "your local supervisory authority"
EU_AUTHORITY = ("the supervisory authority of the EU or EEA member state where you live, where "
                "you work or where the alleged infringement took place (Art 77 GDPR), or our "
                "lead supervisory authority")


class NoticeError(Exception):
    """The notice cannot be drafted (no such organisation at that moment)."""


def one_line(text: str) -> str:
    """A value on one line: its lines joined by ", " (an address, a contact's details)."""
    return ", ".join(part.strip() for part in (text or "").splitlines() if part.strip())


@dataclass(slots=True)
class Basis:
    label: str
    #: The legitimate interest pursued (Art 6(1)(f)) or the recognised one (UK 6(1)(ea)).
    legitimate_interest: str = ""
    #: The purposes and data the basis is limited to, in words ("" when the whole activity).
    scope: str = ""


@dataclass(slots=True)
class Transfer:
    destination: str
    #: The safeguard in words: the mechanism (with its SCC module), or adequacy.
    safeguard: str
    importer: str = ""


@dataclass(slots=True)
class NoticeSection:
    """What people are told about one activity."""

    reference: str
    name: str
    #: The record's description: the register's own words, not shown by the standard
    #: templates (an organisation's template may show it).
    description: str
    purposes: list[str]
    bases: list[Basis]
    special_conditions: list[str]
    data_subjects: list[str]
    data_categories: list[str]
    #: Where the data comes from when not (only) from the person (Art 14(2)(f)).
    source: str
    from_other_sources: bool
    recipients: list[str]
    recipients_none: bool
    transfers: list[Transfer]
    retention: list[str]
    rights: list[str]
    automated_decisions: str
    #: A processor record: the organisation processes the data on behalf of these
    #: controllers, whose own notices give the basis and the rights.
    processor: bool = False
    controllers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Contact:
    role: str
    name: str
    details: str


@dataclass(slots=True)
class Notice:
    organisation_id: int
    name: str
    trading_name: str
    address: str
    registration_number: str
    authority_registration_ref: str
    email: str
    phone: str
    website: str
    jurisdiction: str
    dpo: Contact | None
    representative: Contact | None
    privacy_contact: Contact | None
    supervisory_authority: str
    #: The moment of the register the notice reflects.
    register_as_of: datetime.datetime
    sections: list[NoticeSection] = field(default_factory=list)

    @property
    def jurisdiction_label(self) -> str:
        return str(Jurisdiction(self.jurisdiction).label) if self.jurisdiction in \
            Jurisdiction.values else self.jurisdiction

    @property
    def contacts(self) -> list[Contact]:
        """The DPO, the Art 27 representative and the privacy contact that are named."""
        return [c for c in (self.dpo, self.representative, self.privacy_contact) if c]

    @property
    def from_other_sources(self) -> bool:
        return any(s.from_other_sources for s in self.sections)


def _address(organisation: r.Organisation) -> str:
    """The registered address on one line, with the country unless it already says it."""
    address = one_line(organisation.address)
    country = organisation.country.name if organisation.country else ""
    if country and country.casefold() not in address.casefold():
        address = f"{address}, {country}" if address else country
    return address


def _contact(contact: r.Contact | None) -> Contact | None:
    if contact is None:
        return None
    details = "; ".join(v for v in (one_line(contact.address), contact.email, contact.phone) if v)
    return Contact(role=contact.role_label, name=contact.name, details=details)


def _data_category(term: r.Term) -> str:
    if term.special_category:
        return f"{term.name} (special category data)"
    if term.criminal_offence:
        return f"{term.name} (criminal offence data)"
    return term.name


def _basis(use: r.LawfulBasisUse) -> Basis:
    interest = use.legitimate_interest.strip()
    if use.recognised_interest:
        interest = "; ".join(v for v in (use.recognised_interest_label, interest) if v)
    scope = [*(p.description for p in use.purposes), *(c.name for c in use.data_categories)]
    return Basis(label=use.basis.label, legitimate_interest=one_line(interest),
                 scope="; ".join(one_line(s) for s in scope))


def _recipient(recipient: r.Recipient) -> str:
    """Named where the register names the recipient, else its category."""
    name = recipient.name
    category = recipient.category_name
    if recipient.third_party is not None and category and category != name:
        name = f"{name} ({category})"
    return one_line(f"{name}: {recipient.purpose}" if recipient.purpose else name)


def _transfer(transfer: r.Transfer, jurisdiction: str) -> Transfer:
    safeguard = mechanism_label(transfer)
    if not safeguard and transfer.adequate_for(jurisdiction):
        safeguard = "adequacy decision (the destination is found to protect personal data adequately)"
    safeguard = "; ".join(v for v in (safeguard, one_line(transfer.safeguards)) if v)
    return Transfer(destination=transfer.destination_label,
                    safeguard=safeguard or "no safeguard recorded",
                    importer=transfer.third_party.name if transfer.third_party else "")


def _retention(rule: r.RetentionRule) -> str:
    text = rule.describe()
    return one_line(f"{rule.data_category.name}: {text}" if rule.data_category else text)


def _rights(activity: r.Activity) -> list[str]:
    lines = [f"{label}: {', '.join(rights)}" for label, rights in rights_by_basis(activity)]
    if any(u.basis.kind == LawfulBasisKind.CONSENT for u in activity.lawful_bases):
        lines.append("You may withdraw your consent at any time, without affecting the "
                     "processing done before (Art 7(3))")
    if activity.does_direct_marketing:
        lines.append(MARKETING_OBJECTION)
    return lines


def _automated(activity: r.Activity) -> str:
    if not activity.automated_decision_making:
        return ""
    text = "Decisions are made by automated means, including profiling"
    if activity.automated_decision_legal_effect:
        text += ", with legal or similarly significant effects on you"
    return "; ".join(one_line(v) for v in (text, activity.automated_decision_description,
                                          activity.automated_decision_safeguards) if v)


def section(activity: r.Activity) -> NoticeSection:
    """What the notice says about one active activity."""
    jurisdiction = activity.jurisdiction
    return NoticeSection(
        reference=activity.reference,
        name=activity.name,
        description=one_line(activity.description),
        purposes=[one_line(p.description) for p in activity.purposes],
        bases=[_basis(u) for u in activity.lawful_bases],
        special_conditions=[c.label for c in (*activity.special_category_conditions,
                                              *activity.schedule1_conditions)],
        data_subjects=[s.name for s in activity.data_subjects],
        data_categories=[_data_category(t) for t in activity.data_categories],
        source=one_line(activity.source_of_data),
        from_other_sources=activity.data_from_other_sources,
        recipients=[_recipient(x) for x in activity.recipients],
        recipients_none=activity.recipients_none,
        transfers=[_transfer(t, jurisdiction) for t in activity.transfers],
        retention=[_retention(rule) for rule in activity.retention_rules],
        rights=_rights(activity),
        automated_decisions=_automated(activity),
        processor=activity.is_processor_record,
        controllers=[party.name for party in activity.controllers_served],
    )


def supervisory_authority(jurisdiction: str, configured: str = "") -> str:
    """Who people complain to: the authority the DPO named, else the ICO under the UK
    GDPR, else the local (EU: the member state's or the lead) supervisory authority."""
    if configured.strip():
        return one_line(configured)
    if jurisdiction == Jurisdiction.UK:
        return ICO
    if jurisdiction == Jurisdiction.EU:
        return EU_AUTHORITY
    return LOCAL_AUTHORITY


def notice_from_records(organisation: r.Organisation, *, register_as_of: datetime.datetime,
                        configured_authority: str = "") -> Notice:
    """The notice of an organisation read with its activities; only the active ones count."""
    return Notice(
        organisation_id=organisation.id,
        name=organisation.name,
        trading_name=organisation.trading_name,
        address=_address(organisation),
        registration_number=organisation.registration_number,
        authority_registration_ref=organisation.authority_registration_ref,
        email=organisation.email,
        phone=organisation.phone,
        website=organisation.website,
        jurisdiction=organisation.jurisdiction,
        dpo=_contact(organisation.dpo),
        representative=_contact(organisation.representative),
        privacy_contact=_contact(organisation.contact(ContactRole.PRIVACY_CONTACT)),
        supervisory_authority=supervisory_authority(organisation.jurisdiction,
                                                    configured_authority),
        register_as_of=register_as_of,
        sections=[section(a) for a in organisation.activities
                  if a.status == ActivityStatus.ACTIVE],
    )


def draft_notice(organisation_id: int, as_of: datetime.date | datetime.datetime | None = None
                 ) -> Notice:
    """The notice of the organisation from its active activities, as the register stands
    or as it stood at ``as_of`` (a day, its end, or an instant). Raises ``NoticeError``
    when the organisation did not exist then."""
    from .models import NoticeSettings

    register = read_register(organisation_ids=[organisation_id], status=ActivityStatus.ACTIVE,
                             as_of=as_of)
    moment = _moment(register)
    configured = (NoticeSettings.objects.filter(organisation_id=organisation_id)
                  .values_list("supervisory_authority", flat=True).first() or "")
    for organisation in register.organisations:  # one organisation, read once
        return notice_from_records(organisation, register_as_of=moment,
                                   configured_authority=configured)
    raise NoticeError(f"No organisation with id {organisation_id}"
                      + (f" as of {as_of.isoformat()}." if as_of else "."))


def _moment(register: r.Register) -> datetime.datetime:
    """The instant the notice reflects: when it was read, the instant asked for, or the
    end of the day asked for."""
    if register.as_of is None:
        return register.generated_at
    if isinstance(register.as_of, datetime.datetime):
        return register.as_of
    return cutoff(register.as_of)
