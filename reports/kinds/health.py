"""Register health: the findings of the rule engine, and how complete the Art 30 items are.

Counts findings by rule, severity and organisation, gives each organisation's completeness
score and, per Article 30 item, the share of records where it is complete
(processing/completeness.py), and compares with the previous health report of the same
organisation.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.utils import timezone

from processing.completeness import ITEMS, organisations_by_item, register_completeness
from processing.findings import RULES_BY_CODE, Severity

from ..selectors import activities_in_scope
from .base import Chart, Figure, ReportContent, Section

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


def build(report, previous) -> ReportContent:
    period = report.period
    activities = activities_in_scope(report.organisation).current()
    labels = {
        row["id"]: row
        for row in activities.values("id", "reference", "name", "role", "organisation__name")
    }
    assessed = register_completeness(activities, today=period)
    findings = assessed.findings
    before = previous.summary if previous is not None else None

    by_code: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    by_org: dict[str, Counter] = defaultdict(Counter)
    detail_rows = []
    for activity_id, found in findings.items():
        info = labels[activity_id]
        org = info["organisation__name"]
        by_org[org]["activities"] += 1
        if found:
            by_org[org]["with_findings"] += 1
        for finding in found:
            by_code[finding.code] += 1
            by_severity[finding.severity] += 1
            by_org[org][finding.severity] += 1
            detail_rows.append([
                org, info["reference"], info["name"], finding.severity, finding.code,
                finding.article, finding.field, finding.message,
            ])
    detail_rows.sort(key=lambda r: (r[0], r[1], SEVERITIES.index(r[3]), r[4]))

    item_rows = [
        [str(share.item.title), share.item.article, share.records, share.complete, share.partial,
         share.missing, _percent(share.share_complete)]
        for share in organisations_by_item(assessed)
    ]
    scores = [c.score for c in assessed.activities.values()]
    mean_score = round(sum(scores) / len(scores), 1) if scores else None
    completeness_rows = [
        [o.name, o.activities, o.complete_activities, _percent(o.score)]
        + [_percent(o.items[item.key].share_complete) for item in ITEMS]
        for o in assessed.organisations
    ]

    total = sum(by_code.values())
    with_findings = sum(1 for found in findings.values() if found)
    summary = {
        "activities": len(findings),
        "with_findings": with_findings,
        "total": total,
        "by_severity": {s.value: by_severity.get(s, 0) for s in SEVERITIES},
        "by_code": dict(sorted(by_code.items())),
        "by_organisation": {org: dict(c) for org, c in sorted(by_org.items())},
        "completeness": {
            "score": mean_score,
            "by_item": {share.item.key: share.share_complete
                        for share in organisations_by_item(assessed)},
            "by_organisation": {o.name: o.score for o in assessed.organisations},
        },
    }

    figures = [
        Figure("Activities in the register", len(findings),
               _change(len(findings), before, "activities")),
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
