"""Reports run on demand from the admin: the "Run now" form per kind and organisation,
and the empty Reports page of day one that explains what reports are."""

import pytest

from entities.models import Membership
from reports.models import Report, ReportStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/reports/report/"
RUN = "/admin/reports/report/run/"


def staff(user):
    user.is_staff = True
    user.save()
    return user


def test_day_one_explains_reports_and_a_dpo_runs_one_for_its_organisation(
        client, register, django_capture_on_commit_callbacks):
    client.force_login(staff(register["dpo_user"]))

    page = client.get(LIST).content.decode()
    assert "No reports yet" in page
    assert "reviews due" in page and 'action="/admin/reports/report/run/"' in page
    # The form offers the DPO's organisation only.
    assert "Acme Ltd" in page and "Other Ltd" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RUN, {"kind": "health", "organisation": register["acme"].pk},
                               follow=True)

    report = Report.objects.get()
    assert (report.kind, report.organisation, report.requested_by) == (
        "health", register["acme"], register["dpo_user"])
    assert report.status == ReportStatus.DONE  # the task ran (in-process in these tests)
    body = response.content.decode()
    assert "is queued" in body
    assert "No reports yet" not in body and "Run a report now" in body


def test_running_todays_report_again_produces_it_again_without_a_duplicate(
        client, register, django_capture_on_commit_callbacks):
    client.force_login(staff(register["auditor"]))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(RUN, {"kind": "reviews", "organisation": register["acme"].pk})

    report = Report.objects.get()
    assert report.status == ReportStatus.DONE and report.requested_by == register["auditor"]


def test_a_dpo_cannot_run_a_report_of_another_organisation(client, register):
    client.force_login(staff(register["dpo_user"]))

    response = client.post(RUN, {"kind": "health", "organisation": register["other"].pk})

    assert response.status_code == 200
    assert "Choose one of your organisations where you are DPO or auditor." in (
        response.content.decode())
    assert not Report.objects.exists()


def test_a_contributor_sees_the_empty_state_without_the_form_and_cannot_run(client, register):
    contributor = staff(UserFactory(username="connie"))
    Membership.objects.create(user=contributor, organisation=register["acme"], role="contributor")
    client.force_login(contributor)

    page = client.get(LIST).content.decode()
    assert "No reports yet" in page and "once the schedules have run" in page
    assert "/admin/reports/report/run/" not in page
    response = client.post(RUN, {"kind": "health", "organisation": register["acme"].pk})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_bad_kind_is_named(client, register):
    client.force_login(staff(register["dpo_user"]))

    response = client.post(RUN, {"kind": "weather", "organisation": register["acme"].pk})

    assert "Select a valid choice. weather is not one of the available choices." in (
        response.content.decode())
    assert not Report.objects.exists()
