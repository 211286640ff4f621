"""The home page is the DPO's worklist: findings by code with a link to fix each, reviews
due, records waiting, completeness per organisation and recent changes, in the user's
registers only, for a number of queries that does not grow with the register."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from processing.completeness import activity_completeness
from processing.models import ActivityStatus, FindingSummary, ProcessingActivity
from tests.admin.test_changelist import bulk_register
from tests.factories import ActivityFactory, complete_activity

INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:processing_processingactivity_changelist")


def home(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(INDEX)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.django_db
def test_the_home_page_is_the_worklist_under_the_products_name(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    response = client.get(INDEX)
    content = response.content.decode()
    assert 'id="worklist"' in content
    assert "Django administration" not in content and "Site administration" not in content
    assert re.search(r"<title>\s*Worklist \| ROPA register\s*</title>", content)
    # The organisation the user works for is in the header.
    assert "Akixi Limited" in content
    # The stock model index is not the landing page: no list of every app and model.
    assert "app-processing" not in content and "Countries</a></th>" not in content
    assert "ropa-dashboard-link" in content


@pytest.mark.django_db
def test_findings_are_counted_by_code_with_a_link_listing_the_activities_to_fix(
        client, dpo_a, org_a, org_b):
    no_recipients = [ActivityFactory(organisation=org_a) for _ in range(3)]
    complete_activity(organisation=org_a)
    ActivityFactory(organisation=org_b)  # another register: not counted
    client.force_login(dpo_a)
    worklist = client.get(INDEX).context["worklist"]
    by_code = {f.code: f for f in worklist.findings}
    assert by_code, "activities without purposes or recipients have findings"
    severities = [f.severity for f in worklist.findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    code, counted = next((c, f) for c, f in by_code.items() if f.activities == 3)
    assert counted.url == f"{CHANGELIST}?findings={code}"
    # The link lists exactly the activities with that finding, in the user's register.
    listed = client.get(counted.url).context["cl"].result_list
    assert sorted(a.pk for a in listed) == sorted(a.pk for a in no_recipients)
    assert f'data-code="{code}"' in client.get(INDEX).content.decode()


@pytest.mark.django_db
def test_reviews_due_waiting_records_completeness_and_changes(client, dpo_a, org_a, org_b):
    today = timezone.localdate()
    overdue = complete_activity(organisation=org_a, reference="PA-OLD", name="Old review")
    ProcessingActivity.objects.filter(pk=overdue.pk).update(
        next_review_on=today - datetime.timedelta(days=3))
    waiting = ActivityFactory(organisation=org_a, reference="PA-WAIT", name="Waiting")
    ProcessingActivity.objects.filter(pk=waiting.pk).update(status=ActivityStatus.IN_REVIEW)
    ActivityFactory(organisation=org_a, reference="PA-DRAFT")
    complete_activity(organisation=org_a, reference="PA-DONE")
    retired = ActivityFactory(organisation=org_a)
    ProcessingActivity.objects.filter(pk=retired.pk).update(status=ActivityStatus.RETIRED)
    other = ActivityFactory(organisation=org_b, reference="PB-1", name="Mondago secret")
    ProcessingActivity.objects.filter(pk=other.pk).update(
        next_review_on=today - datetime.timedelta(days=3))
    client.force_login(dpo_a)
    response = client.get(INDEX)
    worklist = response.context["worklist"]
    assert worklist.overdue == 1 and [a.reference for a in worklist.due] == ["PA-OLD"]
    assert (worklist.in_review, worklist.drafts) == (1, 3)
    assert worklist.waiting[0].reference == "PA-WAIT"  # in review before drafts
    [row] = worklist.organisations
    assert (row.name, row.activities) == ("Akixi Limited", 4)
    # The mean of the stored scores, each the one processing.completeness gives.
    scores = FindingSummary.objects.filter(activity__organisation=org_a).exclude(
        activity__status=ActivityStatus.RETIRED).values_list("completeness", flat=True)
    assert None not in scores
    assert row.score == round(sum(scores) / len(scores), 1)
    assert row.complete == sum(score == 100 for score in scores)
    done = ProcessingActivity.objects.get(reference="PA-DONE")
    assert done.finding_summary.completeness == activity_completeness(done).score
    assert {c.reference for c in worklist.changes} >= {"PA-OLD", "PA-WAIT", "PA-DRAFT"}
    content = response.content.decode()
    assert "Mondago secret" not in content and "PB-1" not in content
    assert f"{CHANGELIST}?review=overdue" in content


@pytest.mark.django_db
def test_a_user_with_no_register_is_told_whom_to_ask(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    response = client.get(INDEX)
    assert response.status_code == 200
    assert "worklist" not in response.context and "ask its DPO" in response.content.decode()


@pytest.mark.django_db
def test_the_worklist_costs_a_constant_number_of_queries(client, org_a, dpo_a):
    bulk_register(org_a, 20)
    client.force_login(dpo_a)
    home(client)  # the findings summaries made once (and again each night)
    few, _ = home(client)
    bulk_register(org_a, 480, start=20)
    home(client)
    many, response = home(client)
    assert many == few
    worklist = response.context["worklist"]
    assert worklist.organisations[0].activities == 500
    assert sum(f.activities for f in worklist.findings) >= 500
