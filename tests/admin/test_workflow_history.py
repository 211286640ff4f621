"""Review workflow, history diff and revert, the register as of a date, the dashboard."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from processing import services
from processing.models import ProcessingActivity
from tests.admin.conftest import change_url, form_data
from tests.factories import ActivityFactory, TransferFactory, data_category, subject_category


def transition(client, activity, action):
    activity.refresh_from_db()
    url = reverse("admin:processing_processingactivity_transition", args=[activity.pk, action])
    response = client.post(url, {"expected_version": activity.version})
    activity.refresh_from_db()
    return response


@pytest.mark.django_db
def test_submit_approve_retire_reinstate(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    response = client.get(change_url(activity_a))
    assert [a for a, _l, _t in response.context["workflow_actions"]] == [
        "submit", "retire"]
    assert transition(client, activity_a, "submit").status_code == 302
    assert activity_a.status == "in_review"
    transition(client, activity_a, "approve")
    assert activity_a.status == "active"
    assert activity_a.last_reviewed_on == timezone.localdate()
    assert activity_a.next_review_on == timezone.localdate() + datetime.timedelta(days=365)
    record = activity_a.history.first()
    assert (record.status, record.history_user, record.history_path) == ("active", dpo_a, "admin")

    transition(client, activity_a, "retire")
    assert activity_a.status == "retired"
    response = client.get(change_url(activity_a))
    assert not response.context["has_change_permission"]  # kept, read-only
    assert [a for a, _l, _t in response.context["workflow_actions"]] == ["reinstate"]
    transition(client, activity_a, "reinstate")
    assert activity_a.status == "draft"
    assert activity_a.history.count() >= 5


@pytest.mark.django_db
def test_transition_from_a_stale_page_does_nothing(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    url = reverse("admin:processing_processingactivity_transition", args=[activity_a.pk, "submit"])
    response = client.post(url, {"expected_version": activity_a.version - 1 or 99}, follow=True)
    activity_a.refresh_from_db()
    assert activity_a.status == "draft"
    assert "was changed since you opened it" in response.content.decode()


@pytest.mark.django_db
def test_refused_transition_says_why(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    response = transition(client, activity_a, "approve")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Cannot approve an activity that is draft."]
    assert activity_a.status == "draft"


@pytest.mark.django_db
def test_bulk_actions_call_the_workflow(client, org_a, dpo_a):
    first = ActivityFactory(organisation=org_a)
    second = ActivityFactory(organisation=org_a, status="active")
    client.force_login(dpo_a)
    response = client.post(reverse("admin:processing_processingactivity_changelist"), {
        "action": "transition_submit", "_selected_action": [first.pk, second.pk]}, follow=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("in_review", "active")
    assert "Cannot submit an activity that is active" in response.content.decode()


@pytest.mark.django_db
def test_history_diff_and_revert(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    data = form_data(client.get(change_url(activity_a)))
    data["name"] = "Support desk"
    data["data_subjects"] = [str(subject_category("customers").pk),
                             str(subject_category("end-users").pk)]
    data["purposes-0-description"] = "To answer tickets"
    assert client.post(change_url(activity_a), data).status_code == 302

    compare = reverse("admin:processing_processingactivity_compare", args=[activity_a.pk])
    records = list(activity_a.history.order_by("history_date"))
    before = [r for r in records if r.name == "Customer support"][-1]
    response = client.get(compare, {"old": before.history_id, "new": records[-1].history_id})
    changes = {c.label: c for c in response.context["field_changes"]}
    assert (changes["Name"].old, changes["Name"].new) == ("Customer support", "Support desk")
    assert changes["Categories of data subjects"].added == ["End users"]
    parts = {p.heading: p for p in response.context["part_changes"]}
    assert parts["Purposes"].changed == [("To manage customer accounts", "To answer tickets")]
    content = response.content.decode()
    assert "<del>Customer support</del>" in content and "<ins>Support desk</ins>" in content

    # The history page shows who changed it and through which path.
    history = client.get(reverse("admin:processing_processingactivity_history",
                                 args=[activity_a.pk]))
    assert "dpo_a" in history.content.decode() and "admin" in history.content.decode()

    activity_a.refresh_from_db()
    revert = reverse("admin:processing_processingactivity_revert",
                     args=[activity_a.pk, before.history_id])
    response = client.post(revert, {"expected_version": activity_a.version})
    assert response.status_code == 302
    activity_a.refresh_from_db()
    assert activity_a.name == "Customer support"
    assert list(activity_a.data_subjects.all()) == [subject_category("customers")]
    latest = activity_a.history.first()
    assert (latest.name, latest.history_user, latest.history_path) == (
        "Customer support", dpo_a, "admin")


@pytest.mark.django_db
def test_revert_of_a_stale_comparison_is_refused(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    first = activity_a.history.last()
    services.activity_update(activity=activity_a, name="Changed")
    revert = reverse("admin:processing_processingactivity_revert",
                     args=[activity_a.pk, first.history_id])
    client.post(revert, {"expected_version": activity_a.version - 1})
    activity_a.refresh_from_db()
    assert activity_a.name == "Changed"


@pytest.mark.django_db
def test_auditor_cannot_revert(client, auditor_a, activity_a):
    client.force_login(auditor_a)
    first = activity_a.history.last()
    revert = reverse("admin:processing_processingactivity_revert",
                     args=[activity_a.pk, first.history_id])
    assert client.post(revert, {"expected_version": activity_a.version}).status_code == 403
    compare = reverse("admin:processing_processingactivity_compare", args=[activity_a.pk])
    assert client.get(compare).context["may_revert"] is False


@pytest.mark.django_db
def test_register_as_of_a_past_date(client, org_a, org_b, dpo_a):
    with time_machine.travel(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC)):
        old = services.activity_create(organisation=org_a, name="Newsletter")
        services.activity_create(organisation=org_b, name="Other organisation's")
    with time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC)):
        services.activity_update(activity=old, name="Newsletter and events")
        services.activity_create(organisation=org_a, name="Created later")
        services.activity_transition(activity=old, action="retire")
    client.force_login(dpo_a)
    url = reverse("admin:processing_processingactivity_as_of")

    response = client.get(url, {"date": "2024-03-01"})
    assert [r["activity"].name for r in response.context["rows"]] == ["Newsletter"]
    response = client.get(url, {"date": "2024-06-02"})
    assert [r["activity"].name for r in response.context["rows"]] == ["Created later"]
    response = client.get(url, {"date": "2024-06-02", "retired": "1"})
    assert sorted(r["activity"].name for r in response.context["rows"]) == [
        "Created later", "Newsletter and events"]
    response = client.get(url, {"date": "1st March"})
    assert "'1st March' is not a date or a date-time" in response.context["error"]
    assert "YYYY-MM-DD" in response.context["error"]


@pytest.mark.django_db
def test_dashboard_counts_and_links_to_filtered_lists(client, org_a, dpo_a, activity_b):
    ActivityFactory(organisation=org_a, status="active")
    health = ActivityFactory(organisation=org_a)
    health.data_categories.set([data_category("health")])
    TransferFactory(activity=health)
    client.force_login(dpo_a)
    response = client.get(reverse("admin:processing_processingactivity_dashboard"))
    assert response.status_code == 200
    charts = {c.key: c for c in response.context["charts"]}
    assert [(b.label, b.value) for b in charts["organisation"].bars] == [("Akixi Limited", 2)]
    status = {b.query["status__exact"]: b.value for b in charts["status"].bars}
    assert status == {"draft": 1, "in_review": 0, "active": 1, "retired": 0}
    assert [(b.label, b.value) for b in charts["transfers"].bars] == [("United States", 1)]
    errors = charts["findings"].bars[0]
    assert (errors.value, errors.query) == (2, {"findings": "error"})
    content = response.content.decode()
    assert "<svg" in content
    assert 'href="/admin/processing/processingactivity/?country=US"' in content
    # The link lists exactly what the bar counts.
    listed = client.get(f"/admin/processing/processingactivity/?{'findings=error'}")
    assert listed.context["cl"].result_count == errors.value
    index = client.get(reverse("admin:index"))
    assert reverse("admin:processing_processingactivity_dashboard") in index.content.decode()


@pytest.mark.django_db
def test_retired_activity_keeps_its_record(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    transition(client, activity_a, "retire")
    assert ProcessingActivity.objects.filter(pk=activity_a.pk, status="retired").exists()


@pytest.mark.django_db
def test_register_as_of_is_read_a_page_at_a_time(client, org_a, dpo_a, django_assert_max_num_queries):
    from processing import admin_views

    with time_machine.travel(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC)):
        org_a.save()  # its history starts with the name it had then
        made = [services.activity_create(organisation=org_a, name=f"Activity {i:02d}")
                for i in range(7)]
    with time_machine.travel(datetime.datetime(2024, 2, 10, 12, tzinfo=datetime.UTC)):
        org_a.name = "Renamed since"
        org_a.save()
    client.force_login(dpo_a)
    url = reverse("admin:processing_processingactivity_as_of")
    admin_views.AS_OF_PAGE_SIZE, size = 3, admin_views.AS_OF_PAGE_SIZE
    try:
        pages = []
        for number in (1, 2, 3):
            response = client.get(url, {"date": "2024-01-31", "page": number})
            pages.append([r["activity"].reference for r in response.context["rows"]])
            assert {r["activity"].organisation for r in response.context["rows"]} == {"Akixi Limited"}
        with django_assert_max_num_queries(30):
            last = client.get(url, {"date": "2024-01-31", "page": 3})
    finally:
        admin_views.AS_OF_PAGE_SIZE = size
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [ref for page in pages for ref in page] == sorted(a.reference for a in made)
    content = last.content.decode()
    assert "7 activities" in content and "page 3 of 3" in content and 'rel="prev"' in content
