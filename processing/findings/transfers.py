"""Rules on transfers outside the EEA or the UK (Chapter V) and on processors (Art 28)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from entities.models import PROCESSOR_KINDS, Adequacy
from entities.models.country import CHAPTER_V_REGIMES

from ..models import TransferMechanismKind
from ..models.reference import serves
from .base import Severity, Where, _, rule


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
        TransferMechanismKind.ADEQUACY: gettext_lazy("UK adequacy regulations"),
        TransferMechanismKind.DPF: gettext_lazy("the UK Extension to the DPF (UK-US data bridge)"),
        TransferMechanismKind.SCC: gettext_lazy("the UK Addendum to the EU SCCs, or the IDTA"),
    },
    "eu": {
        TransferMechanismKind.ADEQUACY: gettext_lazy("an EU adequacy decision"),
        TransferMechanismKind.DPF: gettext_lazy("the EU-US Data Privacy Framework"),
        TransferMechanismKind.IDTA: gettext_lazy("the EU standard contractual clauses"),
        TransferMechanismKind.UK_ADDENDUM: gettext_lazy("the EU standard contractual clauses"),
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
                                 "derogation relied on.") % {"destination": destination}, Where(
                transfer.id, "mechanism")


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
             "instead": instead or _("a mechanism of %(ours)s") % {"ours": _regime(jurisdiction)},
             }, Where(transfer.id, "mechanism")


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
                 "ours": _regime(jurisdiction)}, Where(transfer.id, "mechanism")
        elif (mechanism.kind == TransferMechanismKind.DPF and transfer.country is not None
              and transfer.country.code != "US"):
            yield "transfers", _(
                "The transfer to %(destination)s relies on %(mechanism)s, which covers "
                "certified organisations in the United States only: record the mechanism that "
                "covers %(destination)s."
            ) % {"destination": transfer.destination_label, "mechanism": mechanism.name}, Where(
                transfer.id, "mechanism")


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
            ) % {"destination": transfer.destination_label, "mechanism": mechanism.name}, Where(
                transfer.id, "tia_link")


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
            message = _("A transfer under %(mechanism)s names no destination country: assess "
                        "where the data goes (transfer impact assessment) and link the TIA, or "
                        "name the countries.") % {"mechanism": mechanism}
            yield "transfers", message, Where(transfer.id, "tia_link")


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
                "mechanism": mechanism.article}, Where(transfer.id, "safeguards")


@rule("CH5-DPF-CERTIFIED", Severity.WARNING, "Art 45(3)", "Importer DPF-certified")
def _dpf(activity, today):
    if not _chapter_v(activity):
        return
    for transfer in activity.transfers:
        mechanism, importer = transfer.mechanism, transfer.third_party
        if (mechanism is not None and mechanism.kind == TransferMechanismKind.DPF
                and importer is not None and not importer.dpf_certified):
            message = _("%(importer)s is relied on as DPF-certified but its record does not "
                        "say so: check the DPF list.") % {"importer": importer}
            yield "transfers", message, Where(record=("entities.thirdparty", importer.id))


@rule("A28-CONTRACT", Severity.ERROR, "Art 28(3)", "Processor contract")
def _processor_contract(activity, today):
    for recipient in activity.recipients:
        party = recipient.third_party
        if party is not None and party.kind in PROCESSOR_KINDS and not party.contract_link:
            yield "recipients", _("%(name)s is a processor with no link to its Art 28 "
                                  "contract.") % {"name": party.name}, Where(
                record=("entities.thirdparty", party.id))

