"""Each findings rule at its boundaries, for each role and status, with the message, field,
severity and article of its findings; ``activity_findings`` and ``register_findings`` give the
same findings for the same records. The cases are in ``findings_table.py``."""

import datetime

import pytest
import time_machine

from processing.findings import RULES, RULES_BY_CODE, Finding, Severity, activity_findings, register_findings
from processing.models import ActivityStatus, ProcessingActivity
from tests.core.findings_table import (
    CASES,
    ROLES,
    RULE_TABLE,
    TODAY,
    breaking,
    build,
    review_due,
)

pytestmark = pytest.mark.django_db

MOST_SEVERE_FIRST = [Severity.ERROR, Severity.WARNING, Severity.INFO]


def findings_of(activity: ProcessingActivity, today: datetime.date | None = TODAY, *,
                alone: bool = False) -> list[Finding]:
    """The findings of ``activity``, after checking that the activity read with its register
    (and, if ``alone``, read without it) and the register read in bulk give the same."""
    pk = activity.pk
    found = activity_findings(ProcessingActivity.objects.with_register().get(pk=pk), today=today)
    if alone:
        assert activity_findings(ProcessingActivity.objects.get(pk=pk), today=today) == found
    assert register_findings(ProcessingActivity.objects.filter(pk=pk), today=today) == {pk: found}
    assert all(isinstance(f, Finding) for f in found)
    ranks = [MOST_SEVERE_FIRST.index(f.severity) for f in found]
    assert ranks == sorted(ranks), "findings are listed most severe first"
    return found


def assert_findings(found: list[Finding], code: str, messages) -> None:
    """The findings of ``code`` in ``found`` are ``messages``, in order, each with the rule's
    severity and article and the field the admin links to."""
    severity, article, field, _roles = RULE_TABLE[code]
    of_code = [f for f in found if f.code == code]
    assert [f.message for f in of_code] == list(messages)
    for finding in of_code:
        assert (finding.field, finding.severity, finding.article) == (field, severity, article)
        assert finding.as_dict() == {"code": code, "severity": severity, "message": finding.message,
                                     "field": field, "article": article}


# --- The table covers the rules ------------------------------------------------------------------

def test_every_rule_is_in_the_table():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes)) == len(RULES_BY_CODE)
    assert set(RULES_BY_CODE) == set(codes) == set(RULE_TABLE)
    for code in codes:
        assert any(c.code == code and c.raised for c in CASES), f"{code} has no case that raises it"
        assert any(c.code == code and not c.raised for c in CASES), f"{code} has no quiet case"
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("code", sorted(RULE_TABLE))
def test_rule_declares_its_severity_article_and_field(code):
    severity, article, field, _roles = RULE_TABLE[code]
    rule = RULES_BY_CODE[code]
    assert (rule.code, rule.severity, rule.article) == (code, severity, article)
    assert rule.severity in Severity.values and rule.title
    # The admin links the finding to this field of the record.
    assert ProcessingActivity._meta.get_field(field).name == field


# --- Each rule at its boundaries -----------------------------------------------------------------

@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_rule_case(case, settings):
    for name, value in case.settings.items():
        setattr(settings, name, value)
    activity = build(case.spec)

    assert_findings(findings_of(activity, alone=True), case.code, case.messages)


ROLE_MATRIX = [pytest.param(code, role, id=f"{code}:{role}") for code in RULE_TABLE for role in ROLES]


@pytest.mark.parametrize(("code", "role"), ROLE_MATRIX)
def test_rule_applies_to_the_roles_it_concerns(code, role):
    case = breaking(code)
    applies = role in RULE_TABLE[code][3]

    found = findings_of(build(case.spec | {"role": role}))

    assert_findings(found, code, case.messages if applies else ())


STATUS_MATRIX = [pytest.param(code, status, id=f"{code}:{status}")
                 for code in RULE_TABLE for status in ActivityStatus.values]


@pytest.mark.parametrize(("code", "status"), STATUS_MATRIX)
def test_rule_applies_to_records_not_retired(code, status):
    """A retired activity has no finding at all; a draft past the limit is the only one a
    status raises."""
    case = breaking(code)
    applies = status != ActivityStatus.RETIRED and (
        code != "DRAFT-STALE" or status == ActivityStatus.DRAFT)

    found = findings_of(build(case.spec | {"status": status}))

    assert_findings(found, code, case.messages if applies else ())
    if status == ActivityStatus.RETIRED:
        assert found == []


def test_a_register_of_every_case_gives_each_record_its_findings():
    """Read together, the records keep their own findings: no list of one reaches another."""
    table = [c for c in CASES if not c.settings]
    built = {build(c.spec).pk: c for c in table}
    activities = ProcessingActivity.objects.filter(pk__in=built)

    found = register_findings(activities, today=TODAY)

    assert set(found) == set(built)
    for activity in activities.with_register():
        assert found[activity.pk] == activity_findings(activity, today=TODAY)
        case = built[activity.pk]
        assert_findings(found[activity.pk], case.code, case.messages)


# --- Today is the local date ------------------------------------------------------------------------

@pytest.mark.parametrize(("utc_time", "raised"), [
    pytest.param(datetime.time(22, 30), False, id="23:30-london-due-today"),
    pytest.param(datetime.time(23, 30), True, id="00:30-london-the-next-day"),
])
def test_without_a_date_the_rules_run_on_the_local_date(utc_time, raised):
    """The review is due on TODAY: in London it is overdue from midnight there, an hour
    before midnight UTC in summer."""
    activity = build({"next_review_on": TODAY})
    moment = datetime.datetime.combine(TODAY, utc_time, tzinfo=datetime.UTC)

    with time_machine.travel(moment, tick=False):
        found = findings_of(activity, today=None)

    assert_findings(found, "REVIEW-OVERDUE", [review_due(TODAY)] if raised else [])


def test_findings_are_listed_most_severe_first():
    """The rules run in their own order (a warning on consent before an error on a citation);
    the findings come out errors first, then warnings, then information."""
    activity = build({"status": "draft", "purposes": 1, "subjects": ["customers"], "categories": ["contact"],
                      "recipients_none": True, "retention": [{"period": "P1Y"}], "measures": 1,
                      "bases": [{"basis": "A6-1-a"}, {"basis": "A6-1-c"}],
                      "next_review_on": TODAY - datetime.timedelta(days=1),
                      "created_at": datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC)})

    found = findings_of(activity)

    assert [f.severity for f in found] == ["error", "warning", "warning", "info"]
    assert {f.code for f in found} == {"A6-3-CITATION", "A7-CONSENT-RECORD", "REVIEW-OVERDUE", "DRAFT-STALE"}
    assert found[0].code == "A6-3-CITATION" and found[-1].code == "DRAFT-STALE"
