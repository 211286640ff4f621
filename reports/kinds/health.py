"""Register health: the findings of the rule engine, and how complete the Art 30 items are.

Counts findings by rule, severity and organisation, gives each organisation's completeness
score and, per Article 30 item, the share of records where it is complete
(processing/completeness.py), and compares with the previous health report of the same
organisation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone

from processing.completeness import (
    ITEMS,
    OrganisationCompleteness,
    RegisterCompleteness,
    activity_completeness,
    organisations_by_item,
)
from processing.findings import RULES_BY_CODE, Severity, activity_findings
from processing.register.batches import BATCH_ACTIVITIES, one_snapshot, read_register

from .base import Chart, Figure, ReportContent, Section, SpooledRows

TITLE = "Register health"

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _percent(value):
    return "" if value is None else value


def _change(current, previous: dict | None, *keys):
    if previous is None:
        return None
    value = previous
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key, 0)
    return current - (value or 0)


def _completeness_change(score, before: dict | None):
    """The change of the mean score since the previous report, when both have one."""
    earlier = ((before or {}).get("completeness") or {}).get("score")
    if score is None or not isinstance(earlier, int | float):
        return None
    return round(score - earlier, 1)


@dataclass
class Assessment:
    """What one pass over the register found, counted as it went: the findings themselves
    are written to ``detail_rows`` (spooled to disk), never held."""

    detail_rows: SpooledRows
    organisations: list[OrganisationCompleteness]
    by_code: Counter[str]
    by_severity: Counter[str]
    by_org: dict[str, Counter]
    activities: int = 0
    with_findings: int = 0
    score_total: int = 0


def assess(organisation, period, *, batch_activities: int | None = None) -> Assessment:
    """The findings and the completeness of the current (not retired) activities of
    ``organisation`` (the whole register when None) on ``period``, read a batch of
    organisations at a time (about ``batch_activities``) in one snapshot, so that the
    records held are one batch's whatever the size of the register; the rows of the
    findings table are written as they are found, in its order (organisation, reference,
    severity, code)."""
    found = Assessment(detail_rows=SpooledRows(), organisations=[], by_code=Counter(),
                       by_severity=Counter(), by_org=defaultdict(Counter))
    by_code, by_severity, detail_rows = found.by_code, found.by_severity, found.detail_rows
    with one_snapshot():
        register = read_register(
            organisation_ids=None if organisation is None else [organisation.pk],
            include_retired=False,
            batch_activities=batch_activities or BATCH_ACTIVITIES)
        for held in register.organisations:
            if not held.activities:
                continue
            completeness = OrganisationCompleteness(held.id, held.name)
            counts = found.by_org[held.name]
            for record in sorted(held.activities, key=lambda a: (a.reference, a.id)):
                findings = activity_findings(record, today=period)
                scored = activity_completeness(record, today=period, findings=findings)
                completeness.add(scored)
                found.activities += 1
                found.score_total += scored.score
                counts["activities"] += 1
                if findings:
                    found.with_findings += 1
                    counts["with_findings"] += 1
                for finding in sorted(findings, key=_finding_order):
                    by_code[finding.code] += 1
                    by_severity[finding.severity] += 1
                    counts[finding.severity] += 1
                    detail_rows.append([
                        held.name, record.reference, record.name, str(finding.severity),
                        finding.code, finding.article, finding.field, str(finding.message),
                    ])
            found.organisations.append(completeness)
    return found


def _finding_order(finding) -> tuple[int, str]:
    return SEVERITIES.index(finding.severity), finding.code


def build(report, previous, *, batch_activities: int | None = None) -> ReportContent:
    period = report.period
    organisation = report.organisation if report.organisation_id else None
    assessed = assess(organisation, period, batch_activities=batch_activities)
    before = previous.summary if previous is not None else None
    by_code, by_severity, by_org = assessed.by_code, assessed.by_severity, assessed.by_org
    detail_rows = assessed.detail_rows
    shares = organisations_by_item(RegisterCompleteness({}, assessed.organisations))

    item_rows = [
        [str(share.item.title), share.item.article, share.records, share.complete, share.partial,
         share.missing, _percent(share.share_complete)]
        for share in shares
    ]
    mean_score = (round(assessed.score_total / assessed.activities, 1) if assessed.activities
                  else None)
    completeness_rows = [
        [o.name, o.activities, o.complete_activities, _percent(o.score)]
        + [_percent(o.items[item.key].share_complete) for item in ITEMS]
        for o in assessed.organisations
    ]

    total = sum(by_code.values())
    with_findings = assessed.with_findings
    activities = assessed.activities
    summary = {
        "activities": activities,
        "with_findings": with_findings,
        "total": total,
        "by_severity": {s.value: by_severity.get(s, 0) for s in SEVERITIES},
        "by_code": dict(sorted(by_code.items())),
        "by_organisation": {org: dict(c) for org, c in sorted(by_org.items())},
        "completeness": {
            "score": mean_score,
            "by_item": {share.item.key: share.share_complete for share in shares},
            "by_organisation": {o.name: o.score for o in assessed.organisations},
        },
    }

    figures = [
        Figure("Activities in the register", activities,
               _change(activities, before, "activities")),
        Figure("Activities with findings", with_findings,
               _change(with_findings, before, "with_findings")),
        Figure("Findings", total, _change(total, before, "total")),
        Figure("Mean completeness score (%)", _percent(mean_score),
               _completeness_change(mean_score, before)),
    ] + [
        Figure(f"Findings of severity {s.label}", by_severity.get(s, 0),
               _change(by_severity.get(s, 0), before, "by_severity", s.value))
        for s in SEVERITIES
    ]

    previous_codes = (before or {}).get("by_code", {})
    rule_rows = []
    for code in sorted(set(by_code) | set(previous_codes),
                       key=lambda c: (SEVERITIES.index(RULES_BY_CODE[c].severity)
                                      if c in RULES_BY_CODE else 9, c)):
        rule = RULES_BY_CODE.get(code)
        rule_rows.append([
            code, rule.title if rule else code, rule.severity if rule else "", rule.article if rule
            else "", by_code.get(code, 0),
            previous_codes.get(code, 0) if before is not None else None,
            _change(by_code.get(code, 0), before, "by_code", code),
        ])

    org_rows = [
        [org, c["activities"], c["with_findings"], c[Severity.ERROR], c[Severity.WARNING],
         c[Severity.INFO]]
        for org, c in sorted(by_org.items())
    ]

    notes = []
    if previous is None:
        notes.append("This is the first health report of this scope: no trend yet.")
    else:
        notes.append(f"Changes are measured against the health report of {previous.period:%d %B %Y}.")

    return ReportContent(
        title=TITLE,
        scope=report.organisation.name if report.organisation_id else "Whole register",
        period=period,
        generated_at=timezone.now(),
        figures=figures,
        sections=[
            Section("Findings by rule", ["Code", "Rule", "Severity", "Article", "Findings",
                                         "Previous report", "Change"], rule_rows,
                    empty_text="No finding: every record is complete."),
            Section("Findings by organisation", ["Organisation", "Activities",
                                                 "Activities with findings", "Errors",
                                                 "Warnings", "Information"], org_rows),
            Section("Completeness by organisation",
                    ["Organisation", "Activities", "Activities complete", "Mean score (%)"]
                    + [f"{item.article} complete (%)" for item in ITEMS], completeness_rows,
                    description="Each current (not retired) activity is scored on the items of "
                                "Art 30(1) (controller record) or Art 30(2) (processor record): "
                                "the share of its items that are complete. Per item, the share "
                                "of the organisation's activities it applies to where it is "
                                "complete; empty where it applies to none."),
            Section("Completeness of Art 30 items",
                    ["Item", "Article", "Records concerned", "Complete", "Partial", "Missing",
                     "Complete (%)"], item_rows,
                    description="Among the current (not retired) records each item applies to: "
                                "how many have it complete, partly recorded or missing."),
            Section("Findings", ["Organisation", "Reference", "Activity", "Severity", "Code",
                                 "Article", "Field", "What to do"], detail_rows,
                    empty_text="No finding: every record is complete."),
        ],
        charts=[
            Chart("Findings by severity", [(s.label, by_severity.get(s, 0)) for s in SEVERITIES]),
            Chart("Completeness per Article 30 item",
                  [(row[1], row[6]) for row in item_rows if row[6] != ""],
                  unit="%", maximum=100),
            Chart("Findings by rule", [(row[0], row[4]) for row in rule_rows if row[4]]),
        ],
        summary=summary,
        notes=notes,
    )
