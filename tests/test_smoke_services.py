import pytest

from processing import services
from processing.findings import activity_findings
from tests.factories import complete_activity


@pytest.mark.django_db
def test_complete_activity_has_no_findings():
    activity = complete_activity()
    assert [f.code for f in activity_findings(activity)] == []


@pytest.mark.django_db
def test_activity_create_records_history_user(dpo, organisation):
    activity = services.activity_create(organisation=organisation, user=dpo, name="Payroll")
    assert activity.reference == "PA-001"
    record = activity.history.latest()
    assert record.history_user == dpo
    assert record.history_path == "command"
