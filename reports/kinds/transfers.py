"""Transfers and retention: where the data goes outside the UK / EEA, on which ground,
and how long each category of personal data is kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.utils import timezone

from entities.models import Adequacy
from entities.models.country import CHAPTER_V_REGIMES
from processing.models import TransferMechanismKind
from processing.models.reference import serves
from processing.register.reader import read_in_chunks

from ..selectors import activities_in_scope
from .base import Chart, Figure, ReportContent, Section

TITLE = "Transfers and retention"


def _adequacy(transfer, jurisdiction: str) -> str:
    country = transfer.country
    if country is None:
        if transfer.organisation is not None:
            return {Adequacy.FULL: "adequate international organisation"}.get(
                transfer.adequacy_for(jurisdiction), "international organisation")
        return "international organisation"
    if country.is_eea:
        return "EEA"
    if jurisdiction == "uk" and country.code == "GB":
        return "UK"
    status = country.uk_adequacy if jurisdiction == "uk" else country.eu_adequacy
    return {Adequacy.FULL: "adequate", Adequacy.PARTIAL: "partly adequate"}.get(
        status, "no adequacy")


def _issue(transfer, jurisdiction: str) -> str:
    if jurisdiction not in CHAPTER_V_REGIMES:
        return ""  # another regime: no EU or UK transfer rule is checked
    mechanism = transfer.mechanism
    if mechanism is None:
        if not transfer.adequate_for(jurisdiction):
            return "No transfer mechanism recorded"
        return ""
    if not serves(mechanism.jurisdiction, jurisdiction):
        return "Mechanism of another law than the exporter's"
    if (mechanism.kind == TransferMechanismKind.DEROGATION
            and mechanism.requires_documented_safeguards
            and not (transfer.safeguards.strip() or transfer.safeguard_document_link)):
        return "Art 49 derogation without documented safeguards"
    if (mechanism.kind == TransferMechanismKind.DPF and transfer.third_party is not None
            and not transfer.third_party.dpf_certified):
        return "Importer not recorded as DPF-certified"
    return ""


def build(report, previous) -> ReportContent:
    ids = list(activities_in_scope(report.organisation).current()
               .order_by("organisation__name", "reference").values_list("pk", flat=True))
    transfer_rows, retention_rows, missing_rows = [], [], []
    by_destination: Counter[str] = Counter()
    activities_by_destination: dict[str, set[int]] = defaultdict(set)
    by_mechanism: Counter[str] = Counter()
    by_category: dict[str, set] = defaultdict(set)
    issues = 0
    for activity in read_in_chunks(ids):
        organisation, jurisdiction = activity.organisation, activity.jurisdiction
        for transfer in activity.transfers:
            country = transfer.country
            destination = country.name if country else transfer.international_organisation
            mechanism = transfer.mechanism
            mechanism_name = mechanism.name if mechanism else "none"
            issue = _issue(transfer, jurisdiction)
            issues += bool(issue)
            by_destination[destination] += 1
            activities_by_destination[destination].add(activity.id)
            by_mechanism[mechanism_name] += 1
            transfer_rows.append([
                organisation, activity.reference, activity.name, destination,
                _adequacy(transfer, jurisdiction),
                str(transfer.third_party) if transfer.third_party else "",
                mechanism_name, mechanism.article if mechanism else "", transfer.safeguards,
                transfer.safeguard_document_link, transfer.tia_link, issue,
            ])
        categories = activity.data_categories
        covered = set()
        for rule in activity.retention_rules:
            targets = [rule.data_category] if rule.data_category else categories
            scope_note = "" if rule.data_category else "all the activity's data"
            for category in targets:
                covered.add(category.id)
                by_category[category.name].add(rule.describe())
                retention_rows.append([
                    category.name, "yes" if category.special_category else "",
                    organisation, activity.reference, activity.name, rule.period or "",
                    rule.describe(), rule.trigger_label, rule.legal_source, rule.deletion_label,
                    scope_note,
                ])
        for category in categories:
            if category.id not in covered:
                missing_rows.append([category.name, organisation, activity.reference,
                                     activity.name])
    retention_rows.sort(key=lambda r: (r[0], r[2], r[3]))
    missing_rows.sort()

    destination_rows = [
        [name, count, len(activities_by_destination[name])]
        for name, count in sorted(by_destination.items())
    ]
    category_rows = [
        [name, len(periods), "; ".join(sorted(periods))]
        for name, periods in sorted(by_category.items())
    ]
    summary = {
        "transfers": len(transfer_rows),
        "transfers_with_issue": issues,
        "by_destination": dict(by_destination),
        "by_mechanism": dict(by_mechanism),
        "categories_without_retention": len({r[0] for r in missing_rows}),
    }
    before = previous.summary if previous is not None else {}

    def change(key):
        return summary[key] - before[key] if key in before else None

    return ReportContent(
        title=TITLE,
        scope=report.organisation.name if report.organisation_id else "Whole register",
        period=report.period,
        generated_at=timezone.now(),
        figures=[
            Figure("International transfers", len(transfer_rows), change("transfers")),
            Figure("Transfers needing attention", issues, change("transfers_with_issue")),
            Figure("Destinations", len(by_destination)),
            Figure("Data categories with no retention rule in some activity",
                   summary["categories_without_retention"],
                   change("categories_without_retention")),
        ],
        sections=[
            Section("International transfers",
                    ["Organisation", "Reference", "Activity", "Destination", "Status",
                     "Importer", "Mechanism", "Article", "Safeguards", "Safeguard documents",
                     "Transfer impact assessment", "Needs attention"], transfer_rows,
                    empty_text="No international transfer is recorded."),
            Section("Transfers by destination", ["Destination", "Transfers", "Activities"],
                    destination_rows, empty_text="No international transfer is recorded."),
            Section("Transfers by mechanism", ["Mechanism", "Transfers"],
                    sorted([list(i) for i in by_mechanism.items()], key=lambda r: -r[1])),
            Section("Retention by data category",
                    ["Data category", "Special category", "Organisation", "Reference",
                     "Activity", "Period (ISO 8601)", "Retention", "Counted from",
                     "Legal source", "At the end", "Scope"], retention_rows,
                    empty_text="No retention rule is recorded."),
            Section("Retention summary by category",
                    ["Data category", "Different periods", "Periods"], category_rows),
            Section("Categories with no retention",
                    ["Data category", "Organisation", "Reference", "Activity"], missing_rows,
                    empty_text="Every data category processed has a retention rule."),
        ],
        charts=[
            Chart("Transfers by destination", [(r[0], r[1]) for r in destination_rows]),
            Chart("Transfers by mechanism", by_mechanism.most_common()),
        ],
        summary=summary,
    )
