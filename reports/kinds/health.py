"""Register health: the findings of the rule engine, and how complete the Art 30 items are.

Counts findings by rule, severity and organisation, measures for each Article 30 item
the share of records where it is filled, and compares with the previous health report
of the same organisation.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.utils import timezone

from processing.findings import RULES_BY_CODE, Severity, register_findings
from processing.models import PROCESSOR_ROLES

from ..selectors import activities_in_scope
from .base import Chart, Figure, ReportContent, Section

TITLE = "Register health"

_ALL, _CONTROLLER, _PROCESSOR = "all", "controller", "processor"

#: Article 30 items: label, finding code that says it is missing, records it applies to.
ART30_ITEMS = (
    ("Purposes of the processing", "A30-PURPOSES", _ALL),
    ("Categories of data subjects", "A30-SUBJECTS", _CONTROLLER),
    ("Categories of personal data", "A30-DATA", _CONTROLLER),
    ("Recipients", "A30-RECIPIENTS", _CONTROLLER),
    ("Retention", "A30-RETENTION", _CONTROLLER),
    ("Security measures", "A30-SECURITY", _ALL),
    ("Controllers served (processor record)", "A30-CONTROLLERS", _PROCESSOR),
    ("Lawful basis", "A6-BASIS", _CONTROLLER),
)

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _applies(scope: str, role: str) -> bool:
    if scope == _ALL:
        return True
    is_processor = role in PROCESSOR_ROLES
    return is_processor if scope == _PROCESSOR else not is_processor


def _change(current, previous: dict | None, *keys):
    if previous is None:
        return None
    value = previous
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key, 0)
    return current - (value or 0)


def build(report, previous) -> ReportContent:
    period = report.period
    activities = activities_in_scope(report.organisation).current()
    labels = {
        row["id"]: row
        for row in activities.values("id", "reference", "name", "role", "organisation__name")
    }
    findings = register_findings(activities, today=period)
    before = previous.summary if previous is not None else None

    by_code: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    by_org: dict[str, Counter] = defaultdict(Counter)
    missing: dict[str, set[int]] = defaultdict(set)
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
            missing[finding.code].add(activity_id)
            detail_rows.append([
                org, info["reference"], info["name"], finding.severity, finding.code,
                finding.article, finding.field, finding.message,
            ])
    detail_rows.sort(key=lambda r: (r[0], r[1], SEVERITIES.index(r[3]), r[4]))

    completeness = []
    for label, code, scope in ART30_ITEMS:
        applicable = [i for i, info in labels.items() if _applies(scope, info["role"])]
        complete = sum(1 for i in applicable if i not in missing[code])
        percent = round(100 * complete / len(applicable), 1) if applicable else 100.0
        completeness.append((label, RULES_BY_CODE[code].article, code, complete,
                             len(applicable), percent))

    total = sum(by_code.values())
    with_findings = sum(1 for found in findings.values() if found)
    summary = {
        "activities": len(findings),
        "with_findings": with_findings,
        "total": total,
        "by_severity": {s.value: by_severity.get(s, 0) for s in SEVERITIES},
        "by_code": dict(sorted(by_code.items())),
        "by_organisation": {org: dict(c) for org, c in sorted(by_org.items())},
        "completeness": {code: percent for _, _, code, _, _, percent in completeness},
    }

    figures = [
        Figure("Activities in the register", len(findings),
               _change(len(findings), before, "activities")),
        Figure("Activities with findings", with_findings,
               _change(with_findings, before, "with_findings")),
        Figure("Findings", total, _change(total, before, "total")),
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
            Section("Completeness of Art 30 items",
                    ["Item", "Article", "Rule", "Records complete", "Records concerned",
                     "Complete (%)"], [list(row) for row in completeness],
                    description="Share of the current (not retired) records where the item "
                                "is filled, among the records it applies to."),
            Section("Findings", ["Organisation", "Reference", "Activity", "Severity", "Code",
                                 "Article", "Field", "What to do"], detail_rows,
                    empty_text="No finding: every record is complete."),
        ],
        charts=[
            Chart("Findings by severity", [(s.label, by_severity.get(s, 0)) for s in SEVERITIES]),
            Chart("Completeness per Article 30 item",
                  [(label, percent) for label, _, _, _, _, percent in completeness],
                  unit="%", maximum=100),
            Chart("Findings by rule", [(row[0], row[4]) for row in rule_rows if row[4]]),
        ],
        summary=summary,
        notes=notes,
    )
